"""The ``.pages`` files under ``docs/`` (awesome-pages' navigation), read for what the HTML policy refuses.

Contributors write them like any page. A link entry (``- 点我: "javascript:alert(1)"``) reaches the navigation
of every page; the MkDocs adapter leaves such links out (``mkdocs_adapter.nav.make_nav_inert``) and this reader
names their file and line for ``check`` and the strict build. (Titles there are only ever shown as text.)
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from llminfra.domain.html_policy import HTML_POLICY, url_scheme
from llminfra.domain.layout import SiteLayout
from llminfra.domain.problems import SourceProblem
from llminfra.sources.project_links import project_file
from llminfra.sources.yaml_text import node_line, read_yaml

NAV_FILE = ".pages"


def nav_file_problems(layout: SiteLayout) -> list[SourceProblem]:
    """Links of every ``.pages`` file under docs/ that the HTML policy refuses, at their lines."""
    problems: list[SourceProblem] = []
    for folder, dirs, names in os.walk(layout.docs_path):  # links are not followed (sources.project_links)
        dirs.sort()
        if NAV_FILE not in names:
            continue
        relative = layout.project_path(Path(folder, NAV_FILE).relative_to(layout.docs_path).as_posix())
        path = project_file(layout.root, relative)
        if path is None:
            continue
        parsed = read_yaml(path.read_text(encoding="utf-8", errors="replace"), relative)
        if parsed.ok and isinstance(parsed.node, yaml.MappingNode):
            problems += _link_problems(relative, parsed.node)
    return problems


def _link_problems(path: str, root: yaml.MappingNode) -> list[SourceProblem]:
    problems = []
    stack = [value for key, value in root.value if key.value == "nav"]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for _, value in node.value:
                if isinstance(value, yaml.ScalarNode) and url_scheme(str(value.value)) is not None:
                    problem = HTML_POLICY.attribute_problem("a", "href", str(value.value))
                    if problem:
                        problems.append(SourceProblem(path, node_line(value), f"navigation link: {problem}",
                                                      "left out of the navigation; link to http(s) or a page"))
                else:
                    stack.append(value)
    return sorted(problems, key=lambda p: p.line)
