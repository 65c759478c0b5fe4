"""What a parser returns: the entries of one file and how to render it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import SourceProblem
from ..model import AudioClip, Entry, PartialDate, SourceKind
from .markdown_lines import SourceText


@dataclass
class LineEdit:
    """Replace body lines ``start``..``end`` (inclusive, 0-based) when rendering.

    ``kind`` is one of ``entry`` (an entry heading), ``month`` (a month
    heading), ``audio`` (an audio block), ``drop`` (a line the metadata
    replaces, such as the series' ``date | categories | tags`` line) or
    ``duplicate`` (the heading of an entry merged into an earlier one).
    """

    start: int
    end: int
    kind: str
    entry: Entry | None = None
    clip: AudioClip | None = None
    month: PartialDate | None = None
    level: int = 2


@dataclass
class ParsedSource:
    kind: SourceKind
    text: SourceText
    page: str  # docs-relative path, e.g. share/index.md
    entries: list[Entry] = field(default_factory=list)
    edits: list[LineEdit] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.text.path

    def problem(self, index: int, message: str, hint: str = "", severity: str = "error") -> None:
        self.problems.append(SourceProblem(self.path, self.text.line_number(index), message, hint, severity))

    def problem_at_line(self, line: int, message: str, hint: str = "", severity: str = "error") -> None:
        self.problems.append(SourceProblem(self.path, line, message, hint, severity))
