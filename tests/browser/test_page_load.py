"""What a page load costs the reader beyond the theme: one sitemap request, nothing of ours blocking render."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

READER_PAGES = ["", "tags/vllm/", "archive/2025/", "listen/"]


@pytest.mark.parametrize("path", READER_PAGES, ids=[path or "home" for path in READER_PAGES])
def test_a_page_load_fetches_at_most_one_sitemap(reader, path):
    """Material fetches a sitemap next to every link[rel=alternate]; the feed links must not count."""
    requested: list[str] = []
    reader.page.on("request", lambda request: requested.append(request.url))
    reader.open(path)
    reader.page.wait_for_load_state("networkidle")
    sitemaps = [url for url in requested if url.split("?")[0].endswith("sitemap.xml")]
    assert len(sitemaps) <= 1, sitemaps
    feeds = reader.page.evaluate("() => [...document.querySelectorAll('link[type*=\"xml\"], link[type*=\"json\"]')]"
                                 ".map(link => link.rel)")
    assert feeds and all("alternate" in rel.split() for rel in feeds), feeds  # still discoverable by feed readers


@pytest.mark.parametrize("path", READER_PAGES, ids=[path or "home" for path in READER_PAGES])
def test_our_scripts_never_block_the_first_paint(reader, path):
    reader.open(path)
    blocking = reader.page.evaluate("""() => [...document.querySelectorAll('script[src*="llminfra"]')]
        .filter(script => !script.defer && !script.async).map(script => script.src)""")
    assert not blocking, blocking
