"""Fetching the upstream README (``llminfra sync``) and writing down where the mirror comes from.

Only the ``sync`` command calls the fetch; the build never touches the network.
"""

from __future__ import annotations

import dataclasses
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
    streamed_get,
    with_retries,
)
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

    Over http(s), the retry rule and limits of ``http_download`` apply. Raises ``UpstreamError`` with the reason.
    """
    scheme = urlsplit(location).scheme.lower()
    if scheme not in ("http", "https", "file"):
        return Fetched(_read_local(Path(location)), location)
    if scheme == "file":
        return Fetched(_read_local(Path(urllib.request.url2pathname(urlsplit(location).path))), location)
    def attempt(http: requests.Session) -> bytes:
        with streamed_get(http, location, limits) as response:
            require_success(response)
            body = bytearray()
            read_body(response, limits, body.extend)
            return bytes(body)

    with http_session(USER_AGENT, session) as http:
        try:
            return Fetched(with_retries(lambda: attempt(http), limits), location)
        except DownloadError as exc:
            raise UpstreamError(f"{location}: {exc}") from None


def sync_limits(timeout: float, attempts: int) -> FetchLimits:
    """The sync limits with the command line's timeout and number of attempts."""
    return dataclasses.replace(SYNC_LIMITS, timeout=timeout, attempts=max(1, attempts))


def _read_local(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UpstreamError(f"{path}: cannot read: {exc.strerror or exc}") from None


def provenance_yaml(provenance: UpstreamProvenance) -> str:
    """The text of ``data/upstream.yml``: stable key order, so a re-sync of the same commit changes nothing."""
    values = {name: getattr(provenance, name) for name in PROVENANCE_FIELDS}
    return ("# Written by `python -m llminfra sync`: what docs/share/index.md mirrors. Do not edit by hand.\n"
            + yaml.safe_dump(values, allow_unicode=True, sort_keys=False))
