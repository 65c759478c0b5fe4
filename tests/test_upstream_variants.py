"""Real data: hand-made variants of the upstream share list build with no entry lost."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, copy_project, dated, run_mkdocs_build

from llminfra.sources.sharelist import ShareListParser

VARIANTS = ROOT / "tests/fixtures/upstream-variants"
EXPECTED = {  # variant -> entries per month, newest first
    "oldest-single-month": {"2025-09": 5},
    "many-months": {f"{y}-{m:02d}": 2 for y in (2026, 2025) for m in range(12, 0, -1)},
    "stray-text": {"2025-12": 2, "2025-11": 1},
    "summary-headings-tables": {"2025-12": 2},
}


def parse(name: str):
    text = (VARIANTS / f"{name}.md").read_text(encoding="utf-8")
    return ShareListParser().parse(f"docs/share/{name}.md", f"share/{name}.md", text)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_variant_parses_every_entry_into_its_month(name):
    source = parse(name)
    assert [p for p in source.problems if p.severity == "error"] == []
    months: dict[str, int] = {}
    for entry in source.entries:
        months[entry.date.month_key] = months.get(entry.date.month_key, 0) + 1
    assert months == EXPECTED[name]


def test_stray_text_stays_with_the_entry_above_and_nothing_is_dropped():
    entries = parse("stray-text").entries
    assert "采集器在这里多写了一段" in entries[0].summary
    assert entries[1].summary.startswith("第二篇的摘要紧跟标题")
    assert "尾随的段落也属于第二篇" in entries[1].summary and len(entries[1].audio) == 1


def test_headings_tables_and_code_inside_summaries_stay_inside_their_entry():
    first, second = parse("summary-headings-tables").entries
    assert "| Prefill | 计算 |" in first.summary and "### 背景" in first.summary
    assert "## 这一行在代码块里" in first.summary
    assert second.title == "第二篇带列表"


def test_all_variants_build_together_and_every_entry_is_rendered(tmp_path):
    project = copy_project(tmp_path / "project", with_content=False)
    share = project / "docs/share"
    share.mkdir()
    for name in EXPECTED:  # as contributors' lists, each entry dated on the 1st of its month
        (share / f"{name}.md").write_bytes(dated((VARIANTS / f"{name}.md").read_bytes().decode("utf-8")).encode())
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    for name, months in EXPECTED.items():  # a list longer than a part continues on its older parts (<name>/N/)
        pages = (tmp_path / "site/share" / name).glob("**/index.html")
        html = "".join(page.read_text(encoding="utf-8") for page in pages)
        assert len(re.findall(r'<h3 id="a-[0-9a-f]{8}"', html)) == sum(months.values())
    stray = (tmp_path / "site/share/stray-text/index.html").read_text(encoding="utf-8")
    assert "本月主题：推理服务化" in stray and "这份列表由脚本自动收集" in stray
    rich = (tmp_path / "site/share/summary-headings-tables/index.html").read_text(encoding="utf-8")
    assert "<table>" in rich and "这一行在代码块里" in rich
    archive = (tmp_path / "site/archive/index.html").read_text(encoding="utf-8")
    assert archive.count('class="llm-count"') >= 24
