"""Downloads over HTTP for the two commands that touch the network, ``sync`` and ``audio``.

One rule for both:

- **A wall-clock cap on each download** (``FetchLimits.total_seconds``): connecting, every attempt and every pause
  between attempts. A read timeout alone cannot give that: it restarts with every byte, so a server sending one
  byte a second would hold the command for days. ``run_download`` starts a watchdog that, at the deadline, shuts
  down every socket the download opened; whatever the download then waits for (a TLS handshake, the headers, the
  next bytes of the body) ends at once. We chose the watchdog over reads bounded by the time left (``read1`` with
  the socket timeout set to it) because those cover only the body: requests reads the status line and headers
  itself, line by line, where a trickle cannot be cut short. The sockets are found through the connection pools
  of an adapter mounted on the session for the download. Name resolution (``getaddrinfo``) cannot be
  interrupted; it has its own system timeouts.
- **A timeout on each wait** (``timeout``, or the time left when that is shorter): to connect, and for the next
  bytes.
- **Retries only for what trying again may cure**: connection errors, timeouts, a truncated body, 429 and 5xx,
  with a doubling pause in between. A 429 or 503 that says ``Retry-After`` (seconds or an HTTP date) is waited for
  when the wait fits in the time left; when it does not, the download fails at once and says so. A client error
  (4xx) or an oversized file is final.
- **A truncated body is an error wherever HTTP can tell**: fewer bytes on the wire than ``Content-Length`` (with
  a ``Content-Encoding`` too: the bytes read off the wire are compared, not the decoded ones), or a chunked body
  that ends before its last, empty chunk. A body without either is delimited by the connection's end, and a
  connection cut short then looks like a complete body: HTTP gives no way to tell, so such a body is accepted.
- **No credentials in messages**: a message never quotes a URL or a library's exception text (both may carry a
  token); the commands print URLs through ``domain.links.redact_url``.

The build never calls this module.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import hashlib
import http.client
import math
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CHUNK = 64 * 1024
T = TypeVar("T")
# Statuses whose Retry-After says when to come back (RFC 9110 §10.2.3).
RETRY_AFTER_STATUSES = (429, 503)


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout: float  # seconds to connect, and between two chunks of the body
    total_seconds: float  # a whole download, retries and pauses included, so no server can hold the command
    attempts: int = 3
    backoff: float = 1.0  # seconds before the second attempt, doubled for each later one
    deadline: float | None = None  # time.monotonic() when the current download must end; set by run_download

    def time_left(self) -> float:
        return math.inf if self.deadline is None else self.deadline - time.monotonic()

    def wait(self) -> float:
        """How long one wait (to connect, for the next bytes) may last: the timeout, less when the cap is near."""
        return max(0.001, min(self.timeout, self.time_left()))


class DownloadError(Exception):
    """Why a download failed; ``retry`` when trying again may help, ``retry_after`` the seconds a server asked."""

    def __init__(self, message: str, retry: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after


@dataclass(frozen=True)
class Body:
    size: int
    sha256: str


def run_download(session: requests.Session, limits: FetchLimits, attempt: Callable[[FetchLimits], T]) -> T:
    """``attempt(bounded)`` until it succeeds, within ``limits``; ``bounded`` carries the download's deadline.

    ``attempt`` makes its requests with ``session`` (``streamed_get``) and reads with ``read_body``. It is tried
    again while it raises a retryable ``DownloadError``, ``limits.attempts`` times in all, all of it within
    ``limits.total_seconds``; the error that ends the download says how many attempts were made. Meanwhile the
    session sends through the watchdog's adapter; its own adapters are back afterwards.
    """
    bounded = dataclasses.replace(limits, deadline=time.monotonic() + limits.total_seconds)
    cap = f"the cap of {limits.total_seconds:g} s for the whole download"
    with _Watchdog(session, bounded.deadline) as watchdog:
        number = 0
        while True:
            number += 1
            suffix = f" (after {number} attempts)" if number > 1 else ""
            try:
                if bounded.time_left() <= 0:
                    raise DownloadError("no time left", retry=True)
                return attempt(bounded)
            except DownloadError as exc:
                if watchdog.fired or bounded.time_left() <= 0:
                    raise DownloadError(f"took longer than {cap}{suffix}") from None
                if not exc.retry or number >= limits.attempts:
                    raise DownloadError(f"{exc}{suffix}") from None
                pause = exc.retry_after if exc.retry_after is not None else limits.backoff * 2 ** (number - 1)
                left = bounded.time_left()
                if pause >= left:
                    asked = (f"the server asks to retry after {pause:g} s (Retry-After)"
                             if exc.retry_after is not None else f"the next attempt would start in {pause:g} s")
                    raise DownloadError(f"{exc}; {asked}, beyond the {max(left, 0):.1f} s left of {cap}{suffix}; "
                                        "giving up now") from None
                time.sleep(pause)


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
    wait = limits.wait()
    try:
        with session.get(url, headers=headers or {}, stream=True, timeout=wait, allow_redirects=True) as response:
            yield response
    except requests.Timeout:
        raise DownloadError(f"timed out: no answer within {wait:g} s", retry=True) from None
    except requests.ConnectionError as exc:
        raise DownloadError(f"connection failed: {failure_reason(exc)}", retry=True) from None
    except requests.RequestException as exc:
        # Its text may quote the URL, credentials included: name the kind of failure only.
        raise DownloadError(f"request failed: {type(exc).__name__}") from None


def require_success(response: requests.Response) -> None:
    """A 200 passes; 429 and 5xx are worth another attempt (when Retry-After says); anything else is final."""
    status = response.status_code
    if status == 429 or status >= 500:
        after = None
        if status in RETRY_AFTER_STATUSES:
            after = retry_after_seconds(response.headers.get("Retry-After"), response.headers.get("Date"))
        raise DownloadError(f"HTTP {status}", retry=True, retry_after=after)
    if status != 200:
        raise DownloadError(f"HTTP {status}")


def retry_after_seconds(value: str | None, date: str | None = None, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds; None when it is absent or unreadable.

    Either form of RFC 9110: whole seconds, or an HTTP date, counted from the response's own ``Date`` when it has
    one (the server's clock against the server's clock) and from ``now`` (this machine's) otherwise. A date in the
    past means now; an absurdly long wait is infinite.
    """
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value) if len(value) <= 12 else math.inf
    when = _http_date(value)
    if when is None:
        return None
    start = _http_date(date or "")
    reference = start if start is not None else (time.time() if now is None else now)
    return max(0.0, when - reference)


def _http_date(text: str) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.timestamp()


def read_body(response: requests.Response, limits: FetchLimits, write: Callable[[bytes], object]) -> Body:
    """Stream the body into ``write`` within the size and time caps; its size and SHA-256.

    A body that ends before its ``Content-Length`` or before the last chunk of a chunked transfer is truncated:
    a retryable error.
    """
    declared = _declared_length(response)
    if declared is not None and declared > limits.max_bytes:
        raise DownloadError(f"file is {declared:,} bytes, over the cap of {limits.max_bytes:,}")
    digest, size = hashlib.sha256(), 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                raise DownloadError(f"file is over the cap of {limits.max_bytes:,} bytes")
            if limits.time_left() <= 0:
                raise DownloadError("no time left", retry=True)
            digest.update(chunk)
            write(chunk)
    except requests.exceptions.ChunkedEncodingError:
        # urllib3 says "connection broken" for both a short Content-Length body and a chunked one cut short.
        raise DownloadError(_truncated(size, declared, response), retry=True) from None
    except requests.ConnectionError as exc:
        if any(isinstance(cause, urllib3.exceptions.ReadTimeoutError) for cause in (*exc.args, exc.__context__)):
            raise DownloadError(f"timed out: no bytes for {limits.wait():g} s", retry=True) from None
        raise DownloadError(f"connection failed while reading: {failure_reason(exc)}", retry=True) from None
    except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException) as exc:
        raise DownloadError(f"reading the body failed: {type(exc).__name__}", retry=True) from None
    on_wire = _wire_bytes(response)
    if declared is not None and on_wire is not None and on_wire < declared:
        raise DownloadError(_truncated(size, declared, response), retry=True)
    return Body(size, digest.hexdigest())


def _declared_length(response: requests.Response) -> int | None:
    """Content-Length, unless the body is chunked (Transfer-Encoding then overrides it, RFC 9112 §6.3)."""
    if getattr(response.raw, "chunked", False):
        return None
    declared = response.headers.get("Content-Length", "").strip()
    return int(declared) if declared.isascii() and declared.isdigit() and len(declared) < 19 else None


def _wire_bytes(response: requests.Response) -> int | None:
    """The bytes read off the wire, before any Content-Encoding is decoded (urllib3 counts them)."""
    try:
        return int(response.raw.tell())
    except (AttributeError, TypeError, ValueError, OSError):
        return None


def _truncated(size: int, declared: int | None, response: requests.Response) -> str:
    if declared is not None:
        wire = _wire_bytes(response)
        return f"truncated: the body ended after {wire if wire is not None else size:,} of {declared:,} bytes"
    if getattr(response.raw, "chunked", False):
        return f"truncated: the chunked body ended before its last chunk (after {size:,} bytes)"
    return f"truncated: the connection broke after {size:,} bytes"


def failure_reason(exc: BaseException) -> str:
    """What the system said about a failed connection ("Connection refused"), or the exception's kind.

    Only an ``OSError``'s own words are used: the text of requests' and urllib3's exceptions quotes the URL.
    """
    seen: list[BaseException] = []
    queue: list[BaseException] = [exc]
    while queue and len(seen) < 16:  # the chain of causes is short; a cycle ends here too
        current = queue.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        if isinstance(current, OSError) and current.strerror and not isinstance(current, requests.RequestException):
            return current.strerror
        queue += [linked for linked in (current.__cause__, current.__context__, getattr(current, "reason", None),
                                        *current.args) if isinstance(linked, BaseException)]
    return type(exc).__name__


class _Watchdog:
    """Shuts down every socket of one download when its deadline passes.

    While the download runs, ``session`` sends through an adapter whose connections hand each new socket to the
    watchdog (a duplicate of its descriptor, so a socket later wrapped in TLS is still reached). Shutting a socket
    down ends any read or write waiting on it, in any thread. On leaving, the session's own adapters are back.
    """

    def __init__(self, session: requests.Session, deadline: float):
        self.session = session
        self.deadline = deadline
        self.fired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        self._adapter: _WatchedAdapter | None = None
        self._saved = None

    def __enter__(self) -> _Watchdog:
        self._saved = self.session.adapters.copy()
        self._adapter = _WatchedAdapter(self)
        self.session.mount("https://", self._adapter)
        self.session.mount("http://", self._adapter)
        self._timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), self.fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()
        self.session.adapters.clear()
        self.session.adapters.update(self._saved)
        self._adapter.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()

    def watch(self, sock: socket.socket) -> None:
        twin = sock.dup()
        with self._lock:
            self._sockets.append(twin)
            fired = self.fired
        if fired:
            _shut(twin)

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter whose connection pools open sockets the watchdog knows (direct or through a proxy)."""

    def __init__(self, watchdog: _Watchdog):
        self._pools = _watched_pools(watchdog)  # before HTTPAdapter.__init__, which makes the pool manager
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS managers bring their own pools
            manager.pool_classes_by_scheme = self._pools
        return manager


def _watched_pools(watchdog: _Watchdog) -> dict[str, type]:
    def watched(connection: type) -> type:
        class WatchedConnection(connection):
            def _new_conn(self):  # urllib3's one place that opens the TCP socket, before any TLS
                sock = super()._new_conn()
                watchdog.watch(sock)
                return sock
        return WatchedConnection

    return {"http": type("WatchedHTTPConnectionPool", (HTTPConnectionPool,),
                         {"ConnectionCls": watched(HTTPConnection)}),
            "https": type("WatchedHTTPSConnectionPool", (HTTPSConnectionPool,),
                          {"ConnectionCls": watched(HTTPSConnection)})}
