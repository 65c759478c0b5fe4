"""What makes reading pleasant: no third-party requests, Chinese typography, copy links, back to
top, a helpful 404 page, and link previews (title, description, Open Graph) for shared pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from llminfra.domain.model import SourceKind
from llminfra.domain.urls import page_url

pytestmark = pytest.mark.browser

PAGES = ["", "tags/vllm/", "archive/2025/", "series/", "share/", "notes/2026-06-22-jay/"]


@pytest.mark.parametrize("path", PAGES, ids=[path or "home" for path in PAGES])
def test_pages_load_nothing_from_other_hosts(reader, path):
    """System CJK fonts only (no Google Fonts), no GitHub API calls, no analytics: 127.0.0.1 only."""
    reader.open(path)
    reader.page.wait_for_load_state("networkidle")
    assert reader.log.external_requests == []
    assert not [url for url in reader.log.urls() if "fonts.g" in url]
    family = reader.page.evaluate("() => getComputedStyle(document.querySelector('.md-typeset')).fontFamily")
    assert "PingFang SC" in family and "Noto Sans CJK SC" in family and "Roboto" not in family.split(",")[0]
    reader.assert_clean()


def test_chinese_text_has_a_readable_measure_and_spacing(reader, catalog):
    entry = max(catalog.by_kind(SourceKind.SHARE), key=lambda e: len(e.summary))
    reader.open(f"share/#{entry.anchor}")
    paragraph = reader.page.locator(f"[id='{entry.anchor}'] ~ p").first
    metrics = paragraph.evaluate("""p => {
        const style = getComputedStyle(p);
        return {width: p.getBoundingClientRect().width, size: parseFloat(style.fontSize),
                line: parseFloat(style.lineHeight)};
    }""")
    characters_per_line = metrics["width"] / metrics["size"]  # a CJK character is one em wide
    assert 25 <= characters_per_line <= 42, metrics
    assert metrics["line"] / metrics["size"] >= 1.7, metrics
    assert metrics["size"] >= 14, metrics


def first_share_entry(catalog):
    return catalog.by_kind(SourceKind.SHARE)[0]


def test_copy_link_copies_the_entry_address(open_reader, catalog):
    entry = first_share_entry(catalog)
    reader = open_reader(permissions=["clipboard-read", "clipboard-write"])
    # Arriving from a search leaves ?h=… in the address; the copied link must not carry it.
    reader.open(f"share/?h=%E6%98%BE%E5%AD%98#{entry.anchor}")
    button = reader.page.locator(f".llm-copy-link[data-anchor='{entry.anchor}']")
    button.click()
    expect(button).to_have_text("已复制")
    copied = reader.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == reader.url(f"share/#{entry.anchor}")
    expect(button).to_have_text("复制链接", timeout=4000)
    reader.assert_clean()


def test_copy_link_offers_the_address_when_there_is_no_clipboard(open_reader, catalog):
    entry = first_share_entry(catalog)
    reader = open_reader()
    reader.page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    prompts = []

    def answer(dialog):
        prompts.append((dialog.type, dialog.message, dialog.default_value))
        dialog.dismiss()

    reader.page.on("dialog", answer)
    reader.open("share/")
    reader.page.locator(f".llm-copy-link[data-anchor='{entry.anchor}']").click()
    reader.page.wait_for_timeout(200)
    assert prompts == [("prompt", "复制本条链接：", reader.url(f"share/#{entry.anchor}"))]


def test_back_to_top_button_returns_to_the_top(reader):
    page = reader.page
    reader.open("share/")
    page.mouse.move(640, 450)
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -300)  # Material shows the button when the reader scrolls back up
    button = page.locator(".md-top")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_function("() => window.scrollY === 0")
    reader.assert_clean()


def test_missing_page_shows_a_helpful_404(reader):
    response = reader.open("no/such/page/")
    assert response.status == 404
    page = reader.page
    assert "页面不存在" in page.title()
    expect(page.locator("article h1")).to_contain_text("页面不存在")
    text = page.locator("article").inner_text()
    assert "搜索" in text and "/" in text
    for name, path in (("回到首页", ""), ("全部标签", "tags/"), ("归档", "archive/")):
        # Resolved from /no/such/page/: links must be written from the site root.
        assert page.locator("article a", has_text=name).evaluate("a => a.href") == reader.url(path)
    page.locator("article a", has_text="全部标签").click()
    reader.wait_for_path("tags/")
    expect(page.locator("article h1")).to_contain_text("标签")
    # Only the missing page itself may have failed.
    assert all("no/such/page" in problem for problem in reader.log.problems()), reader.log.problems()


def head_meta(reader) -> dict:
    return reader.page.evaluate("""() => {
        const value = selector => (document.head.querySelector(selector) || {}).content || null;
        return {
            title: document.title,
            description: value('meta[name="description"]'),
            canonical: (document.head.querySelector('link[rel="canonical"]') || {}).href || null,
            og_title: value('meta[property="og:title"]'), og_description: value('meta[property="og:description"]'),
            og_url: value('meta[property="og:url"]'), og_type: value('meta[property="og:type"]'),
            og_locale: value('meta[property="og:locale"]'), twitter_card: value('meta[name="twitter:card"]'),
            twitter_title: value('meta[name="twitter:title"]'),
        };
    }""")


def test_tag_and_month_pages_have_title_description_and_link_previews(reader, catalog):
    tag = catalog.tags["vllm"]
    year = catalog.months[0].year
    for path, title in ((page_url(f"tags/{tag.slug}/index.md"), f"标签：{tag.name}"),
                        (page_url(f"archive/{year}/index.md"), f"{year} 年")):
        reader.open(path)
        meta = head_meta(reader)
        assert meta["title"].startswith(title), meta
        assert meta["description"] and (tag.name in meta["description"] or title in meta["description"])
        assert meta["og_title"] == meta["twitter_title"] == title
        assert meta["og_description"] == meta["description"]
        assert meta["og_url"] == meta["canonical"] and meta["og_url"].endswith("/" + path), meta
        assert re.match(r"https?://", meta["og_url"])
        assert (meta["og_type"], meta["og_locale"], meta["twitter_card"]) == ("article", "zh_CN", "summary")


def test_home_page_link_preview_uses_the_site_name(reader):
    reader.open("")
    meta = head_meta(reader)
    assert meta["og_type"] == "website" and meta["og_locale"] == "zh_CN"
    assert meta["og_title"] == "大模型基础设施工程 · 阅读站"
    assert meta["og_description"] == meta["description"]
