"""A phone-sized screen (375×812): nothing wider than the screen, menu and search reachable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from llminfra.domain.urls import page_url

pytestmark = pytest.mark.browser

NOTE_WITH_WIDE_TABLES = "notes/2026-06-22-jay/"


@pytest.mark.parametrize("path", ["", "tags/vllm/", "archive/2025/", NOTE_WITH_WIDE_TABLES, "notes/2026-06-17-jay/",
                                  "share/", "series/"])
def test_pages_fit_the_phone_screen(phone_reader, path):
    phone_reader.open(path)
    sizes = phone_reader.page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert sizes["inner"] == 375
    assert sizes["scroll"] <= sizes["inner"], f"{path or 'home'} scrolls sideways: {sizes}"
    phone_reader.assert_clean()


def test_wide_tables_scroll_inside_their_own_box(phone_reader):
    """A table too wide for the phone scrolls sideways in its own box; the page does not."""
    page = phone_reader.page
    phone_reader.open(NOTE_WITH_WIDE_TABLES)
    # The note's tables wrap to fit today; unbreakable cells (long identifiers, URLs, numbers)
    # are what makes a table wider than a phone, so give every cell that property.
    page.add_style_tag(content="article table th, article table td { white-space: nowrap; }")
    tables = page.evaluate("""() => [...document.querySelectorAll('article table')].map(table => {
        let box = table.parentElement;
        while (getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
        box.scrollLeft = 60;
        const bounds = box.getBoundingClientRect();
        return {table: table.scrollWidth, box: box.clientWidth, left: bounds.left, right: bounds.right,
                scrolled: box.scrollLeft, boxClass: box.className};
    })""")
    assert len(tables) >= 2
    for table in tables:
        assert table["table"] > 375, table
        assert "md-typeset__scrollwrap" in table["boxClass"] or "md-typeset__table" in table["boxClass"], table
        assert 0 <= table["left"] and table["right"] <= 375 and table["scrolled"] > 0, table
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_menu_drawer_opens_and_leads_somewhere(phone_reader):
    page = phone_reader.page
    phone_reader.open("")
    page.locator("label.md-header__button[for='__drawer']").click()
    drawer = page.locator(".md-sidebar--primary")
    expect(drawer).to_be_in_viewport()
    link = drawer.locator("a.md-nav__link[href$='tags/']").first
    expect(link).to_be_visible()
    link.click()
    phone_reader.wait_for_path("tags/")
    phone_reader.assert_clean()


@pytest.mark.parametrize("start", ["", "share/"], ids=["from-home", "from-the-entry-page"])
def test_search_opens_finds_and_lands_on_the_entry_on_a_phone(phone_reader, catalog, start):
    """Material locks scrolling while search is open on phones; the chosen entry must still be on screen."""
    entry = next(e for e in catalog.entries if "面向昇腾处理器" in e.title)
    phone_reader.open(start)
    expect(phone_reader.page.locator("label.md-header__button[for='__search']")).to_be_visible()
    hits = phone_reader.search("昇腾")
    hit = next(h for h in hits if h.anchor == entry.anchor)
    phone_reader.follow(hit)
    assert phone_reader.path == page_url(entry.page)
    phone_reader.page.wait_for_selector(f"[id='{entry.anchor}']", state="attached")
    phone_reader.expect_entry_shown(entry.anchor)
    assert phone_reader.page.evaluate("() => document.documentElement.scrollWidth") <= 375
    phone_reader.assert_clean()


def test_phone_listing_keeps_link_arrows_on_the_line_and_hides_keyboard_hints(phone_reader):
    phone_reader.open("tags/vllm/")
    # A listing's "+N" (the entry's further tags) must not break between its characters.
    line_counts = phone_reader.page.locator(".llm-tags__more").evaluate_all(
        "links => links.map(link => link.getClientRects().length)")
    assert line_counts and set(line_counts) == {1}, line_counts
    phone_reader.open("")
    expect(phone_reader.page.locator(".llm-hint")).to_be_hidden()  # no keyboard on a touch screen
