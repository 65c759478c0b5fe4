"""A source file read once: its front matter, its body lines, its encoding problems (``ParsedSource`` started)."""

from __future__ import annotations

from llminfra.domain.document import ParsedSource, SourceText
from llminfra.domain.model import SourceKind
from llminfra.sources.front_matter import read_front_matter


def read_source_text(path: str, raw: str, kind: SourceKind | None = None) -> SourceText:
    """Split ``raw`` into front matter and body lines.

    Tolerates a UTF-8 BOM and CRLF line endings, which editors on Windows and
    web forms produce. ``kind``: the source's (``None`` for a hand-written page), which says which
    front-matter keys the page may set.
    """
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    front = read_front_matter(path, lines, kind)
    return SourceText(path, text, lines[front.lines :], front.meta, front.lines, front.problems)


def open_source(kind, path: str, page: str, raw: str, mirror_of: str | None = None) -> ParsedSource:
    """Start parsing ``raw`` (decoded with errors="replace"): front matter, lines, encoding.

    ``mirror_of``: the raw URL of the upstream file this one mirrors (its problems are then notices).
    """
    source = ParsedSource(kind, read_source_text(path, raw, kind), page, mirror_of=mirror_of)
    for problem in source.text.meta_problems:
        source.problem_at_line(problem.line, problem.message, problem.hint)
    text = source.text.raw
    if "\ufffd" in text:
        line = text[: text.index("\ufffd")].count("\n") + 1
        source.problem_at_line(line, "file has bytes that are not UTF-8 text (or NUL bytes)",
                               "save the file as UTF-8; the bad bytes are shown as �")
    return source
