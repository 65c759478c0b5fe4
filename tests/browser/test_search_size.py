"""What a first Chinese query fetches stays small however large the site: a synthetic site of 2,000 entries.

A size bound, not a time bound: the bytes of search data the page fetched, from its load to the first
query's results on screen (the sharded index: publish/search_shards.py; the worker:
docs/assets/javascripts/workers/llminfra-search.js).
"""

from __future__ import annotations

import pytest
from conftest import build_synthetic_site

from browser.conftest import new_reader

pytestmark = pytest.mark.browser

FIRST_QUERY_BYTES = 300_000  # issue 23: at most 300 KB of search data for the first query
SHARD_FILE_BYTES = 40_000  # no file of the index is large


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    _, site = build_synthetic_site(tmp_path_factory.mktemp("search-size"), 2000)
    return site


def test_the_first_chinese_query_fetches_a_small_part_of_the_index(chromium, large_site):
    from browser_support import serve_directory

    index_files = sorted((large_site / "search").rglob("*.json"))
    whole_index = sum(path.stat().st_size for path in index_files)
    assert max(path.stat().st_size for path in index_files) < SHARD_FILE_BYTES
    with serve_directory(large_site) as base:
        reader = new_reader(chromium, base)
        fetched = []
        reader.page.on("requestfinished", lambda request: "/search/" in request.url and fetched.append(request))
        reader.open("")
        hits = reader.search("显存管理")
        assert hits and any("显存管理" in hit.text for hit in hits[:3])
        sizes = [request.sizes()["responseBodySize"] for request in fetched]
        reader.assert_clean()
        reader.page.context.close()
    assert sum(sizes) <= FIRST_QUERY_BYTES, f"{sum(sizes)} bytes in {len(sizes)} files"
    assert sum(sizes) < whole_index / 10, f"{sum(sizes)} of {whole_index} bytes"
