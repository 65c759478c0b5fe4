"""Collector pastes (llminfra.domain.pastes): detected, left out of tags, excerpt, feed and search, reported."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from conftest import ROOT, copy_data

from llminfra.domain.layout import SiteLayout
from llminfra.domain.pastes import summary_paragraphs
from llminfra.domain.site_plan import plan_site
from llminfra.render.excerpts import excerpt_of
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.loading import build_catalog

OPENING = ("随着大语言模型技术的快速发展，高效推理部署成为关键。本文系统梳理了主流推理框架，包括 vLLM、SGLang、"
           "TensorRT-LLM 等，从核心技术与架构设计比较它们。")

MIRROR = f"""# 好文分享

## 202509

## [华为超节点互联架构详解](https://example.com/ub-mesh)

**超节点互联架构**：面向大规模训练的高效互连方案。

该架构采用多维 Full-Mesh 拓扑，降低组网成本。

{OPENING}

## [一文梳理主流推理框架：vLLM、SGLang、TensorRT-LLM](https://example.com/frameworks)

vLLM 通过 PagedAttention 提升显存利用率，SGLang 基于 RadixAttention 复用前缀。

## [理解 KV Cache](https://example.com/kv)

KV Cache 是推理优化的基础，本文解释它的原理与代价，以及为什么需要它。

Prefill 阶段计算并缓存全部 Key 与 Value，Decode 阶段只计算新 token。
"""

# A contributor lists another article and copies the KV Cache entry's first paragraph under it.
CONTRIBUTED = """## 202510

## [前缀缓存实践](https://example.com/prefix)

前缀缓存让多轮对话复用 KV Cache，本文介绍它在 SGLang 中的实现。

KV Cache 是推理优化的基础，本文解释它的原理与代价，以及为什么需要它。
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pastes")
    copy_data(root)
    (root / "data/tag_corrections.yml").unlink()
    (root / "docs/share").mkdir(parents=True)
    (root / "docs/share/index.md").write_text(MIRROR, encoding="utf-8")
    (root / "docs/share/contributed.md").write_text(CONTRIBUTED, encoding="utf-8")
    return root


def catalog_of(project):
    return build_catalog(SiteLayout(project))


def by_title(catalog, start: str):
    return next(e for e in catalog.entries if e.title.startswith(start))


def test_summary_paragraphs_are_runs_of_lines_with_their_file_lines(project):
    catalog = catalog_of(project)
    mirror = next(s for s in catalog.sources if s.mirror_of)
    paragraphs = summary_paragraphs(mirror)
    ub = [p for p in paragraphs if p.entry.title.startswith("华为")]
    assert [p.line for p in ub] == [7, 9, 11] and [p.first for p in ub] == [True, False, False]
    assert ub[2].text == OPENING


def test_a_paragraph_about_the_next_entry_is_a_paste_owned_by_it(project):
    catalog = catalog_of(project)
    stray = [p for p in catalog.pastes if p.kind == "stray"]
    assert len(stray) == 1
    paste = stray[0]
    assert paste.paragraph.entry.title.startswith("华为") and paste.owner.title.startswith("一文梳理")
    problem = next(p for p in catalog.problems if "collector's paste" in p.message)
    assert (problem.path, problem.line, problem.severity) == ("docs/share/index.md", 11, "notice")
    assert "docs/share/index.md:13" in problem.message  # where the owner is


def test_a_paragraph_found_verbatim_under_two_articles_belongs_to_the_one_it_is_about(project):
    catalog = catalog_of(project)
    verbatim = [p for p in catalog.pastes if p.kind == "verbatim"]
    assert len(verbatim) == 1
    paste = verbatim[0]
    # The paragraph names "KV Cache" and "推理", which the title 理解 KV Cache is about, not 前缀缓存实践.
    assert paste.paragraph.entry.title == "前缀缓存实践" and paste.owner.title == "理解 KV Cache"
    assert (paste.paragraph.source.path, paste.paragraph.line) == ("docs/share/contributed.md", 7)
    problem = next(p for p in catalog.problems if "also stands under" in p.message)
    assert (problem.path, problem.line) == ("docs/share/contributed.md", 7)


def test_a_paste_gives_its_entry_no_tags_and_its_owner_its_evidence(project):
    catalog = catalog_of(project)
    ub = by_title(catalog, "华为")
    assert {"vllm", "sglang", "tensorrt-llm", "inference-engine", "inference"}.isdisjoint(ub.tags)
    assert "supernode" in ub.tags


def test_a_paste_stays_out_of_excerpt_and_feed_text(project):
    catalog = catalog_of(project)
    contributed = by_title(catalog, "前缀缓存实践")
    assert "推理优化的基础" not in excerpt_of(contributed) and excerpt_of(contributed).startswith("前缀缓存让多轮对话")
    ub = by_title(catalog, "华为")
    assert "推理部署" not in excerpt_of(ub)


def test_the_page_shows_the_paste_and_search_leaves_it_out(project):
    from material.plugins.search.plugin import Parser

    catalog = catalog_of(project)
    renderer = SiteRenderer(catalog, plan_site(catalog, SiteLayout(root=project)), ROOT / "overrides")
    page = renderer.page_markdown("share/index.md", "")
    assert OPENING in page  # shown as upstream has it
    html = markdown.markdown(page, extensions=["attr_list", "md_in_html"])
    assert "vLLM、SGLang、TensorRT-LLM 等" in html
    parser = Parser()
    parser.feed(html)
    parser.close()
    indexed = " ".join("".join(section.text) for section in parser.data if not section.is_excluded())
    assert "高效推理部署成为关键" not in indexed
    assert "多维 Full-Mesh 拓扑" in indexed and "PagedAttention 提升显存利用率" in indexed


def test_one_article_listed_twice_is_a_duplicate_not_a_paste(tmp_path):
    copy_data(tmp_path)
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/share/index.md").write_text(MIRROR, encoding="utf-8")
    same = MIRROR.split("## [理解 KV Cache]")[1]
    (tmp_path / "docs/share/contributed.md").write_text(f"## 202510\n\n## [理解 KV Cache]{same}", encoding="utf-8")
    catalog = build_catalog(SiteLayout(tmp_path))
    assert catalog.duplicates and not [p for p in catalog.pastes if p.kind == "verbatim"]
