"""Editors' tag corrections (data/tag_corrections.yml), explicit tags kept as written, and tags --explain."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, copy_data, copy_project, run_mkdocs_build

from llminfra.commands.cli import main
from llminfra.domain.catalog import assemble_catalog
from llminfra.domain.document import ParsedSource, SourceText
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import Entry, PartialDate, SourceKind, SourceLocation
from llminfra.sources.loading import build_catalog, read_taxonomy
from llminfra.sources.tag_corrections_file import parse_tag_corrections

SHARE = """## 202509

## [KV cache池化传输会比重算更快吗](https://mp.weixin.qq.com/s?__biz=AAA==&mid=1&idx=1&sn=abc&chksm=x#rd)

本文系统分析了 KV cache 池化传输与重计算的性能权衡。带宽参数取自常见链路，如 NVLink。

## [理解大模型推理中的 KV Cache](https://example.com/kv)

KV Cache 是提升大语言模型推理效率的关键技术。
"""
WECHAT = "https://mp.weixin.qq.com/s?__biz=AAA==&mid=1&idx=1&sn=abc"


@pytest.fixture()
def project(tmp_path) -> Path:
    copy_data(tmp_path)
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/share/index.md").write_text(SHARE, encoding="utf-8")
    return tmp_path


def write(project: Path, text: str) -> None:
    (project / "data/tag_corrections.yml").write_text(text, encoding="utf-8")


def tags_of(project: Path, start: str) -> list[str]:
    catalog = build_catalog(SiteLayout(project))
    return next(e for e in catalog.entries if e.title.startswith(start)).tags


def test_the_committed_file_reads_without_problems_and_says_how_to_write_it():
    """Whatever corrections editors add, the file stays readable; its header shows the format."""
    text = (ROOT / "data/tag_corrections.yml").read_text(encoding="utf-8")
    corrections = parse_tag_corrections(text)
    assert corrections.problems == []
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "add:" in header and "remove:" in header and "canonical" in header


def test_a_file_of_comments_only_corrects_nothing():
    corrections = parse_tag_corrections("# only a header\n#   add: [x]\n")
    assert corrections.corrections == [] and corrections.problems == []


def test_corrections_add_and_remove_tags_by_article_link_in_any_form(project):
    before = tags_of(project, "KV cache池化")
    assert "kv-transfer" in before and "rdma" not in before
    # The share link with its tracking parameters and fragment: compared in canonical form.
    write(project, f'"{WECHAT}&chksm=zzz&scene=1#rd":\n  add: [rdma]\n  remove: [kv-transfer]\n')
    after = tags_of(project, "KV cache池化")
    assert after == [slug for slug in before if slug != "kv-transfer"] + ["rdma"]
    assert not build_catalog(SiteLayout(project)).errors


def test_removing_every_tag_leaves_the_fallback_tag(project):
    tags = tags_of(project, "理解大模型")
    write(project, "https://example.com/kv:\n  remove: [" + ", ".join(tags) + "]\n")
    catalog = build_catalog(SiteLayout(project))
    entry = next(e for e in catalog.entries if e.link == "https://example.com/kv")
    assert entry.tags == ["uncategorized"] and entry in catalog.untagged


@pytest.mark.parametrize("text, expected", [
    ("- https://example.com/kv\n",
     ["data/tag_corrections.yml:1: the file must be a mapping of article link: {add: [...], remove: [...]} "
      "(write each link as a key, its corrections indented under it)"]),
    ("not-a-link:\n  add: [rdma]\n",
     ["data/tag_corrections.yml:1: 'not-a-link' is not an article link (write the entry's http(s) link as the key)"]),
    ("https://example.com/kv: [rdma]\n",
     ["data/tag_corrections.yml:1: the corrections of https://example.com/kv must be a mapping with add: and/or "
      "remove: (indent 'add: [slug]' or 'remove: [slug]' under the link)"]),
    ("https://example.com/kv:\n  add: rdma\n",
     ["data/tag_corrections.yml:2: add must be a list of tag slugs, not 'rdma' (a single tag is a list too: "
      "write [rdma])"]),
    ("https://example.com/kv:\n  ad: [rdma]\n",
     ["data/tag_corrections.yml:2: unknown key 'ad' (expected add: or remove:)"]),
    (f'"{WECHAT}":\n  add: [rdma]\n"{WECHAT}&scene=1#rd":\n  add: [gpu]\n',
     [f"data/tag_corrections.yml:3: {WECHAT} is corrected twice (first at line 1) (merge the two)"]),
    ("https://example.com/nothing:\n  add: [rdma]\n",
     ["data/tag_corrections.yml:1: no entry links to https://example.com/nothing (use the article link of a "
      "share-list entry; links are compared in canonical form)"]),
    ("https://example.com/kv:\n  add:\n    - rdma\n    - no-such-tag\n",
     ["data/tag_corrections.yml:4: tag 'no-such-tag' is not in data/taxonomy.yml (use the slug of a tag of the "
      "taxonomy)"]),
    ("https://example.com/kv:\n  add: [rdma\n",
     ["data/tag_corrections.yml:3: YAML syntax error: did not find expected ',' or ']' while parsing a flow "
      "sequence started at line 2 (fix the YAML syntax)"]),
])
def test_bad_corrections_are_errors_at_their_line(project, text, expected):
    write(project, text)
    catalog = build_catalog(SiteLayout(project))
    assert [str(p) for p in catalog.errors if p.path == "data/tag_corrections.yml"] == expected


def test_a_correction_that_changes_nothing_is_a_notice(project):
    tags = tags_of(project, "理解大模型")
    write(project, f"https://example.com/kv:\n  add: [{tags[0]}]\n  remove: [rdma]\n")
    catalog = build_catalog(SiteLayout(project))
    notices = [str(p) for p in catalog.problems if p.path == "data/tag_corrections.yml"]
    assert not catalog.errors and len(notices) == 2
    assert f"already has tag {tags[0]!r}" in notices[1] and "has no tag 'rdma' to remove" in notices[0]


def test_bad_corrections_fail_check_and_the_strict_build(tmp_path, capsys):
    project = copy_project(tmp_path / "project", with_content=False)
    (project / "docs/share").mkdir()
    (project / "docs/share/index.md").write_text(SHARE, encoding="utf-8")
    write(project, "https://example.com/kv:\n  add: [no-such-tag]\n")
    expected = "data/tag_corrections.yml:2: tag 'no-such-tag' is not in data/taxonomy.yml"
    assert main(["--root", str(project), "check"]) == 1
    assert expected in capsys.readouterr().err
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0 and expected in result.stderr and "Traceback" not in result.stderr


def test_explicit_tags_are_kept_as_written_and_cannot_be_corrected_here(project):
    """A contributor's entry with explicit #tags (parsed into Entry.explicit_tags) keeps them, through aliases."""
    taxonomy = read_taxonomy(SiteLayout(project))
    text = SourceText("docs/share/contributed.md", "", [""] * 4)
    source = ParsedSource(SourceKind.SHARE, text, "share/contributed.md")
    entry = Entry(SourceKind.SHARE, "vLLM 的 KV Cache 与调度", "https://example.com/mine", PartialDate(2025, 10, 3),
                  SourceLocation("docs/share/contributed.md", 3), "share/contributed.md", "a-mine",
                  summary="本文讲 vLLM、SGLang 与 KV cache 的调度。", explicit_tags=["VLLM", "PD 分离", "my-own"])
    source.entries.append(entry)
    write(project, "https://example.com/mine:\n  add: [rdma]\n")
    from llminfra.sources.tag_corrections_file import read_tag_corrections

    catalog = assemble_catalog(SiteLayout(project), taxonomy, [source],
                               corrections=read_tag_corrections(project, "data/tag_corrections.yml"))
    assert entry.tags == ["vllm", "pd-disaggregation", "my-own"] and not entry.tags_from_keywords
    assert [str(p) for p in catalog.errors] == [
        "data/tag_corrections.yml:1: the entry at docs/share/contributed.md:3 has tags written in its source "
        "(change its #tags there)"]


def test_explain_prints_each_tag_with_its_evidence_and_the_rejected_ones(project, capsys):
    write(project, f'"{WECHAT}":\n  add: [rdma]\n')
    code = main(["--root", str(project), "tags", "--explain", WECHAT + "&chksm=x#rd"])
    out = capsys.readouterr().out
    assert code == 0
    given, rejected = out.split("考虑后未给出 considered and rejected")
    assert "kv-transfer · KV 传输" in given and "'kv cache池化' in 标题 title ×1 = 3" in given
    assert "inference · 推理 (broad): 0 points; 由 kv-cache 推出 implied by kv-cache" in given
    assert "nvlink · NVLink" in rejected and "只是提及 a mention" in rejected
    assert "更正 corrections at data/tag_corrections.yml:1: +rdma" in out
    assert out.rstrip().splitlines()[-1].startswith("显示 shown: ") and "rdma (RDMA)" in out.splitlines()[-1]
    code = main(["--root", str(project), "tags", "--explain", "https://example.com/none"])
    assert code == 2 and "no entry links to https://example.com/none" in capsys.readouterr().err
