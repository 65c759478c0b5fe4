"""Canonical tags: display names, aliases and keywords from ``data/taxonomy.yml``.

Explicit tags are normalised through aliases; entries without explicit tags
get tags from keywords found in their title and summary. Tags that differ
only by case, width or separator share one normalised key and so one page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from llminfra.domain.problems import SourceProblem

SEPARATORS = re.compile(r"[\s\-_.·/・]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ASCII_WORD = re.compile(r"[A-Za-z0-9]")
FALLBACK_TAG = "uncategorized"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def tag_key(name: str) -> str:
    """Normalised key: NFKC, case-folded, without separators."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", name).casefold())


def tag_slug(name: str) -> str:
    """URL slug for a tag that is not in the taxonomy (keeps CJK characters)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[^\w\u3400-\u9fff]+", "-", text).strip("-_")
    return text or "tag"


@dataclass
class TagInfo:
    slug: str
    name: str
    aliases: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    description: str = ""
    known: bool = True
    line: int = 0  # line in taxonomy.yml, for edit links and errors
    name_line: int = 0  # lines of the name and of each alias, for errors about them
    alias_lines: list[int] = field(default_factory=list)


@dataclass
class Resolution:
    slug: str
    known: bool


class Taxonomy:
    def __init__(self, tags: dict[str, TagInfo], search_terms: list[str] | None = None, path: str = ""):
        self.path = path
        self.tags = dict(tags)
        self.search_terms = list(search_terms or [])
        self._by_key: dict[str, str] = {}
        self.problems: list[SourceProblem] = []
        for slug, info in self.tags.items():
            for name, line in [(slug, info.line), (info.name, info.name_line or info.line),
                               *zip(info.aliases, info.alias_lines or [info.line] * len(info.aliases))]:
                key = tag_key(name)
                other = self._by_key.get(key)
                if other and other != slug:
                    self.problems.append(SourceProblem(
                        path, line, f"tag {slug!r}: {name!r} is already a spelling of {other!r}",
                        "remove the alias from one of the two tags"))
                    continue
                self._by_key[key] = slug
        if FALLBACK_TAG not in self.tags:
            self.tags[FALLBACK_TAG] = TagInfo(FALLBACK_TAG, "未分类", description="关键词没有匹配到任何标签的条目。")
        self._keyword_pattern, self._keyword_tags = self._compile_keywords()

    # -- loading ----------------------------------------------------------

    @classmethod
    def from_yaml(cls, text: str, path: str = "data/taxonomy.yml") -> "Taxonomy":
        """The taxonomy in ``text``, checked against its schema (``TaxonomySchema``).

        Every deviation is a ``path:line`` problem on the result, never an
        exception; what is valid is still used, so one bad tag does not hide the
        others from the build.
        """
        schema = TaxonomySchema(path)
        tags, search_terms = schema.read(text)
        taxonomy = cls(tags, search_terms, path)
        taxonomy.problems[:0] = schema.problems
        return taxonomy

    # -- explicit tags ----------------------------------------------------

    def resolve(self, name: str) -> Resolution:
        """Map an explicit tag to its canonical slug, registering unknown ones."""
        key = tag_key(name)
        slug = self._by_key.get(key)
        if slug:
            return Resolution(slug, self.tags[slug].known)
        slug = tag_slug(name)
        while slug in self.tags and tag_key(self.tags[slug].name) != key:
            slug += "-x"
        if slug not in self.tags:
            self.tags[slug] = TagInfo(slug, name.strip(), known=False)
        self._by_key[key] = slug
        return Resolution(slug, False)

    # -- keywords ---------------------------------------------------------

    def _compile_keywords(self):
        owners: dict[str, list[str]] = {}
        for slug, info in self.tags.items():
            for keyword in info.keywords:
                folded = unicodedata.normalize("NFKC", keyword).casefold()
                owners.setdefault(folded, []).append(slug)
        if not owners:
            return None, {}
        # Found text is looked up without its spaces: "KV cache" also matches "KVcache".
        by_squeezed: dict[str, list[str]] = {}
        for keyword, slugs in owners.items():
            by_squeezed.setdefault(_squeeze(keyword), []).extend(slugs)
        return _keyword_pattern(owners), by_squeezed

    def keyword_tags(self, text: str) -> list[str]:
        """Tags whose keywords occur in ``text``, in order of first occurrence."""
        if self._keyword_pattern is None:
            return []
        folded = unicodedata.normalize("NFKC", text).casefold()
        found: dict[str, None] = {}
        for match in self._keyword_pattern.finditer(folded):
            for slug in self._keyword_tags[_squeeze(match.group(0))]:
                found.setdefault(slug, None)
        return list(found)

    # -- search -----------------------------------------------------------

    def chinese_terms(self) -> list[str]:
        """The site's Chinese domain terms: tag names, aliases and keywords in Chinese, and ``search_terms``.

        Search must find each of them inside running text (the browser suite's query set,
        ``tests/search_queries.py``, starts from this list).
        """
        words = {w.strip() for w in self.search_terms if CJK.search(w)}
        for info in self.tags.values():
            for word in [info.name, *info.aliases, *info.keywords]:
                if CJK.search(word) and not SEPARATORS.search(word.strip()):
                    words.add(word.strip())
        return sorted(words)

def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _keyword_pattern(keywords) -> re.Pattern:
    """One regex finding any of ``keywords``, the longest where several start at the same place.

    The keywords are factored into a trie (``kv cache|kvm`` -> ``kv(?:\\s*cache|m)``)
    instead of one alternative per keyword: the regex engine then tries only the
    branches that start with the character at hand, which keeps tagging linear
    in the text with hundreds of keywords. Spaces in a keyword match any run of
    whitespace (or none); a keyword that starts or ends with an ASCII letter or
    digit must not touch another one there.
    """
    root: dict = {}
    for keyword in keywords:
        node = root
        for char in keyword:
            node = node.setdefault(char, {})
        node[""] = keyword  # "" marks the end of a keyword

    def longest(node: dict) -> int:
        return max(len(value) if char == "" else longest(value) for char, value in node.items())

    def branch(node: dict, first: bool) -> str:
        parts = []
        # Longest completions first, so "kv cache" wins over "kv".
        for char in sorted((c for c in node if c), key=lambda c: -longest(node[c])):
            token = r"\s*" if char == " " else re.escape(char)
            if first and ASCII_WORD.match(char):
                # The boundary check follows the character, so every branch
                # starts with a literal the engine can scan for.
                token += rf"(?<![a-z0-9]{token})"
            parts.append(token + branch(node[char], False))
        if "" in node:
            parts.append(r"(?![a-z0-9])" if ASCII_WORD.match(node[""][-1]) else "")
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return re.compile(branch(root, True))


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
TOP_KEYS = ("tags", "search_terms")
TAG_KEYS = ("name", "aliases", "keywords", "description")


class TaxonomySchema:
    """The structure of ``data/taxonomy.yml``, checked on PyYAML's node tree so every problem has its line::

        tags:                      # mapping: slug -> tag
          <slug>:                  # lowercase ASCII words joined by '-', once
            name: <string>         # optional, default: the slug
            aliases: [<string>…]   # optional; no spelling may belong to two tags
            keywords: [<string>…]  # optional
            description: <string>  # optional
        search_terms: [<string>…]  # optional

    Lists must be YAML lists: ``aliases: vllm-project`` (a string) is an
    error, not seven one-letter aliases.
    """

    def __init__(self, path: str):
        self.path = path
        self.problems: list[SourceProblem] = []

    def read(self, text: str) -> tuple[dict[str, TagInfo], list[str]]:
        try:
            node = _compose(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            message = f"YAML syntax error: {getattr(error, 'problem', None) or error}"
            context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
            if context and context_mark is not None:
                message += f" {context} started at line {context_mark.line + 1}"
            self._error(mark.line + 1 if mark else 1, message, "fix the syntax; no tag of the file is used until then")
            return {}, []
        if node is None or _is_null(node):
            return {}, []
        if not isinstance(node, yaml.MappingNode):
            self._error(_line(node), f"the file must be a mapping with 'tags:' and 'search_terms:', "
                                     f"not {_kind(node)}", "start the file with 'tags:'")
            return {}, []
        tags: dict[str, TagInfo] = {}
        search_terms: list[str] = []
        for key, value in self._mapping(node, TOP_KEYS, ""):
            if key == "tags":
                tags = self._tags(value)
            else:
                search_terms = [text for text, _ in self._strings(value, "search_terms")]
        return tags, search_terms

    def _tags(self, node) -> dict[str, TagInfo]:
        tags: dict[str, TagInfo] = {}
        if _is_null(node):
            return tags
        if not isinstance(node, yaml.MappingNode):
            self._error(_line(node), f"'tags' must be a mapping of slug: tag, not {_kind(node)}",
                        "write each tag as '  slug:' on its own line under 'tags:'")
            return tags
        for slug_node, spec in node.value:
            slug = slug_node.value if isinstance(slug_node, yaml.ScalarNode) else None
            line = _line(slug_node)
            if slug is None or not SLUG.fullmatch(slug):
                self._error(line, f"tag slug {slug if slug is not None else _kind(slug_node)!r} is not lowercase "
                                  "ASCII words joined by '-'", "it becomes the tag page's URL; put other spellings "
                                                               "under 'aliases:'")
                continue
            if slug in tags:
                self._error(line, f"tag {slug!r} is listed twice (first at line {tags[slug].line})",
                            "merge the two entries")
                continue
            tags[slug] = self._tag(slug, line, spec)
        return tags

    def _tag(self, slug: str, line: int, node) -> TagInfo:
        info = TagInfo(slug=slug, name=slug, line=line)
        if _is_null(node):
            return info
        if not isinstance(node, yaml.MappingNode):
            self._error(_line(node), f"tag {slug!r} must be a mapping (name:, aliases:, keywords:, description:), "
                                     f"not {_kind(node)}", "indent its fields under the slug")
            return info
        for key, value in self._mapping(node, TAG_KEYS, f"tag {slug!r}"):
            if key in ("name", "description"):
                text = self._string(value, f"tag {slug!r}: {key}")
                if text is None:
                    continue
                if key == "name" and text:
                    info.name, info.name_line = text, _line(value)
                elif key == "description":
                    info.description = text
            else:
                strings = self._strings(value, f"tag {slug!r}: {key}")
                if key == "aliases":
                    info.aliases = [text for text, _ in strings]
                    info.alias_lines = [at for _, at in strings]
                else:
                    info.keywords = [text for text, _ in strings]
        return info

    # -- node helpers -------------------------------------------------------

    def _mapping(self, node, allowed: tuple[str, ...], owner: str):
        """(key, value node) of a mapping's known keys; unknown and repeated keys are reported."""
        prefix = f"{owner}: " if owner else ""
        seen: dict[str, int] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = _line(key_node)
            if key not in allowed:
                self._error(line, f"{prefix}unknown key {key if key is not None else _kind(key_node)!r}",
                            f"expected one of: {', '.join(allowed)}")
            elif key in seen:
                self._error(line, f"{prefix}key {key!r} is given twice (first at line {seen[key]})", "keep one")
            else:
                seen[key] = line
                yield key, value

    def _string(self, node, what: str) -> str | None:
        if _is_null(node):
            return ""
        if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
            return node.value.strip()
        self._error(_line(node), f"{what} must be a string, not {_kind(node)}",
                    "quote it if it is meant as text")
        return None

    def _strings(self, node, what: str) -> list[tuple[str, int]]:
        """(text, line) of each item of a list of non-empty strings."""
        if _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self._error(_line(node), f"{what} must be a list, not {_kind(node)}",
                        f"a single value is not a list: write [{_scalar_text(node)}]")
            return []
        items = []
        for item in node.value:
            text = self._string(item, f"{what} item")
            if text:
                items.append((text, _line(item)))
            elif text == "":
                self._error(_line(item), f"{what} has an empty item", "remove it")
        return items

    def _error(self, line: int, message: str, hint: str) -> None:
        self.problems.append(SourceProblem(self.path, line, message, hint))


def _compose(text: str):
    # libyaml's loader when PyYAML has it: the taxonomy is read on every build and serve rebuild.
    loader = _YAML_LOADER(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _line(node) -> int:
    return node.start_mark.line + 1


def _is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def _kind(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kind = node.tag.rsplit(":", 1)[-1]
    return f"the {'string' if kind == 'str' else kind} {node.value!r}"


def _scalar_text(node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else "…"
