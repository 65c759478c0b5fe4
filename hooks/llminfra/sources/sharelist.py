"""The share-list README, exactly as the upstream collector writes it.

::

    # LLM-AI-Infra-system好文分享 (文章标题是链接可以点击)

    ## 202511                      <- month heading, newest month first

    ## [title](https://…)          <- entry, newest first within its month

    summary paragraphs (bold, lists, several paragraphs)

    <audio controls>
      <source src="https://…mp3" type="audio/mp3">
    </audio>

A share list that is not the mirror (``docs/share/contributed.md``) dates each entry by a line right under its
heading, the day it was added, optionally followed by explicit tags::

    ## [title](https://…)
    2025-11-18 | #vllm #kv-cache

``python -m llminfra add`` writes it; the catalog reports an entry of such a list without one. The mirror never
has this line (upstream's format): its entries are dated by ``data/arrivals.yml``, and a line there that looks
like a date is summary text.

Stray paragraphs stay with the entry above them. Nothing the collector
writes is dropped: a malformed heading is reported with its line and the
entry under it is still shown.

The mirror of upstream (``mirror_of`` set: the raw URL of the README it
copies) is read as the collector writes it, never as a contributor should:
titles with unbalanced brackets, empty summaries, entries above the first
month and text before it are shown as a reader of the README on GitHub sees
them and reported as notices, because nobody can fix them in the copy. The
same defects in a contributor's file are errors.
"""

from __future__ import annotations

import datetime as dt
import re

from llminfra.domain.document import LineEdit, ParsedSource
from llminfra.domain.links import canonical_url, is_safe_outbound
from llminfra.domain.model import Entry, PartialDate, SourceKind, SourceLocation, short_hash
from llminfra.sources.audio_blocks import split_audio_blocks
from llminfra.sources.markdown_lines import (
    iter_headings,
    normalise_digits,
    parse_heading_link,
)
from llminfra.sources.markup_policy import check_source_markup
from llminfra.sources.source_text import open_source

MONTH_LIKE = re.compile(r"^\d")  # a heading starting with a digit is meant as a month
MONTH = re.compile(r"^(\d{4})(\d{2})$")
# Where a new entry or month starts, even inside a code fence left open.
BOUNDARY = re.compile(r"^##[ \t]+(\[|[0-9０-９])")
# The collector's heading, ``## [title](url)`` with the title unescaped: the link is the last "](" on the line.
COLLECTOR_HEADING = re.compile(r"^\[(.*)\]\(<?(https?://[^\s<>]+?)>?\)$", re.IGNORECASE | re.DOTALL)
# A contributed entry's date line: ``2025-11-18`` or ``2025-11-18 | #tag #tag``. A first line that starts like a
# date is meant as one, and is reported when it is not a valid one.
DATE_LIKE = re.compile(r"^\d{4}-")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_HINT = "write the day the entry was added as YYYY-MM-DD, e.g. '2025-11-18 | #vllm'"


class ShareListParser:
    kind = SourceKind.SHARE

    def __init__(self, mirror_of: str | None = None):
        self.mirror_of = mirror_of

    def parse(self, path: str, page: str, raw: str) -> ParsedSource:
        source = open_source(self.kind, path, page, raw, mirror_of=self.mirror_of)
        lines = source.text.lines
        headings = [h for h in iter_headings(lines, BOUNDARY) if h.level == 2]
        if self.mirror_of:
            self._note_text_before_first_heading(source, headings[0].index if headings else len(lines))
        month: PartialDate | None = None
        month_seen = False
        positions: dict[PartialDate | None, int] = {}
        previous_month: PartialDate | None = None
        for number, heading in enumerate(headings):
            end = headings[number + 1].index if number + 1 < len(headings) else len(lines)
            source.close_open_fence(heading)
            text = heading.text
            if not text.startswith("[") and MONTH_LIKE.match(normalise_digits(text)):
                month = self._month(source, heading.index, text)
                month_seen = True
                self._check_month_order(source, heading.index, month, previous_month, positions)
                previous_month = month or previous_month
                source.edits.append(LineEdit(heading.index, heading.index, "month", month=month))
                split_audio_blocks(source, None, heading.index + 1, end)
                continue
            entry = self._entry(source, heading, month, positions.get(month, 0))
            if not month_seen:
                source.problem(heading.index, "entry comes before any month heading",
                               "put a '## YYYYMM' heading above it")
            positions[month] = positions.get(month, 0) + 1
            source.edits.append(LineEdit(heading.index, heading.index, "entry", entry=entry, level=3))
            summary_start = heading.index + 1 if self.mirror_of else self._date_line(source, entry, heading, end)
            summary = split_audio_blocks(source, entry, summary_start, end)
            entry.summary = "\n".join(summary).strip("\n")
            if not entry.summary.strip():
                source.problem(heading.index, f"entry {entry.title[:40]!r} has no summary",
                               "write a sentence or two under the heading")
            source.entries.append(entry)
        check_source_markup(source)
        return source

    def _date_line(self, source: ParsedSource, entry: Entry, heading, end: int) -> int:
        """Read a contributed entry's date line, if its first line is one; returns where the summary starts."""
        lines = source.text.lines
        index = next((i for i in range(heading.index + 1, end) if lines[i].strip()), None)
        if index is None or not DATE_LIKE.match(normalise_digits(lines[index])):
            return heading.index + 1
        source.edits.append(LineEdit(index, index, "drop"))  # shown as the entry's date, not as summary
        text, _, tags = normalise_digits(lines[index]).partition("|")
        text = text.strip()
        try:
            day = dt.date.fromisoformat(text) if DAY.match(text) else None
        except ValueError:
            day = None
        if day is None:
            source.problem(index, f"date {text[:20]!r} does not parse", DATE_HINT)
        else:
            # It may fall in another month than the heading, as a mirror entry's arrival may: an article listed
            # under September and added in December is dated December (archive, weekly pages, feeds).
            entry.date = PartialDate(day.year, day.month, day.day)
        for token in tags.split():
            if token.startswith("#") and len(token) > 1:
                entry.explicit_tags.append(token[1:])
            else:
                source.problem(index, f"tag {token[:40]!r} does not start with #",
                               "write tags as '#name', separated by spaces")
        return index + 1

    def _note_text_before_first_heading(self, source: ParsedSource, end: int) -> None:
        """Upstream text between the ``# title`` and the first month: shown as the page's introduction."""
        lines = source.text.lines
        for index in range(end):
            text = lines[index].replace("\u200b", "").strip()
            if text and not text.startswith("# "):
                source.problem(index, "text before the first month heading",
                               "shown as the page's introduction", severity="notice")
                return

    def _check_month_order(self, source, index, month, previous, positions) -> None:
        if month is None:
            return
        if month in positions:
            source.problem(index, f"month {month.month_key} appears twice", "its entries are merged; keep one heading",
                           severity="notice")
        elif previous is not None and month > previous:
            source.problem(index, f"month {month.month_key} comes after the older month {previous.month_key}",
                           "months go newest first; the site sorts them anyway", severity="notice")
        positions.setdefault(month, 0)

    def _month(self, source: ParsedSource, index: int, text: str) -> PartialDate | None:
        digits = normalise_digits(text)
        match = MONTH.match(digits)
        if not match:
            source.problem(index, f"month heading {text!r} is not a valid YYYYMM",
                           "write the month as six digits, e.g. '## 202509'")
            return None
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            source.problem(index, f"month heading {text!r} has month {month:02d}, which does not exist",
                           "use 01–12, e.g. '## 202509'")
            return None
        return PartialDate(year, month)

    def _entry(self, source: ParsedSource, heading, month: PartialDate | None, position: int) -> Entry:
        location = SourceLocation(source.path, source.text.line_number(heading.index))
        parsed = self._heading_link(source, heading)
        link = None
        title = heading.text
        if parsed is None:
            source.problem(heading.index, f"entry {heading.text[:40]!r} has no link",
                           "write the heading as '## [title](https://…)'")
        else:
            title, destination, rest = parsed
            if rest:
                title = f"{title} {rest}"
            if not destination:
                source.problem(heading.index, "entry link is empty", "put the article URL between the parentheses")
            elif not is_safe_outbound(destination):
                source.problem(heading.index, f"entry link {destination[:60]!r} is not an http(s) URL",
                               "link the article with https://")
            else:
                link = canonical_url(destination)
        title = title.strip() or "（无标题）"
        anchor = heading.anchor or "a-" + short_hash(link or f"{source.path}:{title}")
        return Entry(
            kind=self.kind,
            title=title,
            link=link,
            raw_link=parsed[1] if parsed else None,
            date=month,
            listed_month=month,
            source=location,
            page=source.page,
            anchor=anchor,
            position=position,
        )

    def _heading_link(self, source: ParsedSource, heading) -> tuple[str, str, str] | None:
        """``(title, destination, rest)`` of an entry heading, read as its writer meant it.

        The collector does not escape titles, so ``[a ] b](url)`` or ``[x](y) z](url)`` is one title and one
        link, as the collector wrote them, even where CommonMark reads the brackets otherwise.
        """
        parsed = parse_heading_link(heading.text)
        collector = COLLECTOR_HEADING.match(heading.text)
        if collector is None or (parsed is not None and parsed == (collector.group(1), collector.group(2), "")):
            return parsed
        source.problem(heading.index, "entry title has unbalanced brackets or '](' that Markdown reads otherwise",
                       "read as title and link; escape them as \\[ \\] in the title" if not self.mirror_of
                       else "read as the upstream collector wrote it: title, then the link")
        return collector.group(1), collector.group(2), ""
