"""Measuring remote audio clips: the network side of ``python -m llminfra audio``.

``measure_remote_audio`` finds every remote clip the sources name, downloads
the ones ``data/audio.yml`` does not know yet and records what mutagen reads
from them. With ``refresh=True`` it also re-checks the known ones: a
conditional request (If-None-Match / If-Modified-Since) that the server may
answer 304, else the bytes are downloaded again and their SHA-256 decides
whether the clip changed.

Every download is streamed to a temporary file under the rule of
``http_download``: a size cap, a timeout, a wall-clock cap on the whole
download and a bounded number of retries (connection errors, timeouts,
truncated bodies, 429 and 5xx; never on 4xx or an oversized file). ``sync`` calls this after fetching the
share list. Only this module and the commands that call it touch the network.
"""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import requests

from llminfra.authoring.audio_records import write_audio_records
from llminfra.authoring.http_download import (
    DownloadError,
    FetchLimits,
    http_session,
    read_body,
    require_success,
    run_download,
    streamed_get,
)
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import measured_audio_problem
from llminfra.domain.site_options import UpstreamSettings
from llminfra.sources.audio_files import audio_mime_type, read_audio
from llminfra.sources.audio_metadata import AUDIO_DATA, AudioRecord, read_audio_records
from llminfra.sources.loading import REAL_UPSTREAM, build_catalog

USER_AGENT = "llminfra-audio/1 (+https://github.com/llm-infra-reading)"
# An hour of 320 kbps MP3 is 144 MB; a summary is a few MB. 30 s without a byte, 600 s for a whole clip.
AUDIO_LIMITS = FetchLimits(max_bytes=200 * 1024 * 1024, timeout=30.0, total_seconds=600.0)


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


def measure_remote_audio(root: Path, refresh: bool = False, limits: FetchLimits = AUDIO_LIMITS,
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
    dirty = False
    with http_session(USER_AGENT, session) as http:
        for url, where in wanted.items():
            old = records.get(url)
            if old is not None and not refresh:
                report.known.append(url)
                continue
            try:
                new, downloaded = run_download(http, limits, functools.partial(fetch_and_measure, http, url, old))
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
    if dirty or not path.is_file():
        write_audio_records(path, records)
    return report


def fetch_and_measure(session, url: str, old: AudioRecord | None, limits: FetchLimits) -> tuple[AudioRecord, int]:
    """One attempt: (the clip's record, bytes downloaded). ``old`` makes the request conditional."""
    headers = {}
    if old is not None and old.etag:
        headers["If-None-Match"] = old.etag
    if old is not None and old.last_modified:
        headers["If-Modified-Since"] = old.last_modified
    with streamed_get(session, url, limits, headers) as response:
        if response.status_code == 304 and old is not None:
            return old, 0
        require_success(response)
        # mutagen recognises a bare MP3 stream (no ID3 tag) by its file name's extension.
        suffix = PurePosixPath(urlsplit(url).path).suffix[:8]
        with tempfile.NamedTemporaryFile(prefix="llminfra-audio-", suffix=suffix) as temporary:
            body = read_body(response, limits, temporary.write)
            temporary.flush()
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if old is not None and body.sha256 == old.sha256:
                return AudioRecord(old.length_bytes, old.duration_seconds, old.mime_type, old.sha256,
                                   etag, modified), body.size
            audio = read_audio(Path(temporary.name))
            length = getattr(getattr(audio, "info", None), "length", None)
            mime = audio_mime_type(audio)
            if not length or length <= 0 or mime is None:
                raise DownloadError("not an audio file mutagen can measure "
                                    f"(Content-Type {response.headers.get('Content-Type', 'unknown')})")
            # The same bounds as a local file's (a forged header's 31,165 hours is never recorded).
            implausible = measured_audio_problem(body.size, float(length))
            if implausible is not None:
                raise DownloadError(f"implausible audio: {implausible}")
            return AudioRecord(body.size, float(length), mime, body.sha256, etag, modified), body.size
