"""Finding ``<audio>`` blocks inside a run of summary lines."""

from __future__ import annotations

from dataclasses import replace

from llminfra.domain.document import LineEdit, ParsedSource
from llminfra.domain.model import Entry
from llminfra.sources.audio_tags import AUDIO_CLOSE, AUDIO_OPEN, AudioBlockError, parse_audio_block


def split_audio_blocks(source: ParsedSource, entry: Entry | None, start: int, end: int) -> list[str]:
    """Collect audio blocks in body lines ``start``..``end`` (exclusive).

    Each block becomes an ``audio`` edit (valid) or a problem (invalid, and
    then the block is dropped from the page so nothing unsafe is rendered).
    Returns the remaining summary lines.
    """
    lines = source.text.lines
    summary: list[str] = []
    i = start
    while i < end:
        line = lines[i]
        if not AUDIO_OPEN.search(line):
            summary.append(line)
            i += 1
            continue
        close = i
        while close < end and not AUDIO_CLOSE.search(lines[close]):
            close += 1
        if close == end:
            source.problem(i, "<audio> block is not closed", "end it with </audio> before the next entry")
            source.edits.append(LineEdit(i, end - 1, "audio"))
            break
        block = "\n".join(lines[i : close + 1])
        number_problems: list[AudioBlockError] = []
        try:
            clip = parse_audio_block(block, number_problems)
        except AudioBlockError as exc:
            source.problem(i + exc.line_offset, exc.message, exc.hint)
            source.edits.append(LineEdit(i, close, "audio"))
        else:
            clip = replace(clip, line=source.text.line_number(i))
            for problem in number_problems:
                source.problem(i + problem.line_offset, problem.message, problem.hint)
            if entry is None:
                source.problem(i, "audio block outside an entry", "move it under the entry it summarises")
                source.edits.append(LineEdit(i, close, "audio"))
            else:
                entry.audio.append(clip)
                source.edits.append(LineEdit(i, close, "audio", entry=entry, clip=clip))
        i = close + 1
    return summary
