"""Search through Material's real search UI: Chinese words inside sentences, English terms, mixed terms."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from search_queries import query_set, searchable_text

from browser.conftest import new_reader
from browser.reader import SEARCH_INPUT, SEARCH_NO_RESULTS
from llminfra.domain.model import Entry
from llminfra.domain.urls import page_url

pytestmark = pytest.mark.browser

# (query, a fragment of the title of an entry the query must find). The comment says where the
# query occurs in that entry: the hard cases are words inside Chinese sentences and terms glued
# to Chinese characters without a space.
SEARCHES = [
    ("显存", "阿里云秘密武器亮相顶会"),  # summary: "结合组件复用、显存管理与KV缓存同步"
    ("调度", "GPU虚拟内存与线程束调度技术分析"),  # title: "线程束调度技术"
    ("投机解码", "腾讯自研 FastMTP"),  # summary: "一种基于投机解码的高效LLM推理加速框架"
    ("PD分离", "性能暴涨50%:PD分离KV cache"),  # Latin glued to Chinese, in the title
    ("KV cache", "KV cache池化传输会比重算更快吗"),  # two English words glued to Chinese
    ("vLLM", "拆解vLLM DP技术栈"),  # English glued to Chinese
    ("昇腾", "面向昇腾处理器"),  # title: "面向昇腾处理器的高性能同步原语"
    ("FlashAttention", "不会 CUDA 也能轻松看懂的 FlashAttention"),
    ("超节点", "UB-Mesh超节点互联架构"),  # glued to Latin on the left
    ("强化学习", "字节 RhythmRL"),  # summary: "双机制加速大模型强化学习（RL）的Rollout"
    ("结构化输出", "大语言模型结构化输出"),
    ("TileLang", "国产算子编程语言TileLang"),  # glued to Chinese on the left
    ("算子融合", "不会 CUDA 也能轻松看懂的 FlashAttention"),  # summary: "进而通过算子融合与计算重排"
    ("MoE", "MoE 训练工程"),  # a series article
    ("CUDA OOM", "vLLM CUDA OOM 错误处理"),  # a screening-note entry
]


def entry_titled(catalog, fragment: str) -> Entry:
    matches = [entry for entry in catalog.entries if fragment in entry.title]
    assert len(matches) == 1, f"{fragment!r} should name exactly one entry, found {len(matches)}"
    return matches[0]


@pytest.fixture(scope="module")
def searching_reader(chromium, site_url):
    """One tab for all queries, searching from wherever the previous result left it, as a reader does."""
    reader = new_reader(chromium, site_url)
    reader.open("")
    yield reader
    reader.page.context.close()


@pytest.mark.parametrize("query, title", SEARCHES, ids=[query for query, _ in SEARCHES])
def test_search_finds_the_entry_and_the_result_opens_it(searching_reader, catalog, query, title):
    reader = searching_reader
    reader.log.clear()
    entry = entry_titled(catalog, title)
    hits = reader.search(query)

    found = [hit for hit in hits if hit.anchor == entry.anchor]
    assert found, f"{query!r} did not find {entry.title!r}; results: {[hit.title for hit in hits]}"
    assert found[0].path == page_url(entry.page)
    # The index separates Chinese words with U+200B; readers must never see it.
    assert not [hit.title for hit in hits if "\u200b" in hit.title + hit.text]

    reader.follow(found[0])
    reader.expect_entry_shown(entry.anchor)
    reader.assert_clean()


def test_a_query_that_matches_nothing_says_so(reader):
    reader.open("")
    hits = reader.search("鳄鱼火锅 zyzzyvaqq")
    assert hits == []
    assert reader.search_meta() == SEARCH_NO_RESULTS
    reader.assert_clean()


def test_a_pasted_query_searches_without_any_key_press(reader, catalog):
    """Pasting from a phone's menu changes the box without a keyup, which Material alone ignores."""
    entry = entry_titled(catalog, "国产算子编程语言TileLang")
    reader.open("")
    reader.open_search()
    reader.page.keyboard.insert_text("TileLang")  # one input event, no key events: a paste
    hits = reader.search_results()
    assert entry.anchor in [hit.anchor for hit in hits]


def test_keyboard_slash_and_s_open_search_and_arrows_pick_a_result(reader):
    page = reader.page
    search_box = page.locator(SEARCH_INPUT)
    search_open = "() => document.getElementById('__search').checked"
    reader.open("")
    for key in ("/", "s"):
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press(key)
        expect(search_box).to_be_focused()
        page.wait_for_function(search_open)
        assert search_box.input_value() == "", f"{key!r} was typed into the box instead of opening search"
        if key == "/":
            page.keyboard.press("Escape")
            page.wait_for_function(f"() => !({search_open})()")
            expect(search_box).not_to_be_focused()

    reader.type_query("TileLang")
    hits = reader.search_results()
    page.keyboard.press("ArrowDown")
    selected = page.locator(".md-search-result__list a.md-search-result__link:focus")
    expect(selected).to_have_count(1)
    page.keyboard.press("Enter")
    reader.wait_for_path(hits[0].path)
    reader.assert_clean()


def test_home_page_tells_readers_the_search_shortcut(reader):
    reader.open("")
    hint = reader.page.locator(".llm-hint")
    assert "/" in hint.inner_text() and "搜索" in hint.inner_text()


# -- every Chinese term findable ----------------------------------------------------------------


def test_every_chinese_term_of_the_query_set_finds_its_entry_exact_matches_first(searching_reader, catalog):
    """The query set (tests/search_queries.py): taxonomy terms and compounds jieba splits in running text,
    from all three sources. 100% must find their entry, and no result that holds only part of the term
    may rank above one that holds all of it."""
    queries = query_set(catalog)
    assert len(queries) >= 50
    assert {entry_kind for entry_kind in (str(q.entry.kind.value) for q in queries)} == {"share", "series", "note"}
    assert sum(q.kind == "compound" for q in queries) >= 20
    text_of = {entry.anchor: searchable_text(entry) for entry in catalog.entries}
    reader = searching_reader
    misses, misranked = [], []
    for query in queries:
        hits = reader.search(query.term)
        anchors = [hit.anchor for hit in hits if hit.anchor in text_of]
        if query.entry.anchor not in anchors:
            misses.append(f"{query.term} ({query.kind}) -> {query.entry.title!r}; got {[h.title for h in hits][:5]}")
        holds = [query.term in text_of[anchor] for anchor in anchors]
        if True in holds and False in holds[:len(holds) - holds[::-1].index(True)]:
            misranked.append(f"{query.term}: {list(zip(anchors, holds))}")
    found = len(queries) - len(misses)
    print(f"query set: {found}/{len(queries)} found")
    assert not misses, f"{found}/{len(queries)} found; missed:\n" + "\n".join(misses)
    assert not misranked, "partial matches ranked above exact ones:\n" + "\n".join(misranked)
