"""Our search worker (docs/assets/javascripts/workers/llminfra-search.js), run in Node on an index of
publish/search_shards.py: Material's messages answered from a few fetched files, exact matches first."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import ROOT

from llminfra.publish.search_shards import ShardedIndex

WORKER = ROOT / "docs/assets/javascripts/workers/llminfra-search.js"
HARNESS = ROOT / "tests/search_worker_harness.js"
SETUP, READY, QUERY, RESULT = 0, 1, 2, 3

ENTRIES = [
    {"location": "share/", "title": "好文分享", "text": "<p>列表</p>"},
    {"location": "share/#a-1", "title": "流水线并行调度", "text": "<p>一种基于的零气泡流水线调度 &amp; PD分离</p>"},
    {"location": "share/#a-2", "title": "气泡与零拷贝", "text": "<p>零拷贝减少气泡</p>"},
    {"location": "notes/", "title": "笔记", "text": ""},
    {"location": "notes/#n-1", "title": "vLLM KV cache 管理", "text": "<p>显存管理与 KV cache 池化</p>"},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed to run the search worker script (apt-get install nodejs)")
    site = tmp_path_factory.mktemp("site")
    index = ShardedIndex()
    for entry in ENTRIES:
        index.add(entry)
    stub = json.loads(index.write(site / "search", {"lang": ["zh"], "separator": "[\\s]+"}))
    return site, stub


def run(site, queries: list[str], suggest: bool = True) -> list[dict]:
    directory, stub = site
    messages = [{"type": SETUP, "data": {**stub, "options": {"suggest": suggest}}}]
    messages += [{"type": QUERY, "data": query} for query in queries]
    result = subprocess.run(["node", str(HARNESS), str(WORKER), str(directory)], input=json.dumps(messages),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out[0]["answer"] == {"type": READY} and out[0]["fetched"] == []  # nothing fetched before a query
    return out[1:]


def locations(answer: dict) -> list[str]:
    return [item["location"] for group in answer["answer"]["data"]["items"] for item in group]


def test_a_chinese_term_split_differently_in_the_text_is_found_verbatim_first(site):
    零气泡, = run(site, ["零气泡"])
    # share/#a-2 holds every character (零, 气, 泡) but not the term: after the exact match.
    assert locations(零气泡) == ["share/#a-1", "share/", "share/#a-2", "share/"]
    first = 零气泡["answer"]["data"]["items"][0][0]
    assert "<mark>零气泡</mark>" in first["text"] and first["terms"] == {"零气泡": True}
    assert 零气泡["answer"]["data"]["items"][0][1]["score"] == 0  # the page's article, as Material adds it
    # Only shards and the chunks of the documents shown, each with the index's version.
    version = site[1]["config"]["llminfra"]["version"]
    assert all(path.startswith(("search/llminfra/s/", "search/llminfra/d/")) and path.endswith(f"?v={version}")
               for path in 零气泡["fetched"])


def test_latin_words_are_prefixes_glued_or_not_and_excluded_words_leave_results_out(site):
    pd, cache, excluded, nothing = run(site, ["PD分离", "KV cach", "气泡 -零拷贝", "鳄鱼火锅"])
    assert locations(pd)[0] == "share/#a-1"
    assert locations(cache) == ["notes/#n-1", "notes/"]
    assert cache["answer"]["data"]["suggest"] == ["cache"]
    assert "<mark>KV</mark>" in cache["answer"]["data"]["items"][0][0]["title"]
    assert "share/#a-2" not in locations(excluded) and "share/#a-1" in locations(excluded)
    assert nothing["answer"]["data"]["items"] == []


def test_marks_never_break_markup_or_entities(site):
    amp, = run(site, ["amp 调度"])
    assert amp["answer"]["data"]["items"] == []  # "&amp;" is "&" to a reader
    p, = run(site, ["p 调度"])
    text = p["answer"]["data"]["items"][0][0]["text"] if p["answer"]["data"]["items"] else "<p>"
    assert "<<mark>" not in text and "<mark>p</mark>>" not in text
