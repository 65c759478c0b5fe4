"""Front matter: the YAML block between ``---`` lines at the top of a markdown file, read one way everywhere.

The parsers (notes' ``date`` and ``title``), the MkDocs adapter (which hands MkDocs every page's text) and the
export all go through ``read_front_matter``. The block is read with the bounded YAML reader
(``sources.yaml_text``): an alias bomb or a syntax error is a ``path:line`` problem, and the page is then read
as if it had no front matter. ``markdown_for_mkdocs`` writes a page's text back with the validated values only,
so MkDocs' own YAML loader never sees what a writer put there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import yaml

from llminfra.domain.document import SourceText
from llminfra.domain.model import SourceKind
from llminfra.domain.page_meta import escaped_page_meta, key_problem
from llminfra.domain.problems import SourceProblem
from llminfra.sources.yaml_text import node_line, read_yaml

FENCES = ("---", "...")


@dataclass
class FrontMatter:
    meta: dict = field(default_factory=dict)
    lines: int = 0  # lines the block takes, its --- lines included; 0 without a block
    problems: list[SourceProblem] = field(default_factory=list)


def read_front_matter(path: str, lines: list[str], kind: SourceKind | None = None) -> FrontMatter:
    """The front matter at the top of ``lines`` (a file's lines, line endings removed).

    Only the keys a page of ``kind`` may set are kept (``domain.page_meta``; ``None``: a hand-written page);
    each other one is a problem at its line.
    """
    if not lines or lines[0].strip() != "---":
        return FrontMatter()
    end = next((index for index in range(1, len(lines)) if lines[index].strip() in FENCES), None)
    if end is None:
        return FrontMatter()  # no closing line: not front matter, as MkDocs reads it
    parsed = read_yaml("\n".join(lines[1:end]), path, first_line=2)
    front = FrontMatter(lines=end + 1, problems=[replace(problem, message=f"front matter: {problem.message}",
                                                         hint=f"{problem.hint}; the page is built without it")
                                                 for problem in parsed.problems])
    if parsed.ok and parsed.value is not None:
        if isinstance(parsed.value, dict):
            front.meta = _allowed(path, kind, parsed, front.problems)
        else:
            front.problems.append(SourceProblem(path, 1, "front matter is not a mapping",
                                                "write key: value lines between the --- lines"))
    return front


def _allowed(path: str, kind: SourceKind | None, parsed, problems: list[SourceProblem]) -> dict:
    """The mapping's keys that a page of ``kind`` may set; a problem at the line of each other one."""
    # The block starts on the file's second line, after its opening ---.
    lines = {str(key_node.value): node_line(key_node) + 1 for key_node, _ in parsed.node.value}
    kept = {}
    for key, value in parsed.value.items():
        problem = key_problem(kind, key, value)
        if problem is None:
            kept[key] = value
        else:
            problems.append(SourceProblem(path, lines.get(str(key), 1), *problem))
    return kept


def markdown_for_mkdocs(text: SourceText) -> str:
    """The page's text as MkDocs is to read it: the validated front matter (title and description escaped for
    the theme's ``<head>``), then the body. Dumped without anchors, so MkDocs' loader reads plain values."""
    body = "\n".join(text.lines) + "\n"
    if not text.meta:
        return body
    meta = escaped_page_meta(text.meta) or text.meta
    return "---\n" + yaml.dump(meta, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False) + "---\n" + body


class _PlainDumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True
