"""A site of 1,000 synthetic entries: long sources split into parts, paged listings, nothing lost or broken.

The benchmark (bench/run.py) measures sizes and times at 10,000 entries; these
tests check, on a build small enough for the suite, the structure that keeps
those figures down.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from conftest import build_synthetic_site
from site_checks import internal_link_problems

from llminfra.domain.layout import SiteLayout
from llminfra.domain.site_plan import LISTEN_PAGE_SIZE, YEAR_FULL_ITEMS, PageKind, plan_site
from llminfra.domain.urls import page_url
from llminfra.mkdocs_adapter.page_output import compact_html
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.loading import build_catalog

PAGE_LIMIT = 300_000


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    project, site = build_synthetic_site(tmp_path_factory.mktemp("large"), 1000)
    return project, site, build_catalog(SiteLayout(project))


def html_of(site: Path, src_uri: str) -> str:
    return (site / page_url(src_uri) / "index.html").read_text(encoding="utf-8")


def test_every_entry_is_on_exactly_one_page_and_every_link_resolves(large):
    _, site, catalog = large
    anchors: dict[str, int] = {}
    for page in site.rglob("*.html"):
        for anchor in re.findall(r'<h[23] id="([asn]-[^"]+)"', page.read_text(encoding="utf-8")):
            anchors[anchor] = anchors.get(anchor, 0) + 1
    for entry in catalog.entries:
        assert f'id="{entry.anchor}"' in html_of(site, entry.page), entry.anchor
    assert all(anchors[e.anchor] == 1 for e in catalog.entries)
    assert internal_link_problems(site) == []


def test_long_share_lists_are_split_into_parts_that_link_to_each_other(large):
    _, site, catalog = large
    split = [parts for parts in catalog.parts.values() if len(parts) > 1]
    assert split
    for parts in split:
        top = next(p for p in parts if p.is_top)
        top_html = html_of(site, top.page)
        listing = top_html[top_html.index('class="llm-parts__all"'):]
        for part in parts:
            html = html_of(site, part.page)
            assert html.count('class="llm-pager llm-parts"') == (1 if part.is_top else 2)
            assert all(f'id="{e.anchor}"' in html for e in part.entries)
            if not part.is_top:
                assert page_url(part.page).removeprefix(page_url(top.page)) in listing
                assert re.search(r"<h1[^>]*>[^<]*（", html)  # the title says which part


def test_older_parts_stay_out_of_the_navigation(large):
    _, site, catalog = large
    older = {page_url(part.page) for part in catalog.older_parts}
    assert older
    for part in catalog.older_parts[:20]:
        html = html_of(site, part.page)
        nav = html[html.index("md-nav--primary"): html.index("md-sidebar--secondary")]
        here = page_url(part.page)
        linked = {posixpath.normpath(posixpath.join(here, href)) + "/"
                  for href in re.findall(r'<a href="([^"#]+)" class="md-nav__link', nav)}
        assert not linked & older, part.page


def test_listen_pages_hold_every_episode_once(large):
    _, site, catalog = large
    episodes = sum(len(e.audio) for e in catalog.entries)
    pages = [site / "listen/index.html", *sorted((site / "listen").glob("*/index.html"))]
    assert len(pages) == -(-episodes // LISTEN_PAGE_SIZE) > 1
    ids = [i for page in pages for i in re.findall(r'id="audio-([^"]+)"', page.read_text(encoding="utf-8"))]
    assert len(ids) == len(set(ids)) == episodes


def test_archive_has_a_page_per_year_with_every_month(large):
    _, site, catalog = large
    years = {month.year for month in catalog.months}
    for year in years:
        html = (site / f"archive/{year}/index.html").read_text(encoding="utf-8")
        months = [m for m in catalog.months if m.year == year]
        assert [f"m-{m.key}" for m in months] == re.findall(r'<h2 id="(m-\d{4}-\d{2})"', html)
        total = sum(len(m.entries) for m in months)
        if total > YEAR_FULL_ITEMS:
            assert 'class="llm-item__excerpt"' not in html and html.count("<li>") >= total
        else:
            assert html.count('<li class="llm-item ') == total


def test_no_page_is_over_300_kb(large):
    _, site, _ = large
    sizes = {page.relative_to(site).as_posix(): page.stat().st_size for page in site.rglob("*.html")}
    assert not {page: size for page, size in sizes.items() if size > PAGE_LIMIT}


def test_pages_average_at_most_100_kb_and_parts_hold_at_most_40_entries(large):
    """Page weight grows with entries only through pagination: a part holds one month of the real list."""
    _, site, catalog = large
    sizes = [page.stat().st_size for page in site.rglob("*.html")]
    assert sum(sizes) / len(sizes) <= 100 * 1024
    assert catalog.older_parts and all(len(part.entries) <= 40 for part in catalog.older_parts)


def test_the_build_generates_exactly_the_pages_of_the_site_plan(large):
    """The hooks, ``check`` and ``export`` share one plan: the built site holds each planned page, and no other
    page than the plan's and those written in docs/."""
    project, site, catalog = large
    layout = SiteLayout(project)
    planned = {page.src_uri for page in plan_site(catalog, layout).pages}
    written = {path.relative_to(layout.docs_path).as_posix() for path in layout.docs_path.rglob("*.md")}
    built = {path.relative_to(site).as_posix() for path in site.rglob("index.html")}
    assert planned and not planned & written
    assert {f"{page_url(src)}index.html" for src in planned | written} == built


def test_listing_pages_show_their_body_after_the_title(large):
    """Each listing body, rendered from the plan, is what its page template shows right after the page title."""
    project, site, catalog = large
    layout = SiteLayout(project)
    plan = plan_site(catalog, layout)
    renderer = SiteRenderer(catalog, plan, project / "overrides")
    kinds = {page.kind: page for page in plan.pages}
    assert set(kinds) == set(PageKind)
    for page in kinds.values():
        html = html_of(site, page.src_uri)
        after_title = html.split("</h1>", 1)[1]
        if page.is_listing:
            assert after_title.startswith("\n" + compact_html(renderer.listing_body(page))[:300]), page.kind
        else:
            assert 'class="llm-pager llm-parts"' in after_title[:400]
