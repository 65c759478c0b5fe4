"""Related reading (llminfra.domain.related): rare tags count more, at most 3, deterministic, linear, rendered."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import markdown
import pytest
from conftest import ROOT, copy_data

from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import Entry, PartialDate, SourceKind, SourceLocation
from llminfra.domain.related import MIN_SCORE, RELATED_LIMIT, position_weight, related_reading, tag_weights
from llminfra.domain.site_plan import plan_site
from llminfra.domain.taxonomy import FALLBACK_TAG
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.loading import build_catalog

LINES = itertools.count(1)


def entry(name: str, *tags: str, day: int = 1, kind: SourceKind = SourceKind.SHARE) -> Entry:
    """An entry of the fixture catalogs, on a line of its own (as every entry is); later days are newer."""
    return Entry(kind=kind, title=name, link=f"https://example.com/{name}", date=PartialDate(2026, 1, day),
                 source=SourceLocation("docs/share/index.md", next(LINES)), page="share/index.md", anchor=f"a-{name}",
                 tags=list(tags))


def newest_first(*entries: Entry) -> list[Entry]:
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


def titles(reading, item: Entry) -> list[str]:
    return [other.title for other in reading.of(item)]


def test_weights_are_inverse_document_frequencies():
    entries = [entry("a", "rare", "common"), entry("b", "common"), entry("c", "common"), entry("d", "other")]
    weights = tag_weights(entries)
    assert weights["rare"] == pytest.approx(math.log(4 / 1))
    assert weights["common"] == pytest.approx(math.log(4 / 3))
    assert weights["other"] == pytest.approx(math.log(4))


def test_one_rare_shared_tag_outweighs_two_common_ones():
    # "rare" is on 2 of 12 entries (weight log 6 = 1.79); "x" and "y" on 6 each (log 2 = 0.69, together 1.39).
    target = entry("target", "rare", "x", "y", day=20)
    shares_rare = entry("shares-rare", "rare", day=1)
    shares_common = entry("shares-common", "x", "y", day=19)
    filler = [entry(f"f{i}", "x", "y", day=2 + i) for i in range(4)]
    others = [entry(f"o{i}", "z", day=10 + i) for i in range(5)]
    reading = related_reading(newest_first(target, shares_rare, shares_common, *filler, *others))
    assert titles(reading, target)[0] == "shares-rare"
    assert titles(reading, target)[1] == "shares-common"  # ties with the fillers on score, and is newest
    assert "shares-rare" not in titles(reading, shares_common)  # nothing in common
    assert titles(reading, others[0]) == ["o4", "o3", "o2"]  # a common tag still relates, newest first


def others_tagged(tag: str, count: int) -> list[Entry]:
    """Entries on other subjects, so that the tags under test are not on most of the catalog."""
    return [entry(f"{tag}{i}", tag, day=1 + i % 28) for i in range(count)]


def test_at_most_three_and_never_itself():
    entries = [entry(f"e{i}", "t", day=i + 1) for i in range(10)]
    reading = related_reading(newest_first(*entries, entry("without-t", "u"), *others_tagged("v", 20)))
    for item in entries:
        related = reading.of(item)
        assert len(related) == RELATED_LIMIT
        assert item not in related


def test_entries_without_a_shared_tag_get_nothing():
    lonely = entry("lonely", "only-here")
    pair = [entry("p1", "pair", day=2), entry("p2", "pair", day=3)]
    reading = related_reading(newest_first(lonely, *pair, *others_tagged("v", 4)))
    assert reading.of(lonely) == []
    assert titles(reading, pair[0]) == ["p2"]
    assert titles(reading, pair[1]) == ["p1"]


def test_the_fallback_tag_and_tags_on_every_entry_relate_nothing():
    entries = [entry(f"u{i}", FALLBACK_TAG, "everywhere", day=i + 1) for i in range(4)]
    reading = related_reading(newest_first(*entries), ignored_tags=(FALLBACK_TAG,))
    assert all(reading.of(item) == [] for item in entries)


def test_a_tag_central_to_both_entries_counts_more_than_one_both_mention_last():
    # Both candidates share exactly one tag with the target, equally rare; the target's tags come strongest first.
    target = entry("target", "kv-cache", "gpu", day=10)
    central = entry("central", "kv-cache", "other", day=2)  # kv-cache first here and there
    marginal = entry("marginal", "x", "gpu", day=9)  # gpu second here and there
    reading = related_reading(newest_first(target, central, marginal, *others_tagged("z", 6)))
    assert titles(reading, target) == ["central", "marginal"]
    assert position_weight(0) == 1 and position_weight(0) > position_weight(1) > position_weight(2) > 0


def test_a_relation_scoring_under_the_minimum_is_none():
    # "common" is on 8 of 10 entries: log(10/8) = 0.22 < MIN_SCORE; "rare" on 2: log(5) = 1.6.
    assert math.log(10 / 8) < MIN_SCORE < math.log(10 / 2)
    entries = [entry(f"c{i}", "common", day=i + 1) for i in range(8)]
    rare = [entry("r1", "rare", day=20), entry("r2", "rare", day=21)]
    reading = related_reading(newest_first(*entries, *rare))
    assert all(reading.of(item) == [] for item in entries)
    assert titles(reading, rare[0]) == ["r2"]


def test_ties_are_broken_the_same_way_whatever_the_input_order():
    # Equal scores reached by different sums: ties must not depend on float rounding or set order.
    entries = [entry(f"e{i:02d}", *(["a", "b"] if i % 2 else ["c"]), "t", day=i + 1) for i in range(20)]
    expected = {item.title: titles(related_reading(newest_first(*entries)), item) for item in entries}
    for shuffled in (list(reversed(entries)), entries[7:] + entries[:7]):
        reading = related_reading(newest_first(*shuffled))
        assert {item.title: titles(reading, item) for item in entries} == expected
    # Among equals, the newest come first.
    assert expected["e00"] == ["e18", "e16", "e14"]


def test_candidate_work_is_bounded_per_entry_so_the_total_is_linear():
    # One tag on every entry but one, and a few rare ones: without the budget, every entry would score
    # every other (quadratic).
    def catalog(size: int) -> list[Entry]:
        return newest_first(*(entry(f"e{i}", "frequent", f"rare{i % (size // 4)}", day=1 + i % 28)
                              for i in range(size)), entry("odd", "other"))

    budget = 16
    small = related_reading(catalog(400), budget=budget)
    large = related_reading(catalog(4000), budget=budget)
    assert small.candidates_scored <= 401 * budget
    assert large.candidates_scored <= 4001 * budget
    assert large.candidates_scored <= 10 * small.candidates_scored + budget  # linear in the entries
    # The rare tag's partners are always found, however frequent the other tag is.
    entries = catalog(400)
    first = next(item for item in entries if item.title == "e0")
    reading = related_reading(entries, budget=budget)
    assert {"e100", "e200", "e300"} == set(titles(reading, first))


def test_a_frequent_tag_contributes_the_entries_nearest_in_date():
    entries = [entry(f"e{i:03d}", "frequent", day=1) for i in range(100)]
    ordered = newest_first(*entries)  # same day: list order, e000 newest
    reading = related_reading(ordered, budget=6)
    middle = ordered[50]
    assert {o.title for o in reading.of(middle)} <= {o.title for o in ordered[47:54]}


# -- in the catalog and on the page ------------------------------------------

SERIES = """# 系列

## [甲：KV cache 与前缀缓存](https://example.com/s1)
2026-04-01 | architecture | #inference #prefix-caching #kv-cache

甲的描述。

## [乙：推理引擎全景](https://example.com/s2)
2026-04-02 | architecture | #inference #vllm

乙的描述。

## [丙：训练](https://example.com/s3)
2026-04-03 | architecture | #training

丙的描述。
"""

NOTE = """---
title: 筛选笔记
date: 2026-04-05
---

# 筛选笔记

## 保留

### 1. 前缀缓存的工程笔记

来源：[原文](https://example.com/n1)

**保留理由**：

关于前缀缓存。

**标签**：#prefix-caching #kv-cache
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("related")
    copy_data(root)
    (root / "docs/series").mkdir(parents=True)
    (root / "docs/notes").mkdir()
    (root / "docs/series/index.md").write_text(SERIES, encoding="utf-8")
    (root / "docs/notes/2026-04-05-note.md").write_text(NOTE, encoding="utf-8")
    return root


def test_the_catalog_relates_entries_across_sources(project):
    catalog = build_catalog(SiteLayout(root=project, docs_dir="docs"))
    assert not catalog.errors, catalog.errors
    by_title = {item.title: item for item in catalog.entries}
    first = by_title["甲：KV cache 与前缀缓存"]
    note = next(item for item in catalog.entries if item.kind is SourceKind.NOTE)
    assert first.related[0] is note  # two rare tags in common
    assert [o.title for o in first.related] == [note.title, "乙：推理引擎全景"]
    assert by_title["丙：训练"].related == []


def test_the_related_line_renders_under_the_entry_with_links_to_their_places(project):
    catalog = build_catalog(SiteLayout(root=project, docs_dir="docs"))
    series = renderer_for(catalog, project).page_markdown("series/index.md", "")
    note = next(item for item in catalog.entries if item.kind is SourceKind.NOTE)
    lines = re.findall(r'<section class="llm-entry-meta__related">.*?</section>', series)
    assert len(lines) == 2  # 丙 shares no tag: no list
    # A label, then one list item per title; no title= attribute repeating the title.
    assert lines[0] == ('<section class="llm-entry-meta__related"><span class="llm-related__label">相关阅读</span><ul>'
                        f'<li><a href="../notes/2026-04-05-note/#{note.anchor}">{note.title}</a></li>'
                        f'<li><a href="#{catalog.entries[1].anchor}">乙：推理引擎全景</a></li></ul></section>')


def test_entry_links_are_cached_per_page_and_written_as_relative_url_writes_them(project):
    """The renderer caches relative links per target page (not per anchor); the result must not change."""
    from llminfra.domain.urls import relative_url

    renderer = renderer_for(build_catalog(SiteLayout(root=project, docs_dir="docs")), project).templates
    pages = ["", "share/", "tags/vllm/2/", "share/index.html", "index.html", "tags/中文/", "archive/2026/"]
    for _ in range(2):  # the second round answers from the cache
        for here in pages:
            for target in [*pages, "x", "a/b.html"]:
                for url in (target, f"{target}#", f"{target}#a-1", f"{target}#中"):
                    assert renderer.relative(here, url) == relative_url(here, url), (here, url)


def test_the_related_lines_stay_out_of_the_search_index(project):
    """Material's indexer leaves the related-reading line out (data-search-exclude): searching a title finds the
    entry itself, not every entry that points to it."""
    from material.plugins.search.plugin import Parser

    catalog = build_catalog(SiteLayout(root=project, docs_dir="docs"))
    page = renderer_for(catalog, project).page_markdown("series/index.md", "")
    html = markdown.markdown(page, extensions=["attr_list", "md_in_html"])
    assert "llm-entry-meta__related" in html
    parser = Parser()
    parser.feed(html)
    parser.close()
    indexed = " ".join("".join(section.text) for section in parser.data if not section.is_excluded())
    related_titles = {other.title for entry in catalog.entries for other in entry.related}
    assert related_titles and "相关阅读" not in indexed


def renderer_for(catalog, project: Path) -> SiteRenderer:
    return SiteRenderer(catalog, plan_site(catalog, SiteLayout(root=project)), ROOT / "overrides")
