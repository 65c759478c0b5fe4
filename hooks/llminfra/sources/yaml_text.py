"""YAML that anyone can write, read within bounds: the one way the project parses YAML it did not write itself.

Front matter of notes and pages, ``data/taxonomy.yml``, ``data/audio.yml``, ``data/upstream.yml`` and every other
data file come from people nobody vouches for. PyYAML's safe loader still accepts aliases, and a few lines of
nested aliases (a "billion laughs") build a value whose text or traversal takes gigabytes. So:

- an alias (``*name``) is an error, at the line where it is used: none of the project's files needs one;
- nesting deeper than ``MAX_DEPTH`` and texts longer than ``MAX_BYTES`` are errors;
- the document is composed by libyaml where PyYAML has it (fast, in C), then checked, then constructed.

Every failure is a ``SourceProblem`` at ``path:line``, never an exception: the caller decides whether the file
is then ignored (a data file) or read without it (front matter).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from llminfra.domain.problems import SourceProblem

MAX_BYTES = 16 * 1024 * 1024  # a data file of 10,000 entries is about 1.5 MB
MAX_DEPTH = 32
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlText:
    """What one YAML text holds: its node tree (for readers that report lines) and its value."""

    path: str
    node: yaml.Node | None = None
    value: object = None
    problems: list[SourceProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Bounds(Exception):
    def __init__(self, line: int, message: str, hint: str):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def read_yaml(text: str, path: str, first_line: int = 1) -> YamlText:
    """``text`` composed, checked and constructed; on any problem, ``node`` and ``value`` are None.

    ``first_line``: the file line of the text's first line (front matter starts on line 2).
    """
    result = YamlText(path)
    offset = first_line - 1
    if len(text) > MAX_BYTES:
        result.problems.append(SourceProblem(path, first_line, f"YAML text is over {MAX_BYTES // 1024 // 1024} MB",
                                             "split the data or remove what is not needed"))
        return result
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check(node)
            result.value = loader.construct_document(node)
        result.node = node
    except _Bounds as bounds:
        result.problems.append(SourceProblem(path, bounds.line + offset, bounds.message, bounds.hint))
    except yaml.YAMLError as error:
        result.problems.append(SourceProblem(path, _error_line(error) + offset, _error_message(error),
                                             "fix the YAML syntax"))
    except (ValueError, TypeError, OverflowError) as error:  # a scalar that does not construct, e.g. 2026-02-30
        result.problems.append(SourceProblem(path, first_line, f"a YAML value does not parse: {error}",
                                             "quote it if it is meant as text"))
    finally:
        loader.dispose()
    if result.problems:
        result.node = result.value = None
    return result


def node_line(node: yaml.Node) -> int:
    """1-based line of a node in its text."""
    return node.start_mark.line + 1


def _check(root: yaml.Node) -> None:
    """Raise ``_Bounds`` for a node reached twice (an alias) or nested too deep; linear in the nodes.

    Nodes are visited in document order, so the first alias is the one reported. A node keeps only the
    position of its anchor, not of the alias: the alias is placed at its key, or just after the item before it.
    """
    seen: set[yaml.Node] = set()  # nodes compare by identity: one reached twice is an alias
    stack: list[tuple[yaml.Node, int, int]] = [(root, 1, node_line(root))]
    while stack:
        node, depth, used_at = stack.pop()
        if node in seen:
            raise _Bounds(used_at, "YAML aliases (*name) are not allowed",
                          "write the value out in full; an alias can make a few lines expand to gigabytes")
        seen.add(node)
        if depth > MAX_DEPTH:
            raise _Bounds(node_line(node), f"YAML is nested deeper than {MAX_DEPTH} levels", "flatten it")
        children: list[tuple[yaml.Node, int, int]] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                children += [(key, depth + 1, node_line(key)), (value, depth + 1, node_line(key))]
        elif isinstance(node, yaml.SequenceNode):
            after = node_line(node)
            for item in node.value:
                children.append((item, depth + 1, after))
                after = item.end_mark.line + 1
        stack.extend(reversed(children))


def _error_line(error: yaml.YAMLError) -> int:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def _error_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    if problem is None:
        return f"YAML syntax error: {str(error).splitlines()[0]}"
    message = f"YAML syntax error: {problem}"
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None:
        message += f" {context} started at line {context_mark.line + 1}"
    return message
