"""Downloads over HTTP for the two commands that touch the network, ``sync`` and ``audio``.

One rule for both: every attempt is bounded (a timeout to connect and between two chunks, a cap on the whole
download's time and on its size), and only what trying again may cure is retried (connection errors, timeouts,
429 and 5xx), with a doubling pause in between. A client error (4xx) or an oversized file is final.
The build never calls this module.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import requests

CHUNK = 64 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout: float  # seconds to connect, and between two chunks of the body
    total_seconds: float  # a whole download, so a server trickling bytes cannot hold the command forever
    attempts: int = 3
    backoff: float = 1.0  # seconds before the second attempt, doubled for each later one


class DownloadError(Exception):
    """Why a download failed; ``retry`` when trying again may help."""

    def __init__(self, message: str, retry: bool = False):
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class Body:
    size: int
    sha256: str


def with_retries(attempt: Callable[[], T], limits: FetchLimits) -> T:
    """``attempt()``, tried again while it raises a retryable ``DownloadError``, ``limits.attempts`` times in all.

    The error of the last attempt is raised, saying how many attempts were made.
    """
    for number in range(1, limits.attempts + 1):
        try:
            return attempt()
        except DownloadError as exc:
            if not exc.retry or number == limits.attempts:
                suffix = f" (after {number} attempts)" if number > 1 else ""
                raise DownloadError(f"{exc}{suffix}") from None
            time.sleep(limits.backoff * 2 ** (number - 1))
    raise DownloadError("no attempt was made (attempts < 1)")


@contextlib.contextmanager
def http_session(user_agent: str, session: requests.Session | None = None) -> Iterator[requests.Session]:
    """``session`` as given (the caller closes it), or a new one that says who asks and is closed after use."""
    if session is not None:
        yield session
        return
    with requests.Session() as own:
        own.headers["User-Agent"] = user_agent  # requests sends its own otherwise
        yield own


@contextlib.contextmanager
def streamed_get(session: requests.Session, url: str, limits: FetchLimits,
                 headers: dict[str, str] | None = None) -> Iterator[requests.Response]:
    """A streamed GET whose network failures come out as ``DownloadError``; the caller reads the body."""
    try:
        with session.get(url, headers=headers or {}, stream=True, timeout=limits.timeout,
                         allow_redirects=True) as response:
            yield response
    except requests.Timeout:
        raise DownloadError(f"timed out: no answer within {limits.timeout:g} s", retry=True) from None
    except requests.ConnectionError as exc:
        raise DownloadError(f"connection failed: {type(exc).__name__}", retry=True) from None
    except requests.RequestException as exc:
        raise DownloadError(f"request failed: {exc}") from None


def require_success(response: requests.Response) -> None:
    """A 200 passes; 429 and 5xx are worth another attempt; anything else is final."""
    status = response.status_code
    if status == 429 or status >= 500:
        raise DownloadError(f"HTTP {status}", retry=True)
    if status != 200:
        raise DownloadError(f"HTTP {status}")


def read_body(response: requests.Response, limits: FetchLimits, write: Callable[[bytes], object]) -> Body:
    """Stream the body into ``write`` within the size and time caps; its size and SHA-256."""
    started = time.monotonic()
    declared = response.headers.get("Content-Length")
    declared_size = int(declared) if declared and declared.isdigit() else None
    if declared_size is not None and declared_size > limits.max_bytes:
        raise DownloadError(f"file is {declared_size:,} bytes, over the cap of {limits.max_bytes:,}")
    digest, size = hashlib.sha256(), 0
    for chunk in response.iter_content(CHUNK):
        size += len(chunk)
        if size > limits.max_bytes:
            raise DownloadError(f"file is over the cap of {limits.max_bytes:,} bytes")
        if time.monotonic() - started > limits.total_seconds:
            raise DownloadError(f"download took over {limits.total_seconds:g} s", retry=True)
        digest.update(chunk)
        write(chunk)
    compressed = bool(response.headers.get("Content-Encoding"))  # then Content-Length counts the gzip bytes
    if declared_size is not None and declared_size != size and not compressed:
        raise DownloadError(f"got {size} of {declared_size} bytes", retry=True)
    return Body(size, digest.hexdigest())
