"""Adding an entry to a share list exactly the way the upstream collector does.

The collector puts a new article at the top of its month and a new month
above the older ones, and never touches anything else::

    # LLM-AI-Infra-system好文分享 (文章标题是链接可以点击)
                                     <- two blank lines before a month heading
    ## 202511

    ## [new title](https://…)        <- the new entry, first in its month
    2025-11-18 | #vllm               <- the day it was added, and its explicit tags (not in upstream's format)

    summary

    <audio controls>                 <- optional
      <source src="https://….mp3" type="audio/mp3">
    </audio>
                                     <- two blank lines before the next entry
    ## [older title](https://…)

Share lists are copies of the upstream file, so the change is insertions
only: the bytes of every existing line (line endings, BOM, trailing spaces)
stay as they were. Before anything is written, the new text is parsed again
and must have exactly one more entry and no new problems.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from llminfra.authoring.atomic_files import write_bytes_atomically
from llminfra.domain.document import ParsedSource
from llminfra.domain.links import canonical_url, is_safe_outbound
from llminfra.domain.model import Entry, PartialDate
from llminfra.sources.audio_tags import AudioBlockError, check_source_url
from llminfra.sources.markdown_lines import HEADING
from llminfra.sources.sharelist import ShareListParser

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
MONTH_ARGUMENT = re.compile(r"^(\d{4})(\d{2})$")
BLANK_LINES_BEFORE_MONTH = 2
# The collector always writes type="audio/mp3"; other formats get their own type.
AUDIO_TYPES_BY_EXTENSION = {".m4a": "audio/mp4", ".mp4": "audio/mp4", ".aac": "audio/aac",
                            ".ogg": "audio/ogg", ".wav": "audio/wav", ".webm": "audio/webm"}


class ShareEntryError(ValueError):
    """An input that cannot become a share-list entry; the message says how to fix it."""


@dataclass(frozen=True)
class NewShareEntry:
    title: str
    link: str
    summary: str
    month: PartialDate
    audio: str | None = None
    day: dt.date | None = None  # the day it was added: the line under the heading (None: upstream's format)
    tags: tuple[str, ...] = ()  # explicit tags for that line, as the taxonomy names them (no spaces)

    @classmethod
    def validated(cls, title: str, link: str, summary: str, month: str | None, audio: str | None = None,
                  day: str | dt.date | None = None, tags: tuple[str, ...] = ()) -> "NewShareEntry":
        """Check every input and return the entry, or raise ``ShareEntryError``.

        ``month`` (YYYYMM), the heading it is listed under, defaults to the month of ``day``, the day it was added.
        """
        added = parse_day(day) if isinstance(day, str) else day
        if month is None and added is None:
            raise ShareEntryError("give the month (YYYYMM) or the day the entry was added (YYYY-MM-DD)")
        heading = parse_month(month) if month is not None else PartialDate(added.year, added.month)
        for tag in tags:
            if not tag or any(char.isspace() for char in tag) or "|" in tag:
                raise ShareEntryError(f"tag {tag!r} cannot be written on the date line (no spaces or |)")
        return cls(_check_title(title), _check_link(link), _check_summary(summary), heading,
                   _check_audio(audio) if audio else None, added, tuple(tags))

    def lines(self) -> list[str]:
        """The entry as the collector writes it, without the surrounding blank lines, plus its date line."""
        block = [f"## [{self.title}]({self.link})"]
        if self.day is not None:
            block.append(" | ".join([self.day.isoformat(), *([" ".join(f"#{t}" for t in self.tags)] if self.tags
                                                             else [])]))
        block += ["", *self.summary.split("\n")]
        if self.audio:
            block += ["", "<audio controls>", f'  <source src="{self.audio}" type="{_audio_type(self.audio)}">',
                      "</audio>"]
        return block


@dataclass
class AddResult:
    added: bool
    line: int  # 1-based line of the entry heading: the new one, or the existing listing
    text: str  # the whole new file (unchanged when not added)
    inserted: list[str]  # inserted lines, without line endings
    month_created: bool = False
    entry: Entry | None = None  # the entry as the parser reads it back


def parse_month(value: str) -> PartialDate:
    match = MONTH_ARGUMENT.match(value.strip())
    if not match:
        raise ShareEntryError(f"month {value!r} is not YYYYMM (write six digits, e.g. 202511)")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ShareEntryError(f"month {value!r} has month {month:02d}, which does not exist (use 01–12)")
    return PartialDate(year, month)


def parse_day(value: str) -> dt.date:
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ShareEntryError(f"date {value!r} is not a day YYYY-MM-DD (e.g. 2025-11-18)")


def add_entry(raw: str, path: str, page: str, entry: NewShareEntry) -> AddResult:
    """Insert ``entry`` into the share-list text ``raw``; pure, nothing is written."""
    before = ShareListParser().parse(path, page, raw)
    canonical = canonical_url(entry.link)
    existing = next((e for e in before.entries if e.link == canonical), None)
    if existing is not None:
        return AddResult(False, existing.source.line, raw, [], entry=existing)
    lines = LINE.findall(raw)
    newline = _newline_of(lines)
    index, inserted, month_created = _plan(before, [_strip_ending(line) for line in lines], entry)
    head = "".join(lines[:index])
    if head and not head.endswith(("\n", "\r")):
        head += newline  # the file did not end with a newline
    text = head + "".join(line + newline for line in inserted) + "".join(lines[index:])
    heading_line = index + inserted.index(entry.lines()[0]) + 1
    parsed = _verify(before, ShareListParser().parse(path, page, text), canonical, heading_line, entry)
    return AddResult(True, heading_line, text, inserted, month_created, parsed)


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` atomically, keeping its permissions; bytes are UTF-8 as read."""
    write_bytes_atomically(path, text.encode("utf-8"))


# -- planning -------------------------------------------------------------


def _plan(source: ParsedSource, lines: list[str], entry: NewShareEntry) -> tuple[int, list[str], bool]:
    """(index of the file line to insert before, lines to insert, whether a month heading is new)."""
    months = [(source.text.line_number(edit.start) - 1, edit.month)
              for edit in sorted(source.edits, key=lambda e: e.start) if edit.kind == "month"]
    block = entry.lines()
    same = next((index for index, month in months if month == entry.month), None)
    if same is not None:
        after = same + 1
        if after == len(lines):
            return after, ["", *block], False
        # One blank line of ours plus the blank line that follows the heading: two before the next entry.
        trailing = ["", ""] if lines[after].strip() else [""]
        return after, ["", *block, *trailing], False
    older = next((index for index, month in months if month is not None and month < entry.month), None)
    new_month = [f"## {entry.month.year:04d}{entry.month.month:02d}", "", *block]
    if older is not None:
        return older, _blank_padding(lines, older) + new_month + ["", ""], True
    return len(lines), _blank_padding(lines, len(lines)) + new_month, True


def _blank_padding(lines: list[str], index: int) -> list[str]:
    """Blank lines so that a month heading inserted at ``index`` has two above it (none at the top)."""
    blanks = 0
    while blanks < index and not lines[index - 1 - blanks].strip():
        blanks += 1
    if blanks == index:  # only blank lines (or nothing) above
        return []
    return [""] * max(0, BLANK_LINES_BEFORE_MONTH - blanks)


def _verify(before: ParsedSource, after: ParsedSource, canonical: str, line: int, entry: NewShareEntry) -> Entry:
    """The new text must read back as the old entries plus ours, with no new problem."""
    added = [e for e in after.entries if e.link == canonical]
    new_problems = Counter(_problem_key(p) for p in after.problems) - Counter(_problem_key(p) for p in before.problems)
    if new_problems:
        message, hint, _ = next(iter(new_problems))
        raise ShareEntryError(f"the new entry would not parse cleanly: {message} ({hint})")
    if len(after.entries) != len(before.entries) + 1 or len(added) != 1:
        raise ShareEntryError("the summary would split into several entries; "
                              "do not start summary lines with '## ' (use bold text or ### instead)")
    parsed = added[0]
    if parsed.source.line != line or parsed.listed_month != entry.month or parsed.position != 0:
        raise ShareEntryError(f"the entry did not land at the top of {entry.month.month_key} (line {line})")
    day = PartialDate(entry.day.year, entry.day.month, entry.day.day) if entry.day else entry.month
    if parsed.date != day or parsed.explicit_tags != list(entry.tags):
        raise ShareEntryError("the date line would not read back as written")
    if parsed.title != entry.title or len(parsed.audio) != (1 if entry.audio else 0):
        raise ShareEntryError("the title or audio block would not read back as written")
    return parsed


def _problem_key(problem) -> tuple[str, str, str]:
    return problem.message, problem.hint, problem.severity


def _newline_of(lines: list[str]) -> str:
    for line in lines:
        for ending in ("\r\n", "\n", "\r"):
            if line.endswith(ending):
                return ending
    return "\n"


def _strip_ending(line: str) -> str:
    return line.rstrip("\r\n")


# -- input checks ---------------------------------------------------------


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ShareEntryError("title is empty (give the article's title with --title)")
    depth = 0
    for char in title:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise ShareEntryError(f"title {title!r} has unbalanced [ ] (balance them or use 【】)")
    return title


def _check_link(link: str) -> str:
    link = link.strip()
    if not link:
        raise ShareEntryError("link is empty (give the article URL with --link https://…)")
    if not is_safe_outbound(link):
        raise ShareEntryError(f"link {link[:80]!r} is not an absolute http(s) URL (write https://…)")
    if any(char.isspace() for char in link) or link.count("(") != link.count(")") or "<" in link or ">" in link:
        raise ShareEntryError(f"link {link[:80]!r} contains spaces, unbalanced ( ) or < > "
                              "(percent-encode them: %20, %28, %29)")
    return link


def _check_summary(summary: str) -> str:
    lines = [line.rstrip() for line in summary.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise ShareEntryError("summary is empty (give it with --summary, --summary-file or on stdin)")
    for number, line in enumerate(lines, 1):
        heading = HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            raise ShareEntryError(f"summary line {number} is a level-1/2 heading, which would start a new "
                                  "entry or month (use bold text or ###)")
        if re.search(r"<\s*/?\s*audio\b", line, re.IGNORECASE):
            raise ShareEntryError(f"summary line {number} holds an <audio> tag (pass the file with --audio URL)")
    return "\n".join(lines)


def _check_audio(audio: str) -> str:
    """The audio source as the parser will read it: raw or percent-encoded in, encoded exactly once out."""
    audio = audio.strip()
    try:
        encoded = check_source_url(audio)
    except AudioBlockError:
        encoded = None
    if encoded is None or not is_safe_outbound(encoded):
        raise ShareEntryError(f"audio {audio[:80]!r} is not an absolute http(s) URL (write https://….mp3)")
    return encoded


def _audio_type(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return next((kind for ext, kind in AUDIO_TYPES_BY_EXTENSION.items() if path.endswith(ext)), "audio/mp3")
