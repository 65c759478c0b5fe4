"""Our search worker (docs/assets/javascripts/workers/llminfra-search.js) around Material's own, run in Node.

A frozen index of a few entries, set up and queried through the worker's messages as the page sends them
(tests/search_worker_harness.js): what Material receives as the query, what it finds, in which order.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import material
import pytest
from conftest import ROOT
from mkdocs.config import load_config

WORKER = ROOT / "docs/assets/javascripts/workers/llminfra-search.js"
HARNESS = ROOT / "tests/search_worker_harness.js"
MATERIAL_WORKERS = Path(material.__file__).parent / "templates/assets/javascripts/workers"
SETUP, READY, QUERY, RESULT = range(4)

DOCS = [
    {"location": "share/", "title": "好文分享", "text": "<p>按月整理</p>"},
    {"location": "share/#a-1", "title": "DualPipe 的零气泡流水", "text": "<p>双向流水线调度，做到零气泡。</p>"},
    {"location": "share/#a-2", "title": "气泡与零和博弈", "text": "<p>零和游戏里的泡沫</p>"},
    {"location": "series/", "title": "系列", "text": ""},
    {"location": "series/#b-1", "title": "Reranker（重排序）实践", "text": "<p>检索之后重排序</p>"},
    {"location": "series/#b-2", "title": "排序的重要性", "text": "<p>重新排序召回结果</p>"},
    {"location": "notes/", "title": "笔记", "text": ""},
    {"location": "notes/#c-1", "title": "PD分离与KV cache", "text": "<p>在 vLLM 上部署预填充与解码分离</p>"},
]


def site_search_config() -> dict:
    search = load_config(str(ROOT / "mkdocs.yml")).plugins["material/search"].config  # as MkDocs reads it
    return {"lang": ["zh"], "separator": search.separator, "pipeline": ["stemmer"],
            "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000000.0}}}


@pytest.fixture(scope="module")
def run_queries():
    node = shutil.which("node")
    assert node, "Node.js is needed to run the search worker's tests"

    def run(*queries: str) -> list[dict]:
        messages = [{"type": SETUP, "data": {"config": site_search_config(), "docs": DOCS,
                                             "options": {"suggest": True}}}]
        messages += [{"type": QUERY, "data": query} for query in queries]
        result = subprocess.run([node, str(HARNESS), str(WORKER), str(MATERIAL_WORKERS)],
                                input=json.dumps(messages), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        answers = json.loads(result.stdout)
        assert answers[0]["answer"]["type"] == READY
        assert all(a["answer"]["type"] == RESULT for a in answers[1:])
        return answers[1:]

    return run


def found(answer: dict) -> list[str]:
    """Result locations in the order the result list shows them (sections; each page's article skipped)."""
    return [item["location"] for group in answer["answer"]["data"]["items"] for item in group
            if "#" in item["location"]]


def test_a_chinese_query_becomes_required_characters_and_exact_matches_rank_first(run_queries):
    bubble, rerank, single = run_queries("零气泡", "重排序", "零")
    assert bubble["sent"] == "+零 +气 +泡"
    # a-2 holds all three characters, apart: found, but after the entry that holds the term.
    assert found(bubble) == ["share/#a-1", "share/#a-2"]
    assert rerank["sent"] == "+重 +排 +序"
    assert found(rerank) == ["series/#b-1", "series/#b-2"]
    assert set(found(single)) == {"share/#a-1", "share/#a-2"}


def test_every_group_keeps_material_s_shape_a_page_article_with_its_sections(run_queries):
    (bubble,) = run_queries("零气泡")
    groups = bubble["answer"]["data"]["items"]
    # share/ holds an exact and a partial match: it is listed twice, each time under its article.
    assert [[item["location"] for item in group] for group in groups] == [["share/#a-1", "share/"],
                                                                         ["share/#a-2", "share/"]]
    assert all(item["score"] > 0 for group in groups for item in group if "#" in item["location"])


def test_the_characters_of_a_match_are_highlighted(run_queries):
    (bubble,) = run_queries("零气泡")
    first = bubble["answer"]["data"]["items"][0][0]
    assert all(f"<mark>{char}</mark>" in first["title"] for char in "零气泡")


def test_latin_and_mixed_queries_keep_material_s_handling(run_queries):
    mixed, latin, quoted, lower = run_queries("PD分离", "vLLM", '"KV cache"', "kv")
    assert mixed["sent"] == "PD +分 +离"
    assert found(mixed)[0] == "notes/#c-1"
    assert latin["sent"] == "vLLM" and found(latin) == ["notes/#c-1"]
    # Quoted words are required (as in Material); English ones as prefixes, which Material's exact
    # required term "+cache" (stemmed to "cach" on the query side only) would never match.
    assert quoted["sent"].split() == ["+KV*", "+cache*"] and found(quoted) == ["notes/#c-1"]
    assert found(lower) == ["notes/#c-1"]


def test_quoted_and_required_mixed_terms(run_queries):
    mixed, quoted = run_queries("+KV分离", '"零气泡 流水"')
    assert mixed["sent"].split() == ["+KV*", "+分", "+离"] and found(mixed) == ["notes/#c-1"]
    assert quoted["sent"].split() == ["+零", "+气", "+泡", "+流", "+水"] and found(quoted) == ["share/#a-1"]


def test_an_excluded_chinese_term_drops_the_entries_that_hold_it_whole(run_queries):
    (answer,) = run_queries("排序 -重排序")
    assert answer["sent"].split() == ["+排", "+序"]
    # b-1 holds 重排序; b-2 holds 重, 排 and 序 but not the excluded term, and stays.
    assert found(answer) == ["series/#b-2"]
