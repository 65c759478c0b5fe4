"""Fetching the upstream README (``llminfra sync``) and reading where it comes from.

Only the ``sync`` command calls the fetch; the build never touches the network.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from llminfra.domain.problems import SourceProblem
from llminfra.domain.upstream import (
    UpstreamProvenance,
)

PROVENANCE_FILE = "data/upstream.yml"
PROVENANCE_FIELDS = ("repository", "readme_url", "commit", "committed", "synced", "sha256")

USER_AGENT = "llminfra-sync (+https://github.com/llm-infra-reading)"
MAX_BYTES = 20 * 1024 * 1024  # far above any share list; stops a runaway response


class UpstreamError(RuntimeError):
    """The upstream file could not be fetched, or is not what a share list looks like."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    origin: str  # the URL or path it was read from


def fetch(location: str, timeout: float = 20.0, attempts: int = 3, backoff: float = 1.0) -> Fetched:
    """The bytes at ``location``: an http(s) or file:// URL, or a local path.

    Network errors and server errors (5xx) are retried ``attempts`` times in all, each bounded by ``timeout``
    seconds; a client error (4xx) is final. Raises ``UpstreamError`` with the reason.
    """
    scheme = urlsplit(location).scheme.lower()
    if scheme not in ("http", "https", "file"):
        return Fetched(_read_local(Path(location)), location)
    if scheme == "file":
        return Fetched(_read_local(Path(urllib.request.url2pathname(urlsplit(location).path))), location)
    last = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(location, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only)
                data = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}"
            if exc.code < 500:
                break
        except TimeoutError:
            last = f"timed out after {timeout:g} s"
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"timed out after {timeout:g} s" if isinstance(reason, TimeoutError) else f"network error: {reason}"
        else:
            if len(data) > MAX_BYTES:
                raise UpstreamError(f"{location}: response is larger than {MAX_BYTES} bytes")
            return Fetched(data, location)
    raise UpstreamError(f"{location}: {last} (tried {attempt + 1} time(s))")


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
