from __future__ import annotations

from pathlib import Path

from conftest import ROOT

from llminfra.domain.layout import SiteLayout
from llminfra.domain.taxonomy import FALLBACK_TAG, Taxonomy, tag_key
from llminfra.sources.loading import build_catalog

SMALL = """
tags:
  vllm:
    name: vLLM
    aliases: [VLLM]
    keywords: [vLLM]
  pd-disaggregation:
    name: PD 分离
    aliases: [PD分离, pd-disaggregation]
    keywords: [PD分离, PD 分离]
  kv-cache:
    name: KV Cache
    aliases: [kv-cache, KV cache]
    keywords: [KV cache, KV缓存]
  rag:
    name: RAG
    keywords: [RAG]
search_terms: [投机解码]
"""


def small() -> Taxonomy:
    return Taxonomy.from_yaml(SMALL, "data/taxonomy.yml")


def test_spellings_that_differ_by_case_width_or_separator_share_one_key():
    assert tag_key("PD分离") == tag_key("PD 分离") == tag_key("ＰＤ－分离") == tag_key("pd_分离")
    assert tag_key("KV-Cache") == tag_key("kv cache") == tag_key("ＫＶ　Ｃａｃｈｅ")


def test_explicit_tags_are_normalised_through_aliases():
    taxonomy = small()
    for spelling in ["vllm", "VLLM", "vLLM", "ｖＬＬＭ"]:
        assert taxonomy.resolve(spelling).slug == "vllm"
    for spelling in ["PD分离", "PD 分离", "pd-disaggregation", "PD-分离"]:
        assert taxonomy.resolve(spelling).slug == "pd-disaggregation"
    assert taxonomy.resolve("kv-cache").slug == taxonomy.resolve("KV Cache").slug == "kv-cache"


def test_unknown_explicit_tags_are_kept_once_whatever_their_spelling():
    taxonomy = small()
    first = taxonomy.resolve("MiniMax-M3")
    second = taxonomy.resolve("minimax m3")
    assert first.slug == second.slug == "minimax-m3"
    assert not first.known
    assert taxonomy.tags["minimax-m3"].name == "MiniMax-M3"
    chinese = taxonomy.resolve("显存优化")
    assert chinese.slug == "显存优化" and not chinese.known


def test_keywords_match_ascii_at_word_boundaries_and_chinese_as_substrings():
    taxonomy = small()
    assert taxonomy.keyword_tags("基于vLLM框架的KV缓存") == ["vllm", "kv-cache"]
    assert taxonomy.keyword_tags("让RAG学会思考") == ["rag"]
    assert taxonomy.keyword_tags("storage and GraphRAG") == []
    assert taxonomy.keyword_tags("PD 分离与 kv cache") == ["pd-disaggregation", "kv-cache"]
    assert taxonomy.keyword_tags("KVcache池化与KV  Cache") == ["kv-cache"]  # spaces in keywords are optional


def test_a_spelling_claimed_by_two_tags_is_reported():
    broken = Taxonomy.from_yaml("tags:\n  a:\n    name: A\n    aliases: [shared]\n  b:\n    name: B\n"
                                "    aliases: [SHARED]\n")
    assert len(broken.problems) == 1
    assert broken.problems[0].line == 5 and "already a spelling of 'a'" in broken.problems[0].message


def test_segmenter_words_include_chinese_keywords_and_search_terms():
    words = small().segmenter_words()
    assert "投机解码" in words and "PD分离" in words and "KV缓存" in words
    assert "vLLM" not in words


def test_project_taxonomy_has_no_conflicts_and_tags_every_seed_entry():
    catalog = build_catalog(SiteLayout(ROOT))
    assert catalog.taxonomy.problems == []
    assert catalog.untagged == []
    for entry in catalog.entries:
        assert entry.tags and FALLBACK_TAG not in entry.tags, entry.title
    share = [e for e in catalog.entries if e.kind.value == "share"]
    assert all(e.tags_from_keywords and len(e.tags) >= 2 for e in share)
    assert len(catalog.unknown_tags) < 10
    assert "vllm" in catalog.tags and catalog.tags["vllm"].known


def test_an_entry_matching_no_keyword_gets_the_fallback_tag_and_is_listed(tmp_path: Path):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/share/index.md").write_text("## 202509\n\n## [无关文章](https://e.com/x)\n\n天气很好。\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data/taxonomy.yml").write_text(SMALL)
    catalog = build_catalog(SiteLayout(tmp_path))
    assert catalog.entries[0].tags == [FALLBACK_TAG]
    assert catalog.untagged == catalog.entries
