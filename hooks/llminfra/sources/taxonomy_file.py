"""Reading ``data/taxonomy.yml``: its schema checked on the YAML node tree, so every problem has its line.

The result is a ``llminfra.domain.taxonomy.Taxonomy``; what is valid is still used when something is not, so one
bad tag does not hide the others from the build.
"""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from llminfra.domain.problems import SourceProblem
from llminfra.domain.taxonomy import TagInfo, Taxonomy
from llminfra.sources.yaml_text import node_line, read_yaml


def parse_taxonomy(text: str, path: str = "data/taxonomy.yml") -> Taxonomy:
    """The taxonomy in ``text``; every deviation from the schema is a ``path:line`` problem on it."""
    schema = TaxonomySchema(path)
    tags, search_terms = schema.read(text)
    taxonomy = Taxonomy(tags, search_terms, path)
    taxonomy.problems[:0] = schema.problems
    return taxonomy


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
TOP_KEYS = ("tags", "search_terms")
TAG_KEYS = ("name", "aliases", "keywords", "description", "broad", "implies", "other_senses")
BOOL_TAG = "tag:yaml.org,2002:bool"


class TaxonomySchema:
    """The structure of ``data/taxonomy.yml``, checked on PyYAML's node tree so every problem has its line::

        tags:                      # mapping: slug -> tag
          <slug>:                  # lowercase ASCII words joined by '-', once
            name: <string>         # optional, default: the slug
            aliases: [<string>…]   # optional; no spelling may belong to two tags
            keywords: [<string>…]  # optional
            description: <string>  # optional
            broad: <true|false>    # optional: a field given only where it is the subject (domain/tagging.py)
            implies: [<slug>…]     # optional: broader tags of the file an entry with this tag is also about
            other_senses: [<string>…]  # optional: terms showing a keyword is used in another sense
        search_terms: [<string>…]  # optional

    Lists must be YAML lists: ``aliases: vllm-project`` (a string) is an
    error, not seven one-letter aliases.
    """

    def __init__(self, path: str):
        self.path = path
        self.problems: list[SourceProblem] = []

    def read(self, text: str) -> tuple[dict[str, TagInfo], list[str]]:
        parsed = read_yaml(text, self.path)
        if not parsed.ok:
            self.problems += [replace(p, hint="fix it; no tag of the file is used until then") for p in parsed.problems]
            return {}, []
        node = parsed.node
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
            if key == "broad":
                if isinstance(value, yaml.ScalarNode) and value.tag == BOOL_TAG:
                    info.broad = value.value.lower() in ("true", "yes", "on")
                else:
                    self._error(_line(value), f"tag {slug!r}: broad must be true or false, not {_kind(value)}",
                                "write 'broad: true' or leave the key out")
                continue
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
                elif key == "implies":
                    info.implies = [text for text, _ in strings]
                    info.implies_lines = [at for _, at in strings]
                elif key == "other_senses":
                    info.other_senses = [text for text, _ in strings]
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


_line = node_line


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
