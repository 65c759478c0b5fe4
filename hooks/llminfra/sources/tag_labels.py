"""Reading a hand labelling of tags (``tests/fixtures/tag-labels/upstream.yml``), for ``tags --evaluate``.

::

    entries:
      - link: https://…          # the article; compared in canonical form
        title: "…"               # optional, for people
        about: [slug, …]         # the tags the article is about
        defensible: [slug, …]    # optional: further tags that are not wrong
        note: "…"                # optional
    missing_topics: …            # optional, free form (topics the taxonomy lacks)

Every deviation is a ``path:line`` problem; entries that are valid are still used.
"""

from __future__ import annotations

import yaml

from llminfra.domain.links import canonical_url, is_safe_outbound
from llminfra.domain.problems import SourceProblem
from llminfra.domain.tag_quality import GoldLabel
from llminfra.sources.yaml_text import node_line, read_yaml

TOP_KEYS = ("entries", "missing_topics")
ENTRY_KEYS = ("link", "title", "about", "defensible", "note")


def read_labels(text: str, path: str) -> tuple[dict[str, GoldLabel], list[SourceProblem]]:
    """The labels in ``text`` by canonical link, and the problems found."""
    parsed = read_yaml(text, path)
    problems = list(parsed.problems)
    labels: dict[str, GoldLabel] = {}
    node = parsed.node
    if not parsed.ok or node is None:
        return labels, problems

    def problem(at: yaml.Node, message: str, hint: str = "") -> None:
        problems.append(SourceProblem(path, node_line(at), message, hint))

    if not isinstance(node, yaml.MappingNode):
        problem(node, "a labelling is a mapping with 'entries:'", "start the file with 'entries:'")
        return labels, problems
    items = None
    for key, value in node.value:
        if key.value not in TOP_KEYS:
            problem(key, f"unknown key {key.value!r}", f"expected one of: {', '.join(TOP_KEYS)}")
        elif key.value == "entries":
            items = value
    if not isinstance(items, yaml.SequenceNode):
        problem(items or node, "'entries' must be a list of labelled articles", "write '- link: …' items")
        return labels, problems
    for item in items.value:
        if not isinstance(item, yaml.MappingNode):
            problem(item, "a labelled article is a mapping (link:, about:, defensible:)")
            continue
        fields = {}
        for key, value in item.value:
            if key.value not in ENTRY_KEYS:
                problem(key, f"unknown key {key.value!r}", f"expected one of: {', '.join(ENTRY_KEYS)}")
            fields[key.value] = value
        link = fields.get("link")
        if not isinstance(link, yaml.ScalarNode) or not is_safe_outbound(link.value):
            problem(link or item, "a labelled article needs 'link:' with its http(s) URL")
            continue
        tags = {}
        for key in ("about", "defensible"):
            value = fields.get(key)
            if value is None:
                tags[key] = frozenset()
            elif isinstance(value, yaml.SequenceNode) and all(isinstance(v, yaml.ScalarNode) for v in value.value):
                tags[key] = frozenset(str(v.value) for v in value.value)
            else:
                problem(value, f"{key!r} must be a list of tag slugs", "write [slug, slug]")
                tags[key] = frozenset()
        canonical = canonical_url(link.value)
        if canonical in labels:
            problem(link, f"{canonical} is labelled twice (first at line {labels[canonical].line})", "keep one")
            continue
        title = fields.get("title")
        labels[canonical] = GoldLabel(canonical, tags["about"], tags["defensible"] - tags["about"],
                                      title.value if isinstance(title, yaml.ScalarNode) else "", node_line(item))
    return labels, problems
