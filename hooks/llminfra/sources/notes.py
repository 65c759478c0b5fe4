"""Screening notes: dated notes whose kept items become entries.

A note is markdown with front matter (``date`` required) and ``## ``
sections in the author's words. A section whose heading contains 丢弃 is
discarded, 待定 pending, and 保留 / 高价值 kept (条件保留 = conditionally
kept). Every ``### N. title`` inside a kept section is an entry::

    ### 1. vLLM Blog · MiniMax M3 Day-0 Serving (2026-06-12)

    - **来源**：<https://vllm.ai/blog/…>
    …
    **标签**：#vLLM #speculative-decoding
"""

from __future__ import annotations

import datetime as dt
import re

from llminfra.domain.document import LineEdit, ParsedSource
from llminfra.domain.links import canonical_url
from llminfra.domain.model import Entry, PartialDate, SourceKind, SourceLocation, short_hash
from llminfra.sources.markdown_lines import extract_urls, iter_headings
from llminfra.sources.markup_policy import check_source_markup
from llminfra.sources.source_text import open_source

ITEM_NUMBER = re.compile(r"^\d+\s*[.、．]\s*")
SOURCE_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?来源(?:\*\*|__)?\s*[:：](?:\*\*|__)?\s*(?P<rest>.*)$")
TAGS_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?标签(?:\*\*|__)?\s*[:：](?:\*\*|__)?\s*(?P<rest>.*)$")
REASON_LINE = re.compile(r"^\s*(?:\*\*|__)?(?:条件)?保留理由(?:\*\*|__)?\s*[:：](?:\*\*|__)?\s*(?P<rest>.*)$")


def section_grade(heading: str) -> str | None:
    """How the author graded a section: None for neither kept nor discarded."""
    if "丢弃" in heading:
        return "discarded"
    if "待定" in heading:
        return "pending"
    if "条件保留" in heading:
        return "条件保留"
    if "高价值" in heading:
        return "高价值"
    if "保留" in heading:
        return "保留"
    return None


BOUNDARY = re.compile(r"^#{2,3}[ \t]+\S")
KEPT_GRADES = {"保留", "高价值", "条件保留"}


def _item_anchor(date, links: list[str], title: str) -> str:
    """Stable across edits elsewhere in the note: the date and the first source (or the title)."""
    return "n-" + short_hash(f"{date.iso if date else ''}|{links[0] if links else title}")


class NoteParser:
    kind = SourceKind.NOTE

    def parse(self, path: str, page: str, raw: str) -> ParsedSource:
        source = open_source(self.kind, path, page, raw)
        text = source.text
        date = self._date(source)
        note_title = str(text.meta.get("title") or "")
        headings = list(iter_headings(text.lines, BOUNDARY))
        grade: str | None = None
        position = 0
        for number, heading in enumerate(headings):
            source.close_open_fence(heading)
            if heading.level <= 2:
                grade = section_grade(heading.text) if heading.level == 2 else None
                continue
            if heading.level != 3 or grade not in KEPT_GRADES:
                continue
            end = next((h.index for h in headings[number + 1 :] if h.level <= 3), len(text.lines))
            entry = self._item(source, heading, end, date, grade, position, note_title)
            source.entries.append(entry)
            position += 1
        check_source_markup(source)
        return source

    def _date(self, source: ParsedSource) -> PartialDate | None:
        value = source.text.meta.get("date")
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return PartialDate(value.year, value.month, value.day)
        if value is None:
            source.problem_at_line(1, "note has no date in its front matter",
                                   "add 'date: YYYY-MM-DD' between the --- lines")
        else:
            source.problem_at_line(1, f"note date {value!r} does not parse", "write it as YYYY-MM-DD")
        return None

    def _item(self, source: ParsedSource, heading, end: int, date, grade: str, position: int, note_title: str) -> Entry:
        lines = source.text.lines
        body = lines[heading.index + 1 : end]
        links: list[str] = []
        tags: list[str] = []
        reason = ""
        found_source = False
        kept_body: list[str] = []
        i = 0
        while i < len(body):
            line = body[i]
            source_match = SOURCE_LINE.match(line)
            tags_match = TAGS_LINE.match(line)
            reason_match = REASON_LINE.match(line)
            if source_match and not found_source:
                found_source = True
                chunk = [source_match.group("rest")]
                # A nested list of several sources follows the 来源 line.
                while i + 1 < len(body) and body[i + 1].startswith((" ", "\t")) and body[i + 1].strip():
                    kept_body.append(line)
                    i += 1
                    line = body[i]
                    chunk.append(line)
                links.extend(extract_urls("\n".join(chunk)))
            elif tags_match:
                tags.extend(t[1:] for t in tags_match.group("rest").split() if t.startswith("#") and len(t) > 1)
            elif reason_match and not reason:
                rest = reason_match.group("rest").strip()
                if not rest:
                    following = next((b for b in body[i + 1 :] if b.strip()), "")
                    rest = following.strip()
                reason = rest
            kept_body.append(line)
            i += 1
        if not found_source:
            source.problem(heading.index, f"kept item {heading.text[:40]!r} has no 来源 line",
                           "add '- **来源**：<https://…>' under the heading")
        canonical = [canonical_url(u) for u in links]
        title = ITEM_NUMBER.sub("", heading.text).strip() or "（无标题）"
        summary = "\n".join(kept_body).strip("\n")
        entry = Entry(
            kind=self.kind,
            title=title,
            link=canonical[0] if canonical else None,
            raw_link=links[0] if links else None,
            extra_links=canonical[1:],
            date=date,
            source=SourceLocation(source.path, source.text.line_number(heading.index)),
            page=source.page,
            anchor=heading.anchor or _item_anchor(date, canonical, title),
            summary=summary,
            excerpt_from=reason,
            explicit_tags=tags,
            position=position,
            grade=grade,
            note_title=note_title,
            source_heading=heading.text,
        )
        source.edits.append(LineEdit(heading.index, heading.index, "entry", entry=entry, level=3))
        return entry
