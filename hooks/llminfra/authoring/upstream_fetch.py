"""Fetching the upstream README (``llminfra sync``) and writing down where the mirror comes from.

Only the ``sync`` command calls the fetch; the build never touches the network.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
import yaml

from llminfra.authoring.http_download import (
    DownloadError,
    FetchLimits,
    http_session,
    read_body,
    require_success,
    run_download,
    streamed_get,
)
from llminfra.domain.links import redact_url
from llminfra.domain.upstream import UpstreamProvenance
from llminfra.sources.provenance import PROVENANCE_FIELDS

USER_AGENT = "llminfra-sync (+https://github.com/llm-infra-reading)"
# 20 MB is far above any share list and stops a runaway response; 20 s without a byte, 120 s in all.
SYNC_LIMITS = FetchLimits(max_bytes=20 * 1024 * 1024, timeout=20.0, total_seconds=120.0)


class UpstreamError(RuntimeError):
    """The upstream file could not be fetched, or is not what a share list looks like."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    origin: str  # the URL or path it was read from


def fetch(location: str, limits: FetchLimits = SYNC_LIMITS, session: requests.Session | None = None) -> Fetched:
    """The bytes at ``location``: an http(s) or file:// URL, or a local path.

    Over http(s), the rule of ``http_download`` applies (time cap, retries, truncation); a local file is read
    within the same size cap. Raises ``UpstreamError`` with the reason; no message holds a credential of the URL.
    """
    scheme = urlsplit(location).scheme.lower()
    if scheme not in ("http", "https", "file"):
        return Fetched(read_local(Path(location), limits.max_bytes), location)
    if scheme == "file":
        return Fetched(read_local(Path(urllib.request.url2pathname(urlsplit(location).path)), limits.max_bytes),
                       location)

    def attempt(http: requests.Session, bounded: FetchLimits) -> bytes:
        with streamed_get(http, location, bounded) as response:
            require_success(response)
            body = bytearray()
            read_body(response, bounded, body.extend)
            return bytes(body)

    with http_session(USER_AGENT, session) as http:
        try:
            return Fetched(run_download(http, limits, lambda bounded: attempt(http, bounded)), location)
        except DownloadError as exc:
            raise UpstreamError(f"{redact_url(location)}: {exc}") from None


def sync_limits(timeout: float | None = None, attempts: int | None = None,
                total_seconds: float | None = None, base: FetchLimits = SYNC_LIMITS) -> FetchLimits:
    """``base`` with the command line's timeout, number of attempts and cap, where given."""
    given = {"timeout": timeout, "attempts": attempts, "total_seconds": total_seconds}
    return dataclasses.replace(base, **{name: value for name, value in given.items() if value is not None})


def read_local(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most ``max_bytes`` of them; a device, pipe, socket or folder is refused.

    ``/dev/zero`` or a FIFO named by mistake would otherwise fill the memory or wait forever.
    """
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer; it is then refused as not a regular file.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UpstreamError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UpstreamError(f"{path}: not a regular file (a folder, device, pipe or socket); refused")
        if info.st_size > max_bytes:
            raise UpstreamError(f"{path}: file is {info.st_size:,} bytes, over the cap of {max_bytes:,}")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UpstreamError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise UpstreamError(f"{path}: file is over the cap of {max_bytes:,} bytes")
    return data


def provenance_yaml(provenance: UpstreamProvenance) -> str:
    """The text of ``data/upstream.yml``: stable key order, so a re-sync of the same commit changes nothing."""
    values = {name: getattr(provenance, name) for name in PROVENANCE_FIELDS}
    return ("# Written by `python -m llminfra sync`: what docs/share/index.md mirrors. Do not edit by hand.\n"
            + yaml.safe_dump(values, allow_unicode=True, sort_keys=False))
