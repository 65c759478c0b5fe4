"""Canonical tags: display names, aliases and keywords from ``data/taxonomy.yml``.

Explicit tags are normalised through aliases; entries without explicit tags
get tags from keywords found in their title and summary. Tags that differ
only by case, width or separator share one normalised key and so one page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from llminfra.domain.problems import SourceProblem

SEPARATORS = re.compile(r"[\s\-_.·/・]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ASCII_WORD = re.compile(r"[A-Za-z0-9]")
FALLBACK_TAG = "uncategorized"


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
    # How keyword evidence becomes the tag (llminfra.domain.tagging):
    broad: bool = False  # a field, not a topic: given where it is the subject, or through a narrower tag
    implies: list[str] = field(default_factory=list)  # broader tags an entry about this one is also about
    other_senses: list[str] = field(default_factory=list)  # terms showing a keyword is used in another sense
    known: bool = True
    line: int = 0  # line in taxonomy.yml, for edit links and errors
    name_line: int = 0  # lines of the name and of each alias, for errors about them
    alias_lines: list[int] = field(default_factory=list)
    implies_lines: list[int] = field(default_factory=list)


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
        for slug, info in self.tags.items():
            for implied, line in zip(info.implies, info.implies_lines or [info.line] * len(info.implies)):
                if implied not in self.tags or implied == slug:
                    self.problems.append(SourceProblem(
                        path, line, f"tag {slug!r}: implies {implied!r}, which is "
                                    f"{'itself' if implied == slug else 'not a tag of the file'}",
                        "name the slug of a broader tag"))
            info.implies = [t for t in info.implies if t in self.tags and t != slug]
        if FALLBACK_TAG not in self.tags:
            self.tags[FALLBACK_TAG] = TagInfo(FALLBACK_TAG, "未分类", description="关键词没有匹配到任何标签的条目。")
        self._spelling: dict[str, str] = {}
        self._keyword_pattern, self._keyword_tags = self._compile_keywords()
        self._nested = _nested_keywords(self._keyword_tags)
        self._owners_of_found: dict[str, list[tuple[str, str]]] = {}  # text found -> its (slug, keyword)s
        self._sense_pattern, self._sense_tags = self._compile_senses()

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
            self._spelling.setdefault(_squeeze(keyword), keyword)
        return _keyword_pattern(owners), by_squeezed

    def spelling(self, squeezed: str) -> str:
        """A keyword as the taxonomy writes it (folded), from the squeezed form ``keyword_hits`` gives."""
        return self._spelling.get(squeezed, squeezed)

    def keyword_tags(self, text: str) -> list[str]:
        """Tags whose keywords occur in ``text`` (mentions, not evidence), in order of first occurrence."""
        found: dict[str, None] = {}
        for _, _, owners in self.keyword_hits(fold(text)):
            for slug, _ in owners:
                found.setdefault(slug, None)
        return list(found)

    def keyword_hits(self, folded: str):
        """``(start, end, [(slug, keyword), …])`` for each keyword found in ``folded`` (see ``fold``).

        The longest keyword starting at a place is the one found; the keywords written inside it count too
        (``KV cache池化`` is also ``KV cache``, ``推理引擎`` also ``推理``), each for its own tags.
        """
        if self._keyword_pattern is None:
            return
        owners = self._owners_of_found
        for match in self._keyword_pattern.finditer(folded):
            found = match.group(0)
            owned = owners.get(found)
            if owned is None:  # the same few spellings recur in every entry: squeeze each once
                owned = owners[found] = self._nested[_squeeze(found)]
            yield match.start(), match.end(), owned

    def sense_hits(self, folded: str) -> dict[str, list[str]]:
        """For each tag, the terms of its ``other_senses`` found in ``folded``."""
        found: dict[str, list[str]] = {}
        if self._sense_pattern is None:
            return found
        for match in self._sense_pattern.finditer(folded):
            for slug in self._sense_tags[_squeeze(match.group(0))]:
                found.setdefault(slug, []).append(match.group(0))
        return found

    def _compile_senses(self):
        owners: dict[str, list[str]] = {}
        for slug, info in self.tags.items():
            for term in info.other_senses:
                owners.setdefault(fold(term), []).append(slug)
        if not owners:
            return None, {}
        by_squeezed: dict[str, list[str]] = {}
        for term, slugs in owners.items():
            by_squeezed.setdefault(_squeeze(term), []).extend(slugs)
        return _keyword_pattern(owners), by_squeezed


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def fold(text: str) -> str:
    """Text as keywords are looked for in it: NFKC, case-folded, without zero-width characters."""
    return ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text).casefold())


def _nested_keywords(owners: dict[str, list[str]]) -> dict[str, list[tuple[str, str]]]:
    """For each (squeezed) keyword, ``(slug, keyword)`` of its own tags and of every keyword it starts with.

    A term that begins with a keyword is about that keyword's subject: ``KV cache池化`` is KV cache, ``推理引擎``
    inference. A keyword at its end names a kind of thing with a tag of its own (``分页注意力`` is PagedAttention,
    not attention in general), so only beginnings count. An ASCII keyword must end at a word boundary
    (``rag`` does not begin ``ragas``). Keywords are bucketed by first character, so this stays near-linear.
    """
    by_first: dict[str, list[str]] = {}
    for keyword in owners:
        if keyword:
            by_first.setdefault(keyword[0], []).append(keyword)
    nested: dict[str, list[tuple[str, str]]] = {}
    for outer, slugs in owners.items():
        found = {slug: outer for slug in slugs}
        for inner in by_first.get(outer[0], ()) if outer else ():
            end = len(inner)
            if inner == outer or not outer.startswith(inner):
                continue
            if ASCII_WORD.match(inner[-1]) and ASCII_WORD.match(outer[end]):
                continue
            for slug in owners[inner]:
                found.setdefault(slug, inner)
        nested[outer] = list(found.items())
    return nested


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
