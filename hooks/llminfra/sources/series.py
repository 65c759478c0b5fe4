"""The series index: one block per article, in reading order.

::

    ## [【大模型基础设施工程】01：…](https://quant67.com/post/…)
    2026-04-22 | architecture · ai-infra | #llm #infra #overview

    description…

``?`` stands for an unknown title or link: ``## [?](https://…)``,
``## [title](?)``. An unknown title is derived from the description and
marked as derived; an unknown link is never invented.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from urllib.parse import urlsplit

from llminfra.domain.document import LineEdit, ParsedSource
from llminfra.domain.links import canonical_url, is_safe_outbound
from llminfra.domain.model import Entry, PartialDate, SourceKind, SourceLocation, short_hash
from llminfra.sources.markdown_lines import (
    iter_headings,
    normalise_digits,
    parse_heading_link,
)
from llminfra.sources.markup_policy import check_source_markup
from llminfra.sources.plain_text import leading_blocks, markdown_plain_text
from llminfra.sources.source_text import open_source

UNKNOWN = "?"
META_LINE = re.compile(r"^(?P<date>[^|]*)\|(?P<categories>[^|]*)\|(?P<tags>.*)$")
BOUNDARY = re.compile(r"^##[ \t]+\[")
CLAUSE_END = re.compile(r"[：:，,。；;！？!?——]")


def derive_title(description: str, limit: int = 32) -> str:
    """A readable title from the first clause of a description."""
    text = markdown_plain_text(leading_blocks(description, 800))[:200]
    for match in CLAUSE_END.finditer(text):
        if match.start() >= 4:
            text = text[: match.start()]
            break
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text or "（无标题）"


def series_anchor(link: str | None, fallback: str) -> str:
    """A readable anchor from the article's URL (``01-intro``), else a hash."""
    if link:
        path = urlsplit(link).path.rstrip("/")
        name = posixpath.splitext(posixpath.basename(path))[0]
        if name == "index":
            name = posixpath.basename(posixpath.dirname(path)) or name
        slug = re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-").lower()
        if slug:
            return "s-" + slug
    return "s-" + short_hash(fallback)


class SeriesIndexParser:
    kind = SourceKind.SERIES

    def parse(self, path: str, page: str, raw: str) -> ParsedSource:
        source = open_source(self.kind, path, page, raw)
        lines = source.text.lines
        headings = [h for h in iter_headings(lines, BOUNDARY) if h.level == 2]
        for number, heading in enumerate(headings):
            end = headings[number + 1].index if number + 1 < len(headings) else len(lines)
            source.close_open_fence(heading)
            entry = self._entry(source, heading, end, number)
            if entry is not None:
                source.entries.append(entry)
        check_source_markup(source)
        return source

    def _entry(self, source: ParsedSource, heading, end: int, position: int) -> Entry | None:
        lines = source.text.lines
        parsed = parse_heading_link(heading.text)
        if parsed is None:
            source.problem(heading.index, f"series entry {heading.text[:40]!r} is not '## [title](link)'",
                           "write '## [title](https://…)'; use ? for an unknown title or link")
            title, destination = heading.text, UNKNOWN
        else:
            title, destination, rest = parsed
            if rest:
                title = f"{title} {rest}"
        meta_index = next((i for i in range(heading.index + 1, end) if lines[i].strip()), None)
        date = None
        categories: list[str] = []
        tags: list[str] = []
        body_start = heading.index + 1
        if meta_index is None or not META_LINE.match(lines[meta_index].strip()):
            source.problem(meta_index if meta_index is not None else heading.index,
                           "series entry has no 'date | categories | #tags' line",
                           "add e.g. '2026-04-22 | architecture · ai-infra | #llm #infra' under the heading")
        else:
            body_start = meta_index + 1
            match = META_LINE.match(lines[meta_index].strip())
            date = self._date(source, meta_index, match.group("date"))
            categories = [c.strip() for c in re.split(r"[·,，、]", match.group("categories")) if c.strip()]
            for token in match.group("tags").split():
                if token.startswith("#") and len(token) > 1:
                    tags.append(token[1:])
                else:
                    source.problem(meta_index, f"tag {token!r} does not start with #",
                                   "write tags as '#name', separated by spaces")
            source.edits.append(LineEdit(meta_index, meta_index, "drop"))
        description = "\n".join(lines[body_start:end]).strip("\n")
        link = None
        if destination.strip() != UNKNOWN:
            if is_safe_outbound(destination):
                link = canonical_url(destination)
            else:
                source.problem(heading.index, f"series link {destination[:60]!r} is not an http(s) URL",
                               "use https://…, or ? when the link is unknown")
        title = title.strip()
        derived = title in ("", UNKNOWN)
        if derived:
            title = derive_title(description)
        entry = Entry(
            kind=self.kind,
            title=title,
            title_derived=derived,
            link=link,
            raw_link=None if link is None else destination,
            date=date,
            source=SourceLocation(source.path, source.text.line_number(heading.index)),
            page=source.page,
            anchor=heading.anchor or series_anchor(link, description or title),
            summary=description,
            explicit_tags=tags,
            categories=categories,
            position=position,
        )
        source.edits.append(LineEdit(heading.index, heading.index, "entry", entry=entry, level=2))
        return entry

    def _date(self, source: ParsedSource, index: int, text: str) -> PartialDate | None:
        value = normalise_digits(text)
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            source.problem(index, f"date {text.strip()!r} does not parse", "write it as YYYY-MM-DD, e.g. 2026-04-22")
            return None
        return PartialDate(day.year, day.month, day.day)
