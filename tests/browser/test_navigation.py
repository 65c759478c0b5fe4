"""Moving around the site by clicking: tags, archive months, the series, the home page's links."""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from browser.reader import site_path
from llminfra.domain.model import SourceKind
from llminfra.domain.urls import month_location, page_url, tag_page, year_page

pytestmark = pytest.mark.browser


def test_tag_chip_leads_to_the_tag_page_and_back_to_the_entry(reader, catalog):
    entry = next(e for e in catalog.by_kind(SourceKind.SHARE) if e.tags)
    slug = entry.tags[0]
    entry_page = page_url(entry.page)
    reader.open(f"{entry_page}#{entry.anchor}")

    reader.page.locator(f"[id='{entry.anchor}'] + .llm-entry-meta .llm-tags > a").first.click()
    reader.wait_for_path(page_url(tag_page(slug)))
    expect(reader.page.locator("article h1")).to_contain_text(f"标签：{catalog.tags[slug].name}")

    reader.page.locator(f"a.llm-item__title[href$='#{entry.anchor}']").click()
    reader.wait_for_path(entry_page, entry.anchor)
    reader.expect_entry_shown(entry.anchor)

    reader.page.go_back()
    reader.wait_for_path(page_url(tag_page(slug)))
    reader.assert_clean()


def test_tags_index_leads_to_a_tag_page(reader, catalog):
    tag = catalog.tags["vllm"]
    reader.open("tags/")
    reader.page.locator(f"ul.llm-tag-index a.llm-tag[href$='/{tag.slug}/']").click()
    reader.wait_for_path(page_url(tag_page(tag.slug)))
    expect(reader.page.locator("article h1")).to_contain_text(f"标签：{tag.name}")
    expect(reader.page.locator("ol.llm-list > li")).to_have_count(min(len(tag.entries), 50))
    reader.assert_clean()


def test_archive_leads_to_a_month_and_on_to_the_neighbouring_years(reader, catalog):
    month = next(m for m in catalog.months if m.year == 2025)
    page, anchor = month_location(month.key)
    year_path = page_url(page)
    reader.open("")
    reader.page.locator(".md-tabs__link[href$='archive/']").click()
    reader.wait_for_path("archive/")
    reader.page.locator("ul.llm-months a", has_text=month.label).click()
    reader.wait_for_path(year_path)
    expect(reader.page.locator("article h1")).to_contain_text(f"{month.year} 年")
    expect(reader.page.locator(f"[id='{anchor}']")).to_be_in_viewport()

    # The chart's bars link too (oldest month on the left).
    reader.page.go_back()
    reader.wait_for_path("archive/")
    bars = reader.page.locator(".llm-chart a")
    bars.nth(bars.count() - 1 - catalog.months.index(month)).click()
    reader.wait_for_path(year_path)
    expect(reader.page.locator(f"[id='{anchor}']")).to_be_in_viewport()

    reader.page.locator(".llm-month-nav a[rel='next']").click()
    reader.wait_for_path(page_url(year_page(month.year + 1)))
    reader.page.locator(".llm-month-nav a[rel='prev']").click()
    reader.wait_for_path(year_path)
    reader.assert_clean()


def test_series_entries_link_to_the_next_and_previous_article(reader, catalog):
    series = catalog.by_kind(SourceKind.SERIES)
    first, second, third = series[0], series[1], series[2]
    page = page_url(second.page)
    reader.open(f"{page}#{second.anchor}")

    reader.page.locator(f"[id='{second.anchor}'] + .llm-entry-meta a.llm-series-nav__next").click()
    reader.wait_for_path(page, third.anchor)
    reader.expect_entry_shown(third.anchor)

    reader.page.locator(f"[id='{third.anchor}'] + .llm-entry-meta a.llm-series-nav__prev").click()
    reader.wait_for_path(page, second.anchor)
    reader.page.locator(f"[id='{second.anchor}'] + .llm-entry-meta a.llm-series-nav__prev").click()
    reader.wait_for_path(page, first.anchor)
    reader.expect_entry_shown(first.anchor)
    reader.assert_clean()


def test_every_link_on_the_home_page_resolves(reader):
    reader.open("")
    hrefs = reader.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    local = sorted({href for href in hrefs if href.startswith(reader.base)})
    assert len(local) >= 30, local  # navigation, cards, popular tags, latest entries
    pages: dict[str, str] = {}
    broken = []
    for href in local:
        address = urljoin(href, urlsplit(href).path)
        if address not in pages:
            response = reader.page.request.get(address)
            pages[address] = response.text() if response.status == 200 else ""
            if response.status != 200:
                broken.append(f"{response.status} {address}")
        anchor = unquote(urlsplit(href).fragment)
        if anchor and pages[address] and f'id="{anchor}"' not in pages[address]:
            broken.append(f"no #{anchor} on {address}")
    assert not broken
    reader.assert_clean()


def test_instant_navigation_fetches_the_search_index_once_per_visit(reader, catalog):
    """Material's navigation.instant swaps page content in place: the index is loaded once, not per page."""
    page = reader.page
    reader.open("")
    steps = [
        (page.locator(".md-tabs__link", has_text="系列文章"), "series/"),
        (page.locator(".md-tabs__link", has_text="好文分享"), "share/"),
        (page.locator(".md-tabs__link", has_text="标签"), "tags/"),
        (page.locator("ul.llm-tag-index a.llm-tag[href$='/vllm/']"), "tags/vllm/"),
        (page.locator(".llm-item__title").first, None),
    ]
    visited = [reader.path]
    for link, path in steps:
        before = reader.path
        link.first.click()
        if path:
            reader.wait_for_path(path)
        else:
            page.wait_for_url(lambda url, before=before: site_path(url, reader.base) != before)
        page.wait_for_load_state("networkidle")
        visited.append(reader.path)
    assert len(set(visited)) >= 5, visited

    index_requests = [url for url in reader.log.urls() if url.endswith("search/search_index.json")]
    assert len(index_requests) == 1, index_requests
    documents = reader.log.urls("document")
    assert len(documents) == 1, f"full page loads instead of instant navigation: {documents}"
    reader.assert_clean()
