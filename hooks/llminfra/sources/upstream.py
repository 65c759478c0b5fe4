"""Fetching the upstream README (``llminfra sync``) and reading where it comes from.

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

from llminfra.domain.problems import SourceProblem
from llminfra.domain.upstream import UpstreamProvenance
from llminfra.sources.http_download import (
    DownloadError,
    FetchLimits,
    http_session,
    read_body,
    require_success,
    streamed_get,
    with_retries,
)

PROVENANCE_FILE = "data/upstream.yml"
PROVENANCE_FIELDS = ("repository", "readme_url", "commit", "committed", "synced", "sha256")

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


def read_provenance(root: Path, problems: list[SourceProblem] | None = None) -> UpstreamProvenance | None:
    """``data/upstream.yml`` as sync wrote it; None when the project was never synced."""
    path = root / PROVENANCE_FILE
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        data = None
        message = f"cannot read it: {str(exc).splitlines()[0]}"
    else:
        message = "is not a mapping with repository and readme_url"
    if not isinstance(data, dict) or not data.get("repository") or not data.get("readme_url"):
        if problems is not None:
            problems.append(SourceProblem(PROVENANCE_FILE, 1, message, "run python -m llminfra sync to rewrite it"))
        return None
    return UpstreamProvenance(**{name: (str(data[name]) if data.get(name) is not None else None)
                                 for name in PROVENANCE_FIELDS})


def provenance_yaml(provenance: UpstreamProvenance) -> str:
    """The text of ``data/upstream.yml``: stable key order, so a re-sync of the same commit changes nothing."""
    values = {name: getattr(provenance, name) for name in PROVENANCE_FIELDS}
    return ("# Written by `python -m llminfra sync`: what docs/share/index.md mirrors. Do not edit by hand.\n"
            + yaml.safe_dump(values, allow_unicode=True, sort_keys=False))
