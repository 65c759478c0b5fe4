"""Measuring remote audio clips: the network side of ``python -m llminfra audio``.

``measure_remote_audio`` finds every remote clip the sources name, downloads
the ones ``data/audio.yml`` does not know yet and records what mutagen reads
from them. With ``refresh=True`` it also re-checks the known ones: a
conditional request (If-None-Match / If-Modified-Since) that the server may
answer 304, else the bytes are downloaded again and their SHA-256 decides
whether the clip changed.

Every download is streamed to a temporary file with a size cap, a timeout
and a bounded number of retries (connection errors, timeouts, 429 and 5xx;
never on 4xx or an oversized file). ``sync`` calls this after fetching the
share list. Only this module and the commands that call it touch the network.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import requests

from llminfra.domain.layout import SiteLayout
from llminfra.domain.site_options import UpstreamSettings
from llminfra.sources.audio_files import audio_mime_type, read_audio
from llminfra.sources.audio_metadata import AUDIO_DATA, AudioRecord, read_audio_records, write_audio_records
from llminfra.sources.loading import REAL_UPSTREAM, build_catalog

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # an hour of 320 kbps MP3 is 144 MB; a summary is a few MB
DEFAULT_TIMEOUT = 30.0  # seconds to connect, and between two chunks of the body
DEFAULT_TOTAL_SECONDS = 600.0  # a whole download, so a server trickling bytes cannot hold the command forever
DEFAULT_ATTEMPTS = 3
CHUNK = 64 * 1024
USER_AGENT = "llminfra-audio/1 (+https://github.com/llm-infra-reading)"


class DownloadError(Exception):
    """Why a clip could not be measured; ``retry`` when trying again may help."""

    def __init__(self, message: str, retry: bool = False):
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    total_seconds: float = DEFAULT_TOTAL_SECONDS
    attempts: int = DEFAULT_ATTEMPTS
    backoff: float = 1.0  # seconds before the second attempt, doubled for each later one


@dataclass
class AudioReport:
    """What a run did, clip by clip (URLs in canonical form)."""

    measured: list[str] = field(default_factory=list)  # new records
    changed: list[str] = field(default_factory=list)  # known clips whose file changed (--refresh)
    unchanged: list[str] = field(default_factory=list)  # known clips checked again (--refresh)
    known: list[str] = field(default_factory=list)  # known clips not checked (no --refresh)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (url, where, message)
    unused: list[str] = field(default_factory=list)  # records no source names any more (kept)
    downloaded_bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def measure_remote_audio(root: Path, refresh: bool = False, limits: FetchLimits = FetchLimits(),
                         session: requests.Session | None = None, data_path: Path | None = None,
                         upstream: UpstreamSettings = REAL_UPSTREAM) -> AudioReport:
    """Measure the remote clips of the project at ``root`` and update its ``data/audio.yml``.

    The file is rewritten only when a record was added or changed, after
    every clip was tried; a failure is reported and leaves that clip's old
    record (if any) in place.
    """
    layout = SiteLayout(root=Path(root))
    path = data_path or layout.root / AUDIO_DATA
    records, problems = read_audio_records(path)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    catalog = build_catalog(layout, upstream=upstream)
    wanted: dict[str, str] = {}  # url -> where the first source names it
    for entry in catalog.entries:
        for clip in entry.audio:
            if not clip.is_local:
                wanted.setdefault(clip.src, f"{entry.source.path}:{clip.line or entry.source.line}")
    report = AudioReport(unused=sorted(set(records) - set(wanted)))
    own_session = session is None
    session = session or requests.Session()
    session.headers.setdefault("User-Agent", USER_AGENT)
    dirty = False
    try:
        for url, where in wanted.items():
            old = records.get(url)
            if old is not None and not refresh:
                report.known.append(url)
                continue
            try:
                new, downloaded = _fetch_with_retries(session, url, old, limits)
            except DownloadError as exc:
                report.failed.append((url, where, str(exc)))
                continue
            report.downloaded_bytes += downloaded
            if old is None:
                report.measured.append(url)
            elif new.sha256 != old.sha256:
                report.changed.append(url)
            else:
                report.unchanged.append(url)
            if new != old:
                records[url] = new
                dirty = True
    finally:
        if own_session:
            session.close()
    if dirty or not path.is_file():
        write_audio_records(path, records)
    return report


def _fetch_with_retries(session, url: str, old: AudioRecord | None, limits: FetchLimits) -> tuple[AudioRecord, int]:
    for attempt in range(1, limits.attempts + 1):
        try:
            return fetch_and_measure(session, url, old, limits)
        except DownloadError as exc:
            if not exc.retry or attempt == limits.attempts:
                suffix = f" (after {attempt} attempts)" if attempt > 1 else ""
                raise DownloadError(f"{exc}{suffix}") from None
            time.sleep(limits.backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def fetch_and_measure(session, url: str, old: AudioRecord | None, limits: FetchLimits) -> tuple[AudioRecord, int]:
    """One attempt: (the clip's record, bytes downloaded). ``old`` makes the request conditional."""
    headers = {}
    if old is not None and old.etag:
        headers["If-None-Match"] = old.etag
    if old is not None and old.last_modified:
        headers["If-Modified-Since"] = old.last_modified
    started = time.monotonic()
    try:
        with session.get(url, headers=headers, stream=True, timeout=limits.timeout, allow_redirects=True) as response:
            if response.status_code == 304 and old is not None:
                return old, 0
            if response.status_code == 429 or response.status_code >= 500:
                raise DownloadError(f"HTTP {response.status_code}", retry=True)
            if response.status_code != 200:
                raise DownloadError(f"HTTP {response.status_code}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise DownloadError(f"file is {int(declared):,} bytes, over the cap of {limits.max_bytes:,}")
            # mutagen recognises a bare MP3 stream (no ID3 tag) by its file name's extension.
            suffix = PurePosixPath(urlsplit(url).path).suffix[:8]
            with tempfile.NamedTemporaryFile(prefix="llminfra-audio-", suffix=suffix) as temporary:
                digest, size = hashlib.sha256(), 0
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise DownloadError(f"file is over the cap of {limits.max_bytes:,} bytes")
                    if time.monotonic() - started > limits.total_seconds:
                        raise DownloadError(f"download took over {limits.total_seconds:g} s", retry=True)
                    digest.update(chunk)
                    temporary.write(chunk)
                temporary.flush()
                compressed = bool(response.headers.get("Content-Encoding"))  # then Content-Length counts gzip bytes
                if declared and declared.isdigit() and int(declared) != size and not compressed:
                    raise DownloadError(f"got {size} of {declared} bytes", retry=True)
                etag = response.headers.get("ETag")
                modified = response.headers.get("Last-Modified")
                if old is not None and digest.hexdigest() == old.sha256:
                    return AudioRecord(old.length_bytes, old.duration_seconds, old.mime_type, old.sha256,
                                       etag, modified), size
                audio = read_audio(Path(temporary.name))
                length = getattr(getattr(audio, "info", None), "length", None)
                mime = audio_mime_type(audio)
                if not length or length <= 0 or mime is None:
                    raise DownloadError("not an audio file mutagen can measure "
                                        f"(Content-Type {response.headers.get('Content-Type', 'unknown')})")
                return AudioRecord(size, float(length), mime, digest.hexdigest(), etag, modified), size
    except requests.Timeout:
        raise DownloadError(f"no answer within {limits.timeout:g} s", retry=True) from None
    except requests.ConnectionError as exc:
        raise DownloadError(f"connection failed: {type(exc).__name__}", retry=True) from None
    except requests.RequestException as exc:
        raise DownloadError(f"request failed: {exc}") from None
