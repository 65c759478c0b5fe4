"""The local server that tests, screenshots and benchmarks read the built site from (tests/browser_support.py)."""

from __future__ import annotations

import gzip
import urllib.request

from browser_support import serve_directory


def fetch(url: str, gzip_ok: bool) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (127.0.0.1)
        return response.status, dict(response.headers), response.read()


def test_text_is_gzip_compressed_as_github_pages_sends_it_only_when_asked(tmp_path):
    page = "<!doctype html><title>页</title>" + "x" * 2000
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "clip.mp3").write_bytes(b"ID3" + bytes(500))
    with serve_directory(tmp_path, compress=True) as base:
        status, headers, body = fetch(base, gzip_ok=True)
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body).decode("utf-8") == page and int(headers["Content-Length"]) == len(body)
        _, headers, body = fetch(base, gzip_ok=False)  # a client that cannot read gzip gets the file
        assert "Content-Encoding" not in headers and body.decode("utf-8") == page
        _, headers, body = fetch(base + "clip.mp3", gzip_ok=True)  # audio goes as it is
        assert "Content-Encoding" not in headers and body == b"ID3" + bytes(500)
    with serve_directory(tmp_path) as base:  # the tests' default: files as they are
        _, headers, body = fetch(base, gzip_ok=True)
        assert "Content-Encoding" not in headers and body.decode("utf-8") == page


def test_the_rebased_sitemap_is_compressed_too(tmp_path):
    (tmp_path / "sitemap.xml").write_text("<urlset><url><loc>https://example.org/</loc></url>"
                                          "<url><loc>https://example.org/tags/</loc></url></urlset>", encoding="utf-8")
    with serve_directory(tmp_path, compress=True) as base:
        _, headers, body = fetch(base + "sitemap.xml", gzip_ok=True)
        assert headers["Content-Encoding"] == "gzip"
        assert f"<loc>{base}tags/</loc>" in gzip.decompress(body).decode("utf-8")
