"""Property-based tests: generated sources parse to exactly the entries they contain."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llminfra.sources.notes import NoteParser
from llminfra.sources.series import SeriesIndexParser
from llminfra.sources.sharelist import ShareListParser

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
WORDS = st.text(alphabet=st.one_of(CJK, st.sampled_from(string.ascii_letters + string.digits + " ，。、：-")),
                min_size=1, max_size=40)
# Titles may hold anything a collector scrapes, except line breaks, and brackets or
# backslashes, which would make the heading something other than a link.
# U+FFFD is left out: the readers decode with errors="replace" and take it as the mark of bytes that are not
# UTF-8, so a file that holds one is reported (sources/source_text.open_source), by design.
TITLE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufffd"),
                min_size=1, max_size=60) \
    .map(lambda t: t.replace("[", "【").replace("]", "】").replace("\\", "＼").strip()).filter(bool)
SLUG = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
PARAGRAPH = WORDS.map(lambda w: w.strip() or "摘要").filter(lambda w: not w.startswith(("#", "-", "0", "1", "2",
                                                                                          "3", "4", "5", "6", "7",
                                                                                          "8", "9", " ")))
SUMMARY = st.lists(PARAGRAPH, min_size=1, max_size=3).map("\n\n".join)
MONTH = st.tuples(st.integers(2015, 2035), st.integers(1, 12))


@st.composite
def share_lists(draw):
    months = sorted(set(draw(st.lists(MONTH, min_size=1, max_size=5))), reverse=True)
    lines = ["# LLM-AI-Infra-system好文分享 (文章标题是链接可以点击)", ""]
    expected = []
    for year, month in months:
        lines += [f"## {year}{month:02d}", ""]
        for _ in range(draw(st.integers(0, 4))):
            title = draw(TITLE)
            link = f"https://mp.weixin.qq.com/s/{draw(SLUG)}{len(expected)}"
            lines += [f"## [{title}]({link})", "", draw(SUMMARY), ""]
            if draw(st.booleans()):
                lines += ["<audio controls>", f'  <source src="https://e.com/{len(expected)}.mp3" type="audio/mp3">',
                          "</audio>", ""]
            expected.append((title, link, f"{year}-{month:02d}"))
    return "\n".join(lines) + "\n", expected


@SETTINGS
@given(share_lists())
def test_generated_share_lists_parse_to_exactly_their_entries(case):
    text, expected = case
    source = ShareListParser().parse("docs/share/index.md", "share/index.md", text)
    assert source.problems == []
    assert [(e.title, e.link, e.date.month_key) for e in source.entries] == expected


@st.composite
def series_indexes(draw):
    lines = ["# 系列", ""]
    expected = []
    for n in range(draw(st.integers(1, 8))):
        title = draw(st.one_of(TITLE, st.just("?")))
        link = draw(st.one_of(st.just("?"), SLUG.map(lambda s, n=n: f"https://quant67.com/post/{s}-{n}.html")))
        tags = draw(st.lists(SLUG, max_size=5))
        day = draw(st.dates())
        lines += [f"## [{title}]({link})", f"{day.isoformat()} | architecture · ai-infra | "
                  + " ".join("#" + t for t in tags), "", draw(SUMMARY), ""]
        expected.append((title, None if link == "?" else link, day.isoformat(), tags))
    return "\n".join(lines), expected


@SETTINGS
@given(series_indexes())
def test_generated_series_indexes_parse_to_exactly_their_entries(case):
    text, expected = case
    source = SeriesIndexParser().parse("docs/series/index.md", "series/index.md", text)
    assert source.problems == []
    assert len(source.entries) == len(expected)
    for entry, (title, link, day, tags) in zip(source.entries, expected):
        assert entry.title_derived == (title == "?")
        if title != "?":
            assert entry.title == title
        assert entry.link == link and entry.date.iso == day and entry.explicit_tags == tags


@st.composite
def notes(draw):
    lines = ["---", "title: 笔记", f"date: {draw(st.dates()).isoformat()}", "---", "", "# 笔记", ""]
    expected = []
    sections = st.sampled_from(["✅ 保留条目", "🔴 丢弃条目", "🟡 待定条目", "🟡 条件保留", "📊 汇总"])
    for section in draw(st.lists(sections, min_size=1, max_size=4)):
        lines += [f"## {section}", ""]
        kept = "保留" in section
        for _ in range(draw(st.integers(0, 3))):
            title = draw(TITLE).lstrip("#").strip() or "条目"
            link = f"https://example.com/{draw(SLUG)}{len(expected)}"
            lines += [f"### {len(expected) + 1}. {title}", "", f"- **来源**：<{link}>", "", draw(SUMMARY), ""]
            if kept:
                expected.append((title, link))
    return "\n".join(lines), expected


@SETTINGS
@given(notes())
def test_generated_notes_parse_to_exactly_their_kept_items(case):
    text, expected = case
    source = NoteParser().parse("docs/notes/x.md", "notes/x.md", text)
    assert source.problems == []
    assert [(e.title, e.link) for e in source.entries] == expected


@SETTINGS
@given(st.text(max_size=400), st.sampled_from([ShareListParser, SeriesIndexParser, NoteParser]))
def test_arbitrary_text_never_crashes_a_parser_and_every_problem_has_a_location(text, parser):
    source = parser().parse("docs/x.md", "x.md", text)
    lines = text.count("\n") + text.count("\r") + 2
    for problem in source.problems:
        assert problem.path == "docs/x.md"
        assert 1 <= problem.line <= lines, problem
        assert problem.message


@SETTINGS
@given(st.lists(st.sampled_from(["## 202509", "## [t](https://e.com/a)", "## [t]()", "## 2025-9", "<audio controls>",
                                 "</audio>", '<source src="a.mp3">', "```", "---", "### 1. x", "- **来源**：<https://e.com>",
                                 "2026-04-22 | a | #t", "## ✅ 保留", "text", ""]), max_size=30),
       st.sampled_from([ShareListParser, SeriesIndexParser, NoteParser]))
def test_structured_garbage_never_crashes_a_parser(lines, parser):
    text = "\n".join(lines)
    source = parser().parse("docs/x.md", "x.md", text)
    assert all(1 <= p.line <= len(lines) + 2 for p in source.problems)


NEW_TITLE = st.text(alphabet=st.one_of(CJK, st.sampled_from(string.ascii_letters + string.digits + " ：-·")),
                    min_size=1, max_size=40).map(str.strip).filter(bool)


@SETTINGS
@given(share_lists(), NEW_TITLE, SLUG, SUMMARY, MONTH, st.booleans())
def test_add_then_parse_returns_the_added_entry_and_keeps_every_other(case, title, slug, summary, month, audio):
    from llminfra.authoring.sharelist_writer import NewShareEntry, add_entry

    text, expected = case
    link = f"https://example.com/new/{slug}"
    audio_url = f"https://example.com/new/{slug}.mp3" if audio else None
    new = NewShareEntry.validated(title, link, summary, f"{month[0]}{month[1]:02d}", audio_url)
    result = add_entry(text, "docs/share/index.md", "share/index.md", new)
    assert result.added
    source = ShareListParser().parse("docs/share/index.md", "share/index.md", result.text)
    assert source.problems == []
    added = [e for e in source.entries if e.link == link]
    assert len(added) == 1
    entry = added[0]
    assert (entry.title, entry.date.month_key, entry.summary) == (title, f"{month[0]}-{month[1]:02d}", summary)
    assert [a.src for a in entry.audio] == ([audio_url] if audio else [])
    assert entry.position == 0  # top of its month, as the collector writes
    others = [(e.title, e.link, e.date.month_key) for e in source.entries if e.link != link]
    assert others == expected
    again = add_entry(result.text, "docs/share/index.md", "share/index.md", new)
    assert not again.added and again.text == result.text
