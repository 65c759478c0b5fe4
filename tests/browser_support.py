"""Serving a built site and finding Debian's Chromium, for tests and scripts."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import re
import shutil
import socket
import sys
import threading
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Text that GitHub Pages sends gzip-compressed; images and audio go as they are.
COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"}


def chromium_path() -> str:
    """Path of the system Chromium; never a browser downloaded by Playwright."""
    explicit = os.environ.get("CHROMIUM_PATH")
    candidates = [explicit] if explicit else []
    candidates += list(CHROMIUM_CANDIDATES) + [shutil.which("chromium") or ""]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(
        "Chromium not found. Install Debian's package: sudo apt-get install -y chromium "
        "(or set CHROMIUM_PATH). Do not run 'playwright install'."
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; a missing path gets the site's 404.html with status 404, as on GitHub Pages."""

    rebase_sitemap = False
    compress = False

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass

    def do_GET(self):
        if self.rebase_sitemap and self.path.split("?")[0].endswith("/sitemap.xml"):
            self._send_rebased_sitemap()
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir() and self.path.split("?")[0].endswith("/"):
            target = target / "index.html"
        if self._sends_gzip() and target.suffix in COMPRESSED_SUFFIXES and target.is_file():
            self._send_text(target.read_bytes(), self.guess_type(str(target)))
        else:
            super().do_GET()

    def _sends_gzip(self) -> bool:
        return self.compress and "gzip" in self.headers.get("Accept-Encoding", "")

    def _send_text(self, body: bytes, content_type: str) -> None:
        """``body`` with status 200, gzip-compressed when this server compresses and the client accepts it."""
        compressed = self._sends_gzip()
        if compressed:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if compressed:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_rebased_sitemap(self) -> None:
        # The sitemap lists pages under site_url (https://…/). Material's instant navigation only
        # intercepts links found in it and keeps the sitemap's port, so on a server at a random
        # local port it would silently fall back to full page loads. Serve it as if the site were
        # deployed at this server's address.
        target = Path(self.translate_path(self.path))
        if not target.is_file():
            self.send_error(404)
            return
        text = target.read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", text)
        if locations:
            site_root = min(locations, key=len)
            text = text.replace(f"<loc>{site_root}", f"<loc>http://{self.headers['Host']}/")
        self._send_text(text.encode("utf-8"), "application/xml")

    def send_error(self, code, message=None, explain=None):
        not_found_page = Path(self.directory) / "404.html"
        if code != 404 or self.command not in ("GET", "HEAD") or not not_found_page.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that leaves a page drops connections mid-response; that is not a server error.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_directory(directory: Path, rebase_sitemap: bool = True, compress: bool = False):
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL.

    With ``rebase_sitemap`` the site's sitemap.xml names pages at this server's address,
    as it does once deployed, so that Material's instant navigation works as it will there.
    With ``compress`` text files go gzip-compressed, as GitHub Pages sends them (for measurements).
    """
    handler_class = type("SiteHandler", (_QuietHandler,), {"rebase_sitemap": rebase_sitemap, "compress": compress})
    handler = functools.partial(handler_class, directory=str(directory))
    server = _QuietServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()

