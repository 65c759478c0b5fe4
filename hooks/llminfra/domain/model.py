"""Domain structures: what an entry is, independent of where it came from."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum
from urllib.parse import unquote


class SourceKind(str, Enum):
    """The three kinds of source the site is built from."""

    SHARE = "share"
    SERIES = "series"
    NOTE = "note"

    @property
    def label(self) -> str:
        return {"share": "好文分享", "series": "系列文章", "note": "筛选笔记"}[self.value]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day or only to the month (share lists)."""

    year: int
    month: int
    day: int | None = None

    @property
    def month_key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def iso(self) -> str:
        if self.day is None:
            return self.month_key
        return f"{self.month_key}-{self.day:02d}"

    @property
    def display(self) -> str:
        return month_label(self.year, self.month) if self.day is None else self.iso


# When an entry was published, where its source gives no time of day (publish/feeds.py, the weekly pages and the
# "new since your last visit" marks all use this one rule). A day is dated at noon UTC: the same calendar day from
# UTC-12 to UTC+11. A month-precision entry (a mirror entry missing from data/arrivals.yml) on the 1st, one second
# earlier per list position, so that the first listed is the newest and all of them stay older than anything dated
# to a day of that month, as in ``Entry.sort_key``.
DAY_TIME = (12, 0, 0)
MONTH_ENTRY_SECONDS = 12 * 3600 - 1
UNDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)


def month_label(year: int, month: int) -> str:
    """How the site names a month: ``2025 年 9 月``."""
    return f"{year} 年 {month} 月"


@dataclass(frozen=True)
class SourceLocation:
    path: str  # relative to the project root, e.g. docs/share/index.md
    line: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class AudioClip:
    """One ``<audio>`` summary.

    ``src`` is http(s) or site-relative, always percent-encoded exactly once
    (``llminfra.domain.links.encode_once``): it can go into HTML and
    feeds as it is, and it is the key of the remote clips' metadata.
    """

    src: str
    mime_type: str = "audio/mpeg"
    # Read from the file (local clips) or from data/audio.yml (remote ones, measured by `llminfra audio`).
    length_bytes: int | None = None
    duration_seconds: float | None = None
    # 1-based line of the <audio> block in its source file, for messages; 0 when unknown.
    line: int = field(default=0, compare=False)

    @property
    def is_local(self) -> bool:
        return "://" not in self.src

    @property
    def url_path(self) -> str:
        """Encoded path of a local clip relative to the site root (no leading slash), for URLs."""
        return self.src.lstrip("/")

    @property
    def site_path(self) -> str:
        """Path of a local clip relative to the site root, decoded once: the file on disk."""
        return unquote(self.url_path)

    @property
    def is_measured(self) -> bool:
        return self.length_bytes is not None and self.duration_seconds is not None

    @property
    def duration_text(self) -> str:
        """What players show before play: ``5:20``, or 时长未知."""
        return format_duration(self.duration_seconds) or UNKNOWN_DURATION

    @property
    def size_text(self) -> str | None:
        """``3.7 MB`` beside the download link; None when unknown."""
        return format_size(self.length_bytes)


UNKNOWN_DURATION = "时长未知"

# What an audio summary can be: the bounds every number about a clip is checked against where it enters (the
# <audio> block's data-duration and data-length, data/audio.yml, what mutagen reads from a file).
MAX_AUDIO_SECONDS = 24 * 3600
MAX_AUDIO_BYTES = 2 * 1024**3
# The lowest average bit rate of real speech audio (MP3 goes down to 8 kbit/s, Opus to 6): a file that claims to
# play longer than this allows for its size has a lying header (a forged Xing frame count, say).
MIN_AUDIO_BYTES_PER_SECOND = 4000 // 8


def audio_duration_problem(seconds) -> str | None:
    """Why ``seconds`` cannot be a clip's duration (finite, > 0, at most ``MAX_AUDIO_SECONDS``); None if it can."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return f"duration must be a number of seconds, got {seconds!r}"
    if not math.isfinite(seconds) or seconds <= 0:
        return f"duration must be a finite number of seconds above 0, got {seconds!r}"
    if seconds > MAX_AUDIO_SECONDS:
        return f"duration of {seconds:.3g} seconds is more than {MAX_AUDIO_SECONDS // 3600} hours"
    return None


def audio_length_problem(length_bytes) -> str | None:
    """Why ``length_bytes`` cannot be a clip's size (whole, > 0, at most ``MAX_AUDIO_BYTES``); None if it can."""
    if isinstance(length_bytes, bool) or not isinstance(length_bytes, int):
        return f"size must be a whole number of bytes, got {length_bytes!r}"
    if length_bytes <= 0:
        return f"size must be above 0 bytes, got {length_bytes}"
    if length_bytes > MAX_AUDIO_BYTES:
        return f"size of {length_bytes} bytes is more than {MAX_AUDIO_BYTES // 1024**3} GB"
    return None


def measured_audio_problem(length_bytes, seconds) -> str | None:
    """Why a file of ``length_bytes`` cannot play for ``seconds`` (each bounded, and the bit rate they imply at
    least that of real speech audio); None if it can."""
    problem = audio_length_problem(length_bytes) or audio_duration_problem(seconds)
    if problem is None and seconds * MIN_AUDIO_BYTES_PER_SECOND > length_bytes:
        return (f"{length_bytes} bytes cannot play for {seconds:.0f} seconds "
                f"(under {MIN_AUDIO_BYTES_PER_SECOND * 8 // 1000} kbit/s): the header of the file is wrong")
    return problem


def format_duration(seconds: float | None) -> str | None:
    """``H:MM:SS`` or ``M:SS`` (what itunes:duration and players show); None when unknown (or not a duration)."""
    if seconds is None or audio_duration_problem(seconds) is not None:
        return None
    total = max(1, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_size(length_bytes: int | None) -> str | None:
    """``3.7 MB`` / ``812 KB`` (1 MB = 1024 × 1024 bytes); None when unknown (or not a size)."""
    if length_bytes is None or audio_length_problem(length_bytes) is not None:
        return None
    if length_bytes < 1024 * 1024:
        return f"{max(1, round(length_bytes / 1024))} KB"
    return f"{length_bytes / 1024 / 1024:.1f} MB"


@dataclass
class Entry:
    """One thing a reader can find: a series article, a shared article or a kept note item."""

    kind: SourceKind
    title: str
    link: str | None  # canonical outbound link, None when unknown
    # The day the entry is dated by on the whole site (listings, archive, weekly pages, feeds): a series or note
    # date; a share entry's arrival (the mirror: data/arrivals.yml; other share lists: the date line under the
    # heading); else a share entry's month heading (month precision).
    date: PartialDate | None
    source: SourceLocation
    page: str  # docs-relative path of the page that renders the entry in full
    anchor: str
    summary: str = ""  # markdown
    # The markdown a listing's and a feed's short text is made from when it is not the summary (a note's 保留理由).
    excerpt_from: str = ""
    # That short text, made by render.excerpts.excerpt_of on first use and kept here; None until then.
    excerpt: str | None = None
    title_derived: bool = False
    raw_link: str | None = None
    extra_links: list[str] = field(default_factory=list)
    explicit_tags: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # canonical tag slugs, set by the taxonomy
    tags_from_keywords: bool = False
    audio: list[AudioClip] = field(default_factory=list)
    position: int = 0  # order within its source file (0 = first)
    categories: list[str] = field(default_factory=list)
    grade: str = ""  # notes: 保留 / 高价值 / 条件保留
    note_title: str = ""
    source_heading: str = ""  # the heading text as written (notes keep their numbering)
    # Share lists: the month heading the entry is listed under, which the page shows and which places it in
    # its file (parts); its ``date`` may fall in another month.
    listed_month: PartialDate | None = None
    # The moment a mirror entry first appeared upstream (the commit's time with its UTC offset), from
    # data/arrivals.yml; None where the source gives a day only.
    arrived: datetime | None = None
    # Collector pastes (llminfra.domain.pastes): paragraphs of the summary that belong to another entry, and
    # this entry's own paragraphs found under another one. Set by the catalog.
    pasted: list[str] = field(default_factory=list, repr=False, compare=False)
    adopted: list[str] = field(default_factory=list, repr=False, compare=False)
    # Related reading (llminfra.domain.related), best first; set by the catalog.
    related: list[Entry] = field(default_factory=list, repr=False, compare=False)

    @property
    def published_at(self) -> datetime:
        """When the entry was published, with its UTC offset; never the build's time.

        The arrival time where it is known, else its day at noon UTC, else its month's rule (``DAY_TIME``).
        """
        if self.arrived is not None:
            return self.arrived
        date = self.date
        if date is None:
            return UNDATED
        if date.day is not None:
            return datetime(date.year, date.month, date.day, *DAY_TIME, tzinfo=timezone.utc)
        first = datetime(date.year, date.month, 1, tzinfo=timezone.utc)
        return first + timedelta(seconds=MONTH_ENTRY_SECONDS - min(self.position, MONTH_ENTRY_SECONDS))

    @property
    def iso_time(self) -> str:
        """The entry's date for ``<time datetime>``: the arrival with its offset, else the day (or month)."""
        if self.arrived is not None:
            return self.arrived.isoformat()
        return self.date.iso if self.date else ""

    @property
    def sort_key(self) -> tuple:
        """Newest first when sorted descending.

        By the day shown first, so that listings never show an older day above a newer one, then by the moment
        published (entries of one upstream commit share it) and the list order (the first listed is the
        newest). Month-precision entries sort after day-precision ones of the same month.
        """
        if self.date is None:
            return (0, 0, -1, UNDATED, -self.position)
        return (self.date.year, self.date.month, self.date.day or 0, self.published_at, -self.position)


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]
