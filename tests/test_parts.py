"""Long source files split into parts: whole months, limits, stable addresses, nothing lost."""

from __future__ import annotations

from conftest import SEEDS

from llminfra.domain.model import SourceKind
from llminfra.domain.parts import PartLimits, part_page, split_source
from llminfra.sources.series import SeriesIndexParser
from llminfra.sources.sharelist import ShareListParser


def share_list(months: dict[str, int], preamble: str = "# 好文分享\n\n说明文字。\n\n") -> str:
    """An upstream-format share list, months newest first, ``count`` entries each."""
    lines = [preamble]
    for key, count in months.items():
        lines.append(f"## {key}\n")
        for n in range(count):
            lines.append(f"## [文章 {key}-{n}](https://example.org/{key}/{n})\n\n摘要 {key} {n}，讲 vLLM 调度。\n")
    return "\n".join(lines)


def parse_share(text: str, page: str = "share/index.md"):
    return ShareListParser().parse(f"docs/{page}", page, text)


def test_a_short_list_is_one_part_on_its_own_page():
    source = parse_share(next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8"))
    assert len(source.entries) == 36
    (part,) = split_source(source)
    assert part.is_top and part.page == "share/index.md" and part.start == 0 and part.end == len(source.text.lines)
    assert part.entries == source.entries and all(e.page == "share/index.md" for e in source.entries)


def test_parts_hold_whole_months_within_the_limits_and_every_entry_once():
    months = {f"2025{m:02d}": 12 for m in range(12, 0, -1)}
    source = parse_share(share_list(months))
    parts = split_source(source, PartLimits(entries=30))
    assert [p.number for p in parts] == list(range(1, len(parts) + 1)) and len(parts) > 1
    assert all(len(p.entries) <= 30 for p in parts)
    seen = [e for p in parts for e in p.entries]
    assert sorted(id(e) for e in seen) == sorted(id(e) for e in source.entries)
    for part in parts:
        assert all(e.page == part.page for e in part.entries)
        assert len(part.months) * 12 == len(part.entries)  # never a month cut in two
    # Newest first in the file: the top (newest) part is the page itself, older parts count from the bottom.
    top = parts[-1]
    assert top.is_top and top.page == "share/index.md" and top.start == 0
    assert parts[0].page == "share/1/index.md" and "202501" in [m.replace("-", "") for m in parts[0].months]
    # The parts tile the file: in file order each ends where the next begins.
    in_file = sorted(parts, key=lambda p: p.start)
    assert in_file[-1].end == len(source.text.lines)
    assert all(a.end == b.start for a, b in zip(in_file, in_file[1:]))


def test_entries_added_at_the_new_end_keep_the_older_parts_where_they_were():
    months = {f"2024{m:02d}": 14 for m in range(12, 0, -1)}
    before = split_source(parse_share(share_list(months)), PartLimits(entries=40))
    grown = {"202502": 9, "202501": 14, **months}
    after = split_source(parse_share(share_list(grown)), PartLimits(entries=40))

    def addresses(parts):
        return {e.link: p.page for p in parts if not p.is_top for e in p.entries}

    old, new = addresses(before), addresses(after)
    assert old and all(new[link] == page for link, page in old.items())


def test_a_month_longer_than_a_part_is_cut_between_entries_and_its_heading_stays_with_them():
    source = parse_share(share_list({"202512": 5, "202511": 95, "202510": 5}))
    parts = split_source(source, PartLimits(entries=40))
    assert all(len(p.entries) <= 40 for p in parts)
    assert sum(len(p.entries) for p in parts) == 105
    lines = source.text.lines
    for part in parts:
        body = lines[part.start : part.end]
        assert any(line.startswith("## [") for line in body)
        first_heading = next(line for line in body if line.startswith("## "))
        # A part starts with a month heading or an entry, never with a month heading alone at its end.
        assert not body[-1].startswith("## 2025") and first_heading


def test_byte_limit_closes_a_part_early():
    months = {f"2025{m:02d}": 3 for m in range(12, 0, -1)}
    source = parse_share(share_list(months))
    size = sum(len(line) + 1 for line in source.text.lines)
    parts = split_source(source, PartLimits(entries=1000, source_bytes=size // 4))
    assert len(parts) >= 4


def test_oldest_first_files_keep_their_beginning_on_their_own_page():
    lines = ["# 系列", ""]
    for n in range(1, 121):
        lines += [f"## [第 {n} 篇](https://example.org/s/{n:03d})", f"2025-01-{(n % 28) + 1:02d} | 推理 | #vLLM",
                  f"描述 {n}。", ""]
    source = SeriesIndexParser().parse("docs/series/index.md", "series/index.md", "\n".join(lines))
    assert source.kind is SourceKind.SERIES
    parts = split_source(source, PartLimits(entries=50))
    assert [len(p.entries) for p in parts] == [50, 50, 20]
    assert parts[0].is_top and parts[0].page == "series/index.md"
    assert [p.page for p in parts[1:]] == ["series/2/index.md", "series/3/index.md"]


def test_part_pages_live_in_the_source_page_s_folder():
    assert part_page("share/index.md", 3) == "share/3/index.md"
    assert part_page("share/2024.md", 2) == "share/2024/2/index.md"
    assert part_page("index.md", 2) == "2/index.md"
