"""Reading ``data/tag_corrections.yml``: its shape checked on the YAML node tree, every problem at its line.

::

    "https://mp.weixin.qq.com/s/xxxx":   # an article link (any form; compared canonically)
      add: [slug, …]                     # optional: tags the entry is about that its keywords miss
      remove: [slug, …]                  # optional: tags its keywords give wrongly

A file with only comments corrects nothing. Whether the links and tags exist is checked against the catalog
(``llminfra.domain.tag_corrections``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from llminfra.domain.links import canonical_url, is_safe_outbound
from llminfra.domain.problems import SourceProblem
from llminfra.domain.tag_corrections import TagCorrection, TagCorrections
from llminfra.sources.project_links import project_file
from llminfra.sources.yaml_text import node_line, read_yaml

KEYS = ("add", "remove")
STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"


def read_tag_corrections(root: Path, path: str) -> TagCorrections:
    """The corrections in ``root / path``; none when the file does not exist."""
    file = project_file(root, path)  # never through a link out of the project
    if file is None:
        return TagCorrections(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        corrections = TagCorrections(path)
        corrections.problems.append(_problem(path, 1, "file is not UTF-8 text", "save it as UTF-8"))
        return corrections
    return parse_tag_corrections(text, path)


def parse_tag_corrections(text: str, path: str = "data/tag_corrections.yml") -> TagCorrections:
    result = TagCorrections(path)
    parsed = read_yaml(text, path)
    result.problems.extend(parsed.problems)
    node = parsed.node
    if not parsed.ok or node is None or _is_null(node):
        return result

    def error(at: yaml.Node, message: str, hint: str) -> None:
        result.problems.append(_problem(path, node_line(at), message, hint))

    if not isinstance(node, yaml.MappingNode):
        error(node, "the file must be a mapping of article link: {add: [...], remove: [...]}",
              "write each link as a key, its corrections indented under it")
        return result
    seen: dict[str, int] = {}
    for key, value in node.value:
        line = node_line(key)
        if not (isinstance(key, yaml.ScalarNode) and key.tag == STR_TAG and is_safe_outbound(key.value)):
            error(key, f"{_text(key)!r} is not an article link", "write the entry's http(s) link as the key")
            continue
        link = canonical_url(key.value)
        if link in seen:
            error(key, f"{link} is corrected twice (first at line {seen[link]})", "merge the two")
            continue
        seen[link] = line
        correction = TagCorrection(link, line)
        if not isinstance(value, yaml.MappingNode):
            error(value, f"the corrections of {link} must be a mapping with add: and/or remove:",
                  "indent 'add: [slug]' or 'remove: [slug]' under the link")
            continue
        for field_key, items in value.value:
            name = field_key.value if isinstance(field_key, yaml.ScalarNode) else None
            if name not in KEYS:
                error(field_key, f"unknown key {_text(field_key)!r}", "expected add: or remove:")
                continue
            if _is_null(items):
                continue
            if not isinstance(items, yaml.SequenceNode):
                error(items, f"{name} must be a list of tag slugs, not {_text(items)!r}",
                      f"a single tag is a list too: write [{_text(items)}]")
                continue
            for item in items.value:
                if isinstance(item, yaml.ScalarNode) and item.tag == STR_TAG and item.value.strip():
                    getattr(correction, name).append((item.value.strip(), node_line(item)))
                else:
                    error(item, f"{name} item {_text(item)!r} is not a tag slug", "write the slug, e.g. kv-cache")
        both = {slug for slug, _ in correction.add} & {slug for slug, _ in correction.remove}
        if both:
            error(value, f"{', '.join(sorted(both))} both added and removed for {link}", "keep one")
            continue
        result.corrections.append(correction)
    return result


def _problem(path: str, line: int, message: str, hint: str) -> SourceProblem:
    return SourceProblem(path, line, message, hint)


def _is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def _text(node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
