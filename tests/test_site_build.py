"""Integration: build the site (and small variants of it) and check the HTML."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import FROZEN, ROOT, SEEDS, copy_project, dated, run_mkdocs_build

from llminfra.domain.layout import SiteLayout
from llminfra.sources.loading import build_catalog

FIXTURES = ROOT / "tests/fixtures/bad"
ANCHOR = re.compile(r'<h[23] id="((?:a|s|n)-[^"]+)"')


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(SiteLayout(FROZEN))


@pytest.mark.content
def test_generated_pages_are_not_committed():
    for folder in ("tags", "archive"):
        assert not (ROOT / "docs" / folder).exists()
    assert not (ROOT / "docs/notes/index.md").exists()


def test_every_source_entry_is_rendered_exactly_once(built_site, catalog):
    rendered = []
    for page in ("share/", "series/", "notes/2026-06-22-jay/", "notes/2026-06-17-jay/"):
        rendered += [(page, anchor) for anchor in ANCHOR.findall(built_site.page(page))]
    assert len(rendered) == len(set(rendered)) == len(catalog.entries) == 80
    expected = {(e.page.replace("index.md", "").replace(".md", "/"), e.anchor) for e in catalog.entries}
    assert set(rendered) == expected


def test_entries_show_metadata_line_tag_chips_and_outbound_link(built_site):
    html = built_site.page("share/")
    block = html[html.index('id="a-'):]
    block = block[: block.index("</div>")]
    # A share entry's heading links to the article; its line is the day it arrived (the kind is the page's).
    assert re.match(r'id="a-[0-9a-f]{8}"><a href="https://mp\.weixin\.qq\.com/[^"]+" rel="noopener noreferrer">', block)
    assert '<span class="llm-tags"><a href="../tags/' in block
    date_line = r'<p class="llm-entry-meta__line"><time datetime="2025-11-06T23:50:49\+08:00">2025-11-06</time></p>'
    assert re.search(date_line, block)
    assert "chksm" not in html
    series = built_site.page("series/")
    block = series[series.index('id="s-'):]
    block = block[: block.index("</div>")]
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', block) and "系列文章" in block and "第 1 篇" in block


def test_vllm_tag_page_lists_entries_from_all_three_sources(built_site):
    html = built_site.page("tags/vllm/")
    for kind in ("llm-item--series", "llm-item--share", "llm-item--note"):
        assert kind in html
    assert "相关标签" in html
    # Each listed title links to the entry's place on the site.
    assert re.search(r'class="llm-item__title" href="\.\./\.\./share/#a-[0-9a-f]{8}"', html)
    assert re.search(r'class="llm-item__title" href="\.\./\.\./series/#s-', html)
    assert re.search(r'class="llm-item__title" href="\.\./\.\./notes/2026-06-22-jay/#n-', html)


def test_tag_pages_list_newest_first(built_site):
    html = built_site.page("tags/vllm/")
    dates = re.findall(r'<time datetime="([0-9-]+)"', html)
    assert dates == sorted(dates, reverse=True)


def test_tags_index_has_counts_and_every_tag_page_exists(built_site, catalog):
    html = built_site.page("tags/")
    for tag in catalog.tags.values():
        assert (built_site.path / "tags" / tag.slug / "index.html").is_file()
    assert re.search(r'vLLM <span class="llm-count">\d+</span>', html)


def test_month_archive_lists_the_21_share_entries_of_september_2025(built_site):
    html = built_site.page("archive/2025/")
    september = html[html.index('<h2 id="m-2025-09"'):]
    september = september[: september.index("</ol>")]
    assert september.count('class="llm-item llm-item--share"') == 21
    assert 'href="#m-2025-09"' in html and 'href="#m-2025-11"' in html  # the year's months, at the top
    assert '<a rel="next" href="../2026/">2026 年 →</a>' in html and '<a rel="prev"' not in html  # adjacent years


def test_archive_index_has_per_month_counts_and_a_chart(built_site, catalog):
    html = built_site.page("archive/")
    assert "<svg" in html and html.count("<rect") == len(catalog.months) == 4
    assert re.search(r'2025 年 9 月</a> <span class="llm-count">21</span>', html)


def test_home_page_has_counts_latest_entries_and_entry_points(built_site):
    html = built_site.page("")
    assert "共 <strong>80</strong> 个条目" in html
    for target in ('href="series/"', 'href="share/"', 'href="notes/"', 'href="tags/"', 'href="archive/"'):
        assert target in html
    assert html.count('class="llm-item llm-item--') == 12


def test_seven_audio_summaries_render_players_that_preload_nothing(built_site):
    html = built_site.page("share/")
    players = re.findall(r"<audio[^>]*>", html)
    assert len(players) == 7
    assert all('preload="none"' in p and "controls" in p and "aria-label=" in p for p in players)
    assert html.count("下载音频") == 7


def test_entry_controls_name_their_entry_without_repeating_its_title(built_site):
    """Page weight: the title shows once in an entry's heading; its copy button is described by that heading,
    and its audio caption does not say the title again (the player's own label still names the entry)."""
    html = built_site.page("share/")
    heading_ids = set(re.findall(r'<h[23] id="([^"]+)"', html))
    buttons = re.findall(r'<button type="button" class="llm-copy-link"[^>]*>', html)
    assert buttons
    for button in buttons:
        assert "aria-label" not in button
        anchor = re.search(r'data-anchor="([^"]+)"', button).group(1)
        assert f'aria-describedby="{anchor}"' in button and anchor in heading_ids
    captions = re.findall(r'<figcaption class="llm-audio__caption">(.*?)</figcaption>', html)
    assert len(captions) == 7 and all(caption.startswith("🎧 音频摘要 · ") for caption in captions)


def test_series_entries_link_to_previous_and_next_in_series_order(built_site, catalog):
    html = built_site.page("series/")
    assert html.count('rel="next"') >= 26 and html.count('rel="prev"') >= 26
    assert 'href="#s-02-gpu-primer">下一篇' in html
    assert html.count("标题由描述生成") >= 5


def test_tag_and_month_pages_have_title_and_description_meta(built_site):
    for page in ("tags/vllm/", "archive/2025/"):
        html = built_site.page(page)
        assert re.search(r'<meta name="description" content="[^"]{10,}"', html)
    assert "<title>标签：vLLM" in built_site.page("tags/vllm/")
    assert "<title>2025 年 -" in built_site.page("archive/2025/")


def search_index(built_site) -> dict:
    """search/search_index.json, with the documents of the index's chunks (search/llminfra/d/) as ``docs``."""
    data = json.loads((built_site.path / "search/search_index.json").read_text(encoding="utf-8"))
    chunks = sorted((built_site.path / "search/llminfra/d").glob("*.json"), key=lambda path: int(path.stem))
    docs = [doc for path in chunks for doc in json.loads(path.read_text(encoding="utf-8"))]
    assert data["docs"] == [] and len(docs) == data["config"]["llminfra"]["documents"]
    return {**data, "docs": [{"location": doc[0], "title": doc[1], "text": doc[2]} for doc in docs]}


def test_search_index_holds_the_text_as_written_and_pages_start_our_search_worker(built_site):
    """Chinese is indexed one character and one pair of characters a token: the documents carry no word boundaries
    (U+200B), and every page starts our search worker, which reads that index."""
    data = search_index(built_site)
    assert set(data["config"]["fields"]) <= {"title", "text", "tags"}
    text = "\n".join(d["title"] + d["text"] for d in data["docs"])
    assert "\u200b" not in text and "\u200c" not in text
    for page in ("", "tags/vllm/"):
        config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                                      built_site.page(page), re.S).group(1))
        assert re.fullmatch(r"(?:\.\./)*assets/javascripts/workers/llminfra-search\.js"
                            r"\?material=search\.[0-9a-f]+\.min\.js", config["search"]), config["search"]
    assert (built_site.path / "assets/javascripts/workers/llminfra-search.js").is_file()


def test_listing_pages_are_not_in_the_search_index_and_entries_are_indexed_once(built_site, catalog):
    docs = search_index(built_site)["docs"]
    locations = [d["location"] for d in docs]
    assert not [loc for loc in locations if loc.startswith(("tags/", "archive/"))]
    assert not [loc for loc in locations if loc == "" or loc.startswith("#")]
    anchored = [loc for loc in locations if re.search(r"#(a|s|n)-", loc)]
    assert len(anchored) == len(set(anchored)) == len(catalog.entries)


def test_search_config_splits_queries_where_latin_meets_chinese(built_site):
    separator = search_index(built_site)["config"]["separator"]
    assert "(?<=[A-Za-z0-9])(?=[\\u4e00-\\u9fff])" in separator


# -- variants of the project ---------------------------------------------------


def build_variant(tmp_path: Path, kind: str, name: str, content: str | None = None, strict: bool = True):
    project = copy_project(tmp_path / "project", with_content=False)
    # A contributor's share list: the same defects in upstream's mirror (share/index.md) are notices.
    target = {"share": "share/contributed.md", "series": "series/index.md", "notes": f"notes/{name}"}[kind]
    path = project / "docs" / target
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if content is not None else (FIXTURES / kind / name).read_text(encoding="utf-8"),
                    encoding="utf-8")
    return project, run_mkdocs_build(project, tmp_path / "site", strict=strict)


BAD_INPUTS = [
    ("share", "month-not-yyyymm.md", "docs/share/contributed.md:3: month heading '2025-9' is not a valid YYYYMM"),
    ("share", "entry-without-link.md", "docs/share/contributed.md:9: entry '没有链接的好文' has no link"),
    ("share", "unclosed-audio.md", "docs/share/contributed.md:9: <audio> block is not closed"),
    ("share", "unsafe-audio.md", "docs/share/contributed.md:11: <img> is not allowed inside an audio block"),
    ("share", "attr-list-onerror.md", "docs/share/contributed.md:7: event handler 'onerror' on <img> is not allowed"),
    ("series", "date-does-not-parse.md", "docs/series/index.md:9: date '2026-04-31' does not parse"),
    ("series", "same-anchor.md", "docs/series/index.md:8: anchor #s-first is already used"),
    ("notes", "kept-item-without-source.md",
     "docs/notes/kept-item-without-source.md:14: kept item '2. 没有来源的条目' has no 来源 line"),
]


@pytest.mark.parametrize("kind, name, message", BAD_INPUTS, ids=[b[1] for b in BAD_INPUTS])
def test_bad_input_fails_the_strict_build_with_path_line_and_hint(tmp_path, kind, name, message):
    _, result = build_variant(tmp_path, kind, name)
    assert result.returncode != 0
    assert message in result.stderr
    assert "(" in result.stderr.split(message, 1)[1].splitlines()[0]  # the hint follows in parentheses
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind, name, message", BAD_INPUTS[:2], ids=[b[1] for b in BAD_INPUTS[:2]])
def test_non_strict_build_warns_the_same_and_still_shows_every_entry(tmp_path, kind, name, message):
    project, result = build_variant(tmp_path, kind, name, strict=False)
    assert result.returncode == 0
    assert f"WARNING -  {message}" in result.stderr
    html = (tmp_path / "site/share/contributed/index.html").read_text(encoding="utf-8")
    source = (project / "docs/share/contributed.md").read_text(encoding="utf-8")
    assert html.count('class="llm-entry-meta"') == source.count("\n## ") - source.count("\n## 20")


def test_site_relative_audio_resolves_from_the_page_url(tmp_path):
    share = ("# 好文\n\n## 202509\n\n## [好文一](https://example.com/a)\n\n摘要。\n\n"
             "<audio controls>\n  <source src=\"audio/clip.mp3\" type=\"audio/mp3\">\n</audio>\n\n"
             "## [好文二](https://example.com/b)\n\n摘要。\n\n"
             "<audio controls>\n  <source src=\"/audio/clip.mp3\" type=\"audio/mp3\">\n</audio>\n")
    project = copy_project(tmp_path / "project", with_content=False)
    (project / "docs/audio").mkdir()
    (project / "docs/audio/clip.mp3").write_bytes(b"ID3 fake")
    (project / "docs/share").mkdir()
    (project / "docs/share/index.md").write_text(share, encoding="utf-8")
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/share/index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<source src="([^"]+)"', html)
    assert sources == ["../audio/clip.mp3", "../audio/clip.mp3"]
    for src in sources:
        resolved = urljoin("http://host/share/", src).removeprefix("http://host/")
        assert (tmp_path / "site" / resolved).is_file()


def test_missing_local_audio_file_is_an_error(tmp_path):
    share = ("## 202509\n\n## [好文一](https://example.com/a)\n\n"
             "<audio controls>\n  <source src=\"audio/missing.mp3\" type=\"audio/mp3\">\n</audio>\n")
    # In a contributor's file; in upstream's mirror the same path is upstream's file (tests/test_sync.py).
    project = copy_project(tmp_path / "project", with_content=False)
    (project / "docs/share").mkdir()
    (project / "docs/share/contributed.md").write_text(share, encoding="utf-8")
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    # The line of the <audio> block, not of the entry heading.
    assert "docs/share/contributed.md:5: audio file 'audio/missing.mp3' does not exist under docs/" in result.stderr


def test_several_share_list_files_merge_and_duplicates_are_reported_once(tmp_path):
    project = copy_project(tmp_path / "project", with_content=False)
    share = project / "docs/share"
    share.mkdir()
    upstream = (FROZEN / "docs/share/index.md").read_text(encoding="utf-8")
    shutil.copy2(FROZEN / "docs/share/index.md", share / "index.md")
    older = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    (share / "2025-older.md").write_text(dated(older), encoding="utf-8")
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("duplicate of the entry at") == 19
    catalog = build_catalog(SiteLayout(project))
    assert len(catalog.entries) == 36
    assert upstream.count("\n## [") == 36


def test_anchors_do_not_change_when_entries_are_inserted_before_them():
    from llminfra.sources.sharelist import ShareListParser

    original = (FROZEN / "docs/share/index.md").read_text(encoding="utf-8")
    before = {e.link: e.anchor for e in ShareListParser().parse("p", "share/index.md", original).entries}
    inserted = original.replace("## 202511\n", "## 202512\n\n## [新的一篇](https://example.com/new)\n\n摘要。\n\n"
                                "## 202511\n\n## [本月新增](https://example.com/new2)\n\n摘要。\n", 1)
    after = {e.link: e.anchor for e in ShareListParser().parse("p", "share/index.md", inserted).entries}
    assert len(after) == len(before) + 2
    assert all(after[link] == anchor for link, anchor in before.items())


def test_unknown_explicit_tags_are_kept_and_reported_in_the_build_log(built_site, catalog):
    assert catalog.unknown_tags, "the seeds use a few tags the taxonomy does not list"
    for slug in catalog.unknown_tags:
        name = catalog.taxonomy.tags[slug].name
        assert f"tag #{name} is not in data/taxonomy.yml" in built_site.log
        assert (built_site.path / "tags" / slug / "index.html").is_file()


def test_tag_and_month_pages_stay_out_of_the_navigation(built_site):
    html = built_site.page("series/")
    navigation = html[html.index('<nav class="md-nav md-nav--primary'): html.index('<div class="md-content"')]
    assert 'href="../tags/"' in navigation and 'href="../archive/"' in navigation
    assert not re.search(r'href="\.\./tags/[^"]+/"', navigation)
    assert not re.search(r'href="\.\./archive/[^"#]+/', navigation)  # no year page, no month


def test_archive_years_name_their_neighbours_and_months_in_chinese(built_site):
    html = built_site.page("archive/2026/")
    assert 'rel="prev" href="../2025/">← 2025 年</a>' in html
    assert '<h2 id="m-2026-04">2026 年 4 月 <span class="llm-count">' in html
    index = built_site.page("archive/")
    assert '<a href="2025/#m-2025-11">2025 年 11 月</a>' in index and '<a href="2025/">2025 年</a>' in index
