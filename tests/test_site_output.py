"""Keeping the built site small: long tables of contents, theme indentation, the search index."""

from __future__ import annotations

import re

import pytest
from conftest import build_synthetic_site
from mkdocs.structure.toc import AnchorLink, TableOfContents

from llminfra.mkdocs_adapter.page_output import (
    TOC_MAX_LINKS,
    compact_html,
    limit_toc,
    toc_link_count,
)
from llminfra.render.templates import LISTING_TAG_CHIPS


def toc(months: int, entries_per_month: int, titled: bool = True) -> TableOfContents:
    items = []
    for m in range(months):
        month = AnchorLink(f"month {m}", f"m-{m}", 2)
        month.children = [AnchorLink(f"entry {m}.{e}", f"a-{m}-{e}", 3) for e in range(entries_per_month)]
        items.append(month)
    if titled:
        title = AnchorLink("title", "title", 1)
        title.children = items
        items = [title]
    return TableOfContents(items)


def test_short_toc_is_left_alone():
    contents = toc(2, 10)
    limit_toc(contents)
    assert toc_link_count(contents) == 1 + 2 + 20


def test_long_toc_keeps_the_first_level_under_the_title():
    contents = toc(12, 12)
    limit_toc(contents)
    (title,) = list(contents)
    assert [m.id for m in title.children] == [f"m-{m}" for m in range(12)]
    assert all(m.children == [] for m in title.children)


def test_toc_too_long_even_at_the_first_level_keeps_only_the_title():
    contents = toc(TOC_MAX_LINKS + 1, 0)
    limit_toc(contents)
    assert [item.id for item in contents] == ["title"] and list(contents)[0].children == []
    untitled = toc(TOC_MAX_LINKS + 1, 0, titled=False)
    limit_toc(untitled)
    assert len(untitled) == 0


def test_compact_html_drops_indentation_but_not_where_whitespace_is_content():
    page = ('<div>\n      <p>一\n   二</p>\n    <pre><code>def f():\n    return 1\n</code></pre>\n'
            '  <textarea>\n  keep\n</textarea>\n  <script>\n  var x = 1;\n</script>\n  <code>a\n   b</code></div>')
    assert compact_html(page) == ('<div>\n<p>一\n二</p>\n<pre><code>def f():\n    return 1\n</code></pre>\n'
                                  '<textarea>\n  keep\n</textarea>\n<script>\n  var x = 1;\n</script>\n'
                                  '<code>a\n   b</code></div>')
    assert compact_html("<p>a b</p>") == "<p>a b</p>"


def test_built_site_index_and_pages_are_compact(built_site):
    docs = "".join(path.read_text(encoding="utf-8") for path in (built_site.path / "search/llminfra/d").glob("*.json"))
    assert "大模型" in docs and not re.search(r"\\u[0-9a-f]{4}", docs)  # UTF-8, not escapes
    html = built_site.page("tags/")
    outside_pre = re.sub(r"<pre\b.*?</pre>", "", html, flags=re.S)
    assert not re.search(r"\n[ \t]+<", outside_pre)


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory):
    # 130 entries: enough for one tag (the broad 推理, implied by narrower tags) to pass TAG_PAGE_SIZE.
    return build_synthetic_site(tmp_path_factory.mktemp("toc"), 130)[1]


def test_long_share_list_lists_only_its_months_in_the_toc(generated_site):
    checked = 0
    for page in sorted((generated_site / "share").glob("**/index.html")):
        html = page.read_text(encoding="utf-8")
        entries = re.findall(r'<h3 id="(a-[0-9a-f]{8})"', html)
        months = re.findall(r'<h2 id="(m-\d{4}-\d{2})"', html)
        if len(entries) + len(months) <= TOC_MAX_LINKS:
            continue
        checked += 1
        toc_html = html[html.index('class="md-nav md-nav--secondary"'):]
        toc_html = toc_html[: toc_html.index("</nav>")]
        assert [f"#{m}" for m in months] == re.findall(r'href="(#m-[^"]+)"', toc_html)
        assert "#a-" not in toc_html
        assert all(f'id="{anchor}"' in html for anchor in entries)  # the entries themselves are all there
    assert checked


def test_long_tags_list_one_line_per_entry_under_years_and_short_tags_full_items(generated_site):
    from llminfra.domain.site_plan import TAG_LINES_PAGE_SIZE, TAG_PAGE_SIZE, tag_page_count, tag_page_size

    assert tag_page_size(TAG_PAGE_SIZE) == TAG_PAGE_SIZE and tag_page_size(TAG_PAGE_SIZE + 1) == TAG_LINES_PAGE_SIZE
    assert tag_page_count(0) == 1 and tag_page_count(TAG_PAGE_SIZE + 1) == 1
    assert tag_page_count(TAG_LINES_PAGE_SIZE * 2 + 1) == 3
    counts = {}
    for page in (generated_site / "tags").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        total = int(re.search(r"共 (\d+) 个条目", html).group(1))
        counts[page.parent.name] = total
        items = html.count('<li class="llm-item ')
        blocks = re.findall(r'<ul class="llm-lines">(.*?)</ul>', html, re.S)
        lines = sum(block.count("<li>") for block in blocks)
        if total > TAG_PAGE_SIZE:
            assert items == 0 and lines == min(total, TAG_LINES_PAGE_SIZE), page
            years = re.findall(r'<h2 class="llm-group">(\d{4}) 年</h2>', html)
            assert len(years) == len(blocks) and years == sorted(years, reverse=True), page
            assert 'class="llm-item__excerpt"' not in html
        else:
            assert lines == 0 and items == total, page
            # The first few tags of each entry, and how many more its own page shows.
            for item in re.findall(r'<li class="llm-item .*?</li>', html, re.S):
                chips = re.search(r'<span class="llm-tags">(.*?)</span>', item).group(1)
                assert chips.count("<a ") <= LISTING_TAG_CHIPS + 1
    assert max(counts.values()) > TAG_PAGE_SIZE >= min(counts.values())


def test_long_nav_sections_keep_their_index_and_last_pages():
    from types import SimpleNamespace as Item

    from llminfra.mkdocs_adapter.nav import NAV_SECTION_LIMIT, trim_nav_sections

    index = Item(title="index", is_index=True)
    notes = [Item(title=f"note {n:03d}", is_index=False) for n in range(NAV_SECTION_LIMIT + 5)]
    short = [Item(title="a", is_index=False), Item(title="b", is_index=False)]
    nav = [Item(title="home", is_index=True), Item(title="notes", children=[index, *notes]),
           Item(title="series", children=list(short))]
    left_out = trim_nav_sections(nav)
    assert nav[1].children == [index, *notes[-NAV_SECTION_LIMIT:]]
    assert left_out == notes[:5]
    assert nav[2].children == short
