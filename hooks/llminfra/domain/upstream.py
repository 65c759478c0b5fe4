"""The upstream share list the site mirrors, and what changed between two versions of it.

The mirror (``docs/share/index.md`` by default, ``SiteLayout.mirror_page``) is a byte-for-byte copy of the
``README.md`` of the upstream repository; ``llminfra sync`` replaces it. Contributors' entries live in other
files under ``docs/share/`` that sync never touches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from llminfra.domain.links import encode_once
from llminfra.domain.model import Entry


def upstream_audio_url(readme_url: str, src: str) -> str:
    """The raw URL of an audio file the upstream README names by a path inside its repository.

    ``202509/x.mp3``, ``/202509/x.mp3`` and ``/assets/202509/x.mp3`` are all relative to the repository root,
    where the README lives, as GitHub resolves them when it renders the README.
    """
    return urljoin(readme_url, encode_once(src.strip().lstrip("/")))  # the one URL rule of audio


@dataclass(frozen=True)
class EntrySummary:
    """What a reader sees of one upstream entry, for comparing two versions."""

    title: str
    month: str  # YYYY-MM, or "" before any month
    link: str | None
    summary: str
    audio: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.link or f"{self.month}|{self.title}"

    @classmethod
    def of(cls, entry: Entry) -> "EntrySummary":
        # Zero-width spaces come and go with the collector's editor; a reader sees no difference.
        # The month it is listed under: its date may be another month's once its arrival is known.
        month = entry.listed_month or entry.date
        return cls(entry.title.replace("\u200b", ""), month.month_key if month else "", entry.link,
                   entry.summary.replace("\u200b", "").strip(), tuple(clip.src for clip in entry.audio))


@dataclass
class UpstreamChange:
    added: list[EntrySummary] = field(default_factory=list)
    removed: list[EntrySummary] = field(default_factory=list)
    changed: list[tuple[EntrySummary, EntrySummary]] = field(default_factory=list)  # (before, after)

    @property
    def entries_changed(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_entries(before: list[Entry], after: list[Entry]) -> UpstreamChange:
    """Entries added, removed and changed, matched by canonical link (title and month when there is none)."""
    old = {}
    for entry in before:
        summary = EntrySummary.of(entry)
        old.setdefault(summary.key, summary)
    change = UpstreamChange()
    seen: set[str] = set()
    for entry in after:
        summary = EntrySummary.of(entry)
        if summary.key in seen:
            continue
        seen.add(summary.key)
        previous = old.get(summary.key)
        if previous is None:
            change.added.append(summary)
        elif previous != summary:
            change.changed.append((previous, summary))
    change.removed = [summary for key, summary in old.items() if key not in seen]
    return change


@dataclass(frozen=True)
class UpstreamProvenance:
    """What the mirror was last synced from, as ``llminfra sync`` recorded it (``data/upstream.yml``)."""

    repository: str  # the repository's web address, e.g. https://github.com/owner/name
    readme_url: str
    commit: str | None = None  # upstream commit of the README, where sync knew it
    committed: str | None = None  # upstream's date of that commit (ISO 8601), where known
    synced: str | None = None  # the day sync wrote the mirror (UTC, YYYY-MM-DD)
    sha256: str | None = None  # of the mirror's bytes, to tell a hand edit from a sync
    lines: str | None = None  # line_fingerprints of those bytes, to name the first line a hand edit changed

    @property
    def web_url(self) -> str:
        # Records written before the address was recorded in full hold ``owner/name``.
        return self.repository if "://" in self.repository else f"https://github.com/{self.repository}"

    @property
    def name(self) -> str:
        """``owner/name``, as readers know the repository."""
        return "/".join(self.web_url.rstrip("/").split("/")[-2:])

    @property
    def commit_url(self) -> str | None:
        return f"{self.web_url}/commit/{self.commit}" if self.commit else None

    @property
    def short_commit(self) -> str | None:
        return self.commit[:7] if self.commit else None

    @property
    def date(self) -> str | None:
        """The day to show readers: upstream's commit date, else the day of the sync."""
        return (self.committed or self.synced or "")[:10] or None


# Lines as the parsers number them: a line ends at CRLF, CR or LF. The end is part of the line, so an editor that
# turns CRLF into LF changes line 1.
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Two bytes a line keep data/upstream.yml small (about 2.7 characters a line: 100 KB for a list of 5,000 entries)
# while a changed line keeps the fingerprint it had with a chance of 1 in 65,536; the SHA-256 of the whole file
# still tells every edit, the fingerprints only say where it starts.
FINGERPRINT_BYTES = 2


def split_lines(data: bytes) -> list[bytes]:
    """The lines of ``data``, each with its line end."""
    return _LINE.findall(data)


def _fingerprint(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=FINGERPRINT_BYTES).digest()


def line_fingerprints(data: bytes) -> str:
    """A short fingerprint of every line of ``data``, as one base64 text (``UpstreamProvenance.lines``)."""
    return base64.b64encode(b"".join(_fingerprint(line) for line in split_lines(data))).decode("ascii")


def first_differing_line(data: bytes, fingerprints: str | None) -> int:
    """The 1-based number of the first line of ``data`` that is not the line the fingerprints were taken of.

    1 when there are no (readable) fingerprints: a record written before they existed, or when every line keeps
    its fingerprint (a 1 in 65,536 chance for an edited line). A file that only lost lines at its end names its
    last line.
    """
    try:
        recorded = base64.b64decode(fingerprints or "", validate=True)
    except (binascii.Error, ValueError):
        return 1
    if not recorded or len(recorded) % FINGERPRINT_BYTES:
        return 1
    lines = split_lines(data)
    for index, line in enumerate(lines):
        start = index * FINGERPRINT_BYTES
        if recorded[start:start + FINGERPRINT_BYTES] != _fingerprint(line):
            return index + 1
    return max(1, len(lines)) if len(lines) < len(recorded) // FINGERPRINT_BYTES else 1
