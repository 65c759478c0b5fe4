"""Parser tests on the seeds and on small hand-written inputs."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import FROZEN, SEEDS

from llminfra.domain.links import canonical_url
from llminfra.domain.model import PartialDate
from llminfra.sources.notes import NoteParser
from llminfra.sources.series import SeriesIndexParser
from llminfra.sources.sharelist import ShareListParser


def parse_share(text: str, path: str = "docs/share/index.md"):
    return ShareListParser().parse(path, "share/index.md", text)


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# -- share list --------------------------------------------------------------


def test_frozen_share_list_is_the_upstream_file_unmodified():
    assert (FROZEN / "docs/share/index.md").read_bytes() == next(SEEDS.glob("004_*.txt")).read_bytes()


def test_both_snapshots_hold_36_distinct_entries_21_in_202509_and_15_in_202511():
    entries = parse_share(seed("003")).entries + parse_share(seed("004")).entries
    distinct = {}
    for entry in entries:
        distinct.setdefault(entry.link, entry)
    months = Counter(e.date.month_key for e in distinct.values())
    assert len(distinct) == 36
    assert months == {"2025-09": 21, "2025-11": 15}
    assert sum(1 for e in distinct.values() if e.audio) == 7


def test_later_snapshot_parses_without_problems_and_keeps_list_order():
    source = parse_share(seed("004"))
    assert source.problems == []
    assert [e.position for e in source.entries if e.date.month_key == "2025-11"] == list(range(15))
    first = source.entries[0]
    assert first.title.startswith("Kimi最新的KimiLinear")
    assert first.date == PartialDate(2025, 11)
    assert first.source.line == 6


def test_share_entry_links_are_canonical():
    source = parse_share(seed("004"))
    for entry in source.entries:
        assert "chksm" not in entry.link and "#rd" not in entry.link
        assert entry.link == canonical_url(entry.raw_link)


def test_summaries_keep_bold_lists_and_paragraphs_and_stray_paragraphs_stay_with_their_entry():
    source = parse_share(seed("004"))
    ub_mesh = next(e for e in source.entries if "UB-Mesh" in e.title)
    assert "**华为UB-Mesh超节点互联架构" in ub_mesh.summary
    assert "1. **拓扑优化**" in ub_mesh.summary
    # The collector left a paragraph about inference frameworks under this entry.
    assert "本文系统梳理了当前主流的大模型推理框架" in ub_mesh.summary
    assert "<audio" not in ub_mesh.summary


def test_audio_blocks_are_parsed_into_clips():
    source = parse_share(seed("004"))
    clips = [clip for e in source.entries for clip in e.audio]
    assert len(clips) == 7
    assert all(c.src.startswith("https://github.com/") and c.mime_type == "audio/mpeg" for c in clips)


def test_text_between_month_heading_and_first_entry_is_kept_and_not_an_entry():
    text = "# 好文\n\n## 202510\n\n说明：本月只有一篇。\n\n## [A](https://example.com/a)\n\n摘要。\n"
    source = parse_share(text)
    assert source.problems == []
    assert [e.title for e in source.entries] == ["A"]


def test_a_newer_upstream_readme_with_more_months_builds_without_code_change():
    months = []
    for month in ("202601", "202512", "202511"):
        months.append(f"## {month}\n")
        for n in range(3):
            months.append(f"## [文章 {month}-{n}](https://example.com/{month}/{n})\n\n摘要 {n}。\n")
    source = parse_share("# LLM-AI-Infra-system好文分享\n\n" + "\n".join(months))
    assert source.problems == []
    assert len(source.entries) == 9
    assert [e.date.month_key for e in source.entries[:3]] == ["2026-01"] * 3


@pytest.mark.parametrize("text, message", [
    ("## 2025-9\n\n## [A](https://e.com/a)\n", "is not a valid YYYYMM"),
    ("## 202513\n\n## [A](https://e.com/a)\n", "month 13"),
    ("## 202509\n\n## 没有链接的条目\n\n摘要\n", "has no link"),
    ("## 202509\n\n## [A]()\n", "link is empty"),
    ("## 202509\n\n## [A](https://e.com/a)\n\n<audio controls>\n  <source src=\"https://e.com/a.mp3\">\n",
     "not closed"),
    ("## 202509\n\n## [A](https://e.com/a)\n\n<audio controls>\n<source src=\"javascript:alert(1)\">\n</audio>\n",
     "scheme"),
    ("## 202509\n\n## [A](https://e.com/a)\n\n<audio controls onplay=\"x()\">\n<source src=\"a.mp3\">\n</audio>\n",
     "'onplay' is not allowed"),
    ("## 202509\n\n## [A](https://e.com/a)\n\n<audio controls>\n<script>x()</script>\n</audio>\n",
     "<script> is not allowed"),
    ("## [A](https://e.com/a)\n", "before any month heading"),
])
def test_malformed_share_lists_report_file_line_and_keep_the_entry(text, message):
    source = parse_share(text)
    assert any(message in p.message for p in source.problems), source.problems
    problem = source.problems[0]
    assert problem.path == "docs/share/index.md" and problem.line >= 1
    assert str(problem).startswith(f"docs/share/index.md:{problem.line}: ")
    assert len(source.entries) == text.count("\n## ") + text.startswith("## ") - text.count("## 20")


def test_problem_line_numbers_point_at_the_offending_line():
    text = "# t\n\n## 202509\n\n## [A](https://e.com/a)\n\nx\n\n## 2025九月\n\n## [B](https://e.com/b)\n\ny\n"
    source = parse_share(text)
    assert [(p.line, "YYYYMM" in p.message) for p in source.problems] == [(9, True)]
    assert len(source.entries) == 2


def test_crlf_and_bom_are_tolerated():
    text = "\ufeff# t\r\n\r\n## 202509\r\n\r\n## [A](https://e.com/a)\r\n\r\n摘要\r\n"
    source = parse_share(text)
    assert source.problems == [] and source.entries[0].summary == "摘要"


# -- series --------------------------------------------------------------------


@pytest.fixture(scope="module")
def series():
    path = FROZEN / "docs/series/index.md"
    return SeriesIndexParser().parse("docs/series/index.md", "series/index.md", path.read_text(encoding="utf-8"))


def test_series_has_the_26_seed_entries_and_the_special_edition(series):
    assert series.problems == []
    assert len(series.entries) == 27
    assert series.entries[-1].title.startswith("【大模型基础设施工程·特别篇】DeepSeek-V4")
    assert series.entries[-1].date == PartialDate(2026, 4, 25)
    assert series.entries[-1].explicit_tags == []


def test_series_matches_the_seed_index_line_by_line(series):
    seed_lines = [line for line in seed("002").splitlines() if line.strip()]
    metas, descriptions = seed_lines[0::2], seed_lines[1::2]
    for entry, meta, description in zip(series.entries, metas, descriptions):
        date, categories, tags = (part.strip() for part in meta.split("|"))
        assert entry.date.iso == date
        assert " · ".join(entry.categories) == categories
        assert ["#" + t for t in entry.explicit_tags] == tags.split()
        # The site writes full-width punctuation where the seed has ASCII.
        full_width = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
        assert entry.summary.translate(full_width) == description.translate(full_width)


def test_unknown_titles_are_derived_and_marked_and_unknown_links_never_invented(series):
    import yaml

    data = yaml.safe_load((SEEDS / "series.yml").read_text(encoding="utf-8"))
    for entry, record in zip(series.entries, sorted(data, key=lambda r: r["order"])):
        assert entry.title_derived == (record["title"] is None)
        if record["title"] is not None:
            assert entry.title == record["title"].replace("二十四:", "二十四：")
        assert entry.link == (record["url"] and canonical_url(record["url"]))
    derived = [e for e in series.entries if e.title_derived]
    assert len(derived) == 5
    assert all(e.title and e.title in e.summary.replace("…", "") or e.title.endswith("…") for e in derived)
    assert sum(1 for e in series.entries if e.link is None) == 1


def test_series_anchors_come_from_the_article_urls(series):
    assert series.entries[0].anchor == "s-01-intro"
    assert series.entries[13].anchor == "s-14-quantization"
    assert len({e.anchor for e in series.entries}) == 27


@pytest.mark.parametrize("text, message", [
    ("## [A](https://e.com/a)\n2026-13-01 | c | #t\n\nd\n", "does not parse"),
    ("## [A](https://e.com/a)\n\nno meta line\n", "no 'date | categories | #tags' line"),
    ("## [A](https://e.com/a)\n2026-04-22 | c | tag\n\nd\n", "does not start with #"),
    ("## A title without link\n2026-04-22 | c | #t\n\nd\n", "is not '## [title](link)'"),
])
def test_malformed_series_entries_are_reported(text, message):
    source = SeriesIndexParser().parse("docs/series/index.md", "series/index.md", text)
    assert any(message in p.message for p in source.problems), source.problems
    assert len(source.entries) == 1


# -- notes ---------------------------------------------------------------------


def parse_note(name: str):
    path = FROZEN / "docs/notes" / name
    return NoteParser().parse(f"docs/notes/{name}", f"notes/{name}", path.read_text(encoding="utf-8"))


def test_every_kept_item_of_the_notes_is_an_entry_with_the_notes_date():
    evening = parse_note("2026-06-22-jay.md")
    afternoon = parse_note("2026-06-17-jay.md")
    assert evening.problems == [] and afternoon.problems == []
    assert len(evening.entries) == 7 and len(afternoon.entries) == 10
    assert {e.date for e in evening.entries} == {PartialDate(2026, 6, 22)}
    assert {e.date for e in afternoon.entries} == {PartialDate(2026, 6, 17)}
    assert Counter(e.grade for e in afternoon.entries) == {"高价值": 9, "条件保留": 1}


def test_note_items_keep_their_sources_and_tags():
    evening = parse_note("2026-06-22-jay.md")
    first = evening.entries[0]
    assert first.title == "vLLM Blog · MiniMax M3 Day-0 Serving (2026-06-12)"
    assert first.link == "https://vllm.ai/blog/2026-06-12-minimax-m3-vllm"
    assert first.explicit_tags == ["vLLM", "speculative-decoding", "hardware-benchmark", "RL-training", "MiniMax-M3"]
    afternoon = parse_note("2026-06-17-jay.md")
    oom = next(e for e in afternoon.entries if "OOM" in e.title and "vLLM" in e.title)
    assert oom.link == "https://github.com/vllm-project/vllm/issues/309"
    assert "https://github.com/vllm-project/vllm/issues/15228" in oom.extra_links
    text_only = next(e for e in afternoon.entries if "Flash Attention" in e.title)
    assert text_only.link is None  # the author gave no URL; none is invented


def test_discarded_and_pending_items_are_not_entries():
    titles = " ".join(e.title for e in parse_note("2026-06-22-jay.md").entries)
    assert "Cowboys" not in titles and "Red Hat" not in titles


@pytest.mark.parametrize("text, message", [
    ("---\ntitle: t\n---\n\n## ✅ 保留条目\n\n### 1. A\n\n- **来源**：<https://e.com>\n", "no date"),
    ("---\ndate: 2026-02-30\n---\n\n## ✅ 保留条目\n\n### 1. A\n\n- **来源**：<https://e.com>\n", "does not parse"),
    ("---\ndate: 2026-06-01\n---\n\n## ✅ 保留条目\n\n### 1. A\n\n正文\n", "no 来源 line"),
    ("---\ndate: [\n---\n\n## ✅ 保留条目\n\n### 1. A\n\n- **来源**：<https://e.com>\n",
     "front matter: YAML syntax error"),
    ("---\ndate: &d 2026-06-01\ntitle: *d\n---\n\n## ✅ 保留条目\n\n### 1. A\n\n- **来源**：<https://e.com>\n",
     "front matter: YAML aliases (*name) are not allowed"),
])
def test_malformed_notes_are_reported(text, message):
    source = NoteParser().parse("docs/notes/x.md", "notes/x.md", text)
    assert any(message in p.message for p in source.problems), source.problems
    assert len(source.entries) == 1


def test_the_parsers_and_the_renderer_agree_on_which_lines_are_code():
    """One fence rule (CommonMark's): a closing fence has nothing after it, and a longer run still closes."""
    from llminfra.render.markdown_text import blocks
    from llminfra.sources.markdown_lines import iter_headings

    lines = ["```", "# in code", "``` python", "# still code", "````", "# a heading", "~~~", "# code", "```", "~~~~"]
    assert [h.text for h in iter_headings(lines)] == ["a heading"]
    assert [(block, code) for block, code in blocks(lines)] == [
        (lines[:5], True), (["# a heading"], False), (lines[6:], True)]
