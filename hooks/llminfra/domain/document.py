"""What a parser returns: the entries of one file and how to render it."""

from __future__ import annotations

from dataclasses import dataclass, field

from llminfra.domain.model import AudioClip, Entry, PartialDate, SourceKind
from llminfra.domain.problems import SourceProblem


@dataclass
class SourceText:
    """A source file read once: body lines after any YAML front matter."""

    path: str
    raw: str
    lines: list[str]
    meta: dict = field(default_factory=dict)
    body_offset: int = 0  # number of lines taken by the front matter
    meta_problems: list[SourceProblem] = field(default_factory=list)  # the front matter's, if it is invalid
    # Body lines holding Markdown that the HTML policy would change (sources.markup_policy): the renderer
    # converts the blocks that hold them on their own and sanitises them, as it does raw HTML.
    unsafe_lines: set[int] = field(default_factory=set)

    def line_number(self, index: int) -> int:
        """1-based line number in the file of body line ``index``."""
        return index + self.body_offset + 1


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
    prefix: list[str] = field(default_factory=list)  # lines emitted before the edit (e.g. closing a code fence)


@dataclass
class ParsedSource:
    kind: SourceKind
    text: SourceText
    page: str  # docs-relative path, e.g. share/index.md
    entries: list[Entry] = field(default_factory=list)
    edits: list[LineEdit] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    # Raw URL of the upstream README this file mirrors byte for byte; None for files people edit.
    mirror_of: str | None = None
    # SHA-256 of the bytes parsed, for the mirror: compared with the one the last sync recorded.
    sha256: str | None = None

    @property
    def path(self) -> str:
        return self.text.path

    def problem(self, index: int, message: str, hint: str = "", severity: str = "error") -> None:
        self.problem_at_line(self.text.line_number(index), message, hint, severity)

    def close_open_fence(self, heading) -> None:
        """Report a code fence left open above ``heading`` and close it when rendering."""
        if heading.closes_fence is None:
            return
        self.problem(heading.fence_opened_at, "code block is not closed before the next heading",
                     f"add a line with {heading.closes_fence} to close it")
        self.edits.append(LineEdit(heading.index, heading.index - 1, "insert", prefix=[heading.closes_fence, ""]))

    def problem_at_line(self, line: int, message: str, hint: str = "", severity: str = "error") -> None:
        # Upstream's file is never rejected: nobody here can fix it, and one bad entry must not stop the daily
        # sync. Whatever is wrong in the mirror is rendered inert and reported as a notice.
        if self.mirror_of:
            severity = "notice"
        self.problems.append(SourceProblem(self.path, line, message, hint, severity))
