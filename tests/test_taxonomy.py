from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_mkdocs_build

from llminfra.commands.cli import main
from llminfra.domain.layout import SiteLayout
from llminfra.domain.taxonomy import FALLBACK_TAG, Taxonomy, tag_key
from llminfra.sources.loading import build_catalog
from llminfra.sources.taxonomy_file import parse_taxonomy

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
    return parse_taxonomy(SMALL, "data/taxonomy.yml")


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
    broken = parse_taxonomy("tags:\n  a:\n    name: A\n    aliases: [shared]\n  b:\n    name: B\n"
                                "    aliases: [SHARED]\n")
    assert len(broken.problems) == 1
    # Reported at the alias that repeats the spelling.
    assert broken.problems[0].line == 7 and "already a spelling of 'a'" in broken.problems[0].message


def test_chinese_terms_include_chinese_keywords_and_search_terms():
    from search_queries import chinese_terms

    words = chinese_terms(small())
    assert "投机解码" in words and "PD分离" in words and "KV缓存" in words
    assert "vLLM" not in words


@pytest.mark.content
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


# -- schema ------------------------------------------------------------------------


def problems_of(text: str) -> list[str]:
    return [str(problem) for problem in parse_taxonomy(text, "data/taxonomy.yml").problems]


def test_a_string_where_a_list_belongs_is_an_error_not_single_letters():
    text = "tags:\n  vllm:\n    name: vLLM\n    aliases: vllm-project\n    keywords: vLLM\n"
    taxonomy = parse_taxonomy(text, "data/taxonomy.yml")
    assert [str(p) for p in taxonomy.problems] == [
        "data/taxonomy.yml:4: tag 'vllm': aliases must be a list, not the string 'vllm-project' "
        "(a single value is not a list: write [vllm-project])",
        "data/taxonomy.yml:5: tag 'vllm': keywords must be a list, not the string 'vLLM' "
        "(a single value is not a list: write [vLLM])"]
    assert taxonomy.tags["vllm"].aliases == [] and taxonomy.tags["vllm"].keywords == []
    assert taxonomy.resolve("v").slug != "vllm"  # no one-letter aliases
    assert taxonomy.keyword_tags("v L L M") == []


@pytest.mark.parametrize("text, expected", [
    ("- vllm\n- rag\n", ["data/taxonomy.yml:1: the file must be a mapping with 'tags:' and 'search_terms:', "
                         "not a list (start the file with 'tags:')"]),
    ("tags: [vllm, rag]\n", ["data/taxonomy.yml:1: 'tags' must be a mapping of slug: tag, not a list "
                             "(write each tag as '  slug:' on its own line under 'tags:')"]),
    ("tags:\n  vllm: vLLM\n", ["data/taxonomy.yml:2: tag 'vllm' must be a mapping (name:, aliases:, keywords:, "
                               "description:), not the string 'vLLM' (indent its fields under the slug)"]),
    ("tags:\n  vllm:\n    name: [vLLM]\n", ["data/taxonomy.yml:3: tag 'vllm': name must be a string, not a list "
                                             "(quote it if it is meant as text)"]),
    ("tags:\n  a:\n    keywords: [2024, yes]\n", [
        "data/taxonomy.yml:3: tag 'a': keywords item must be a string, not the int '2024' "
        "(quote it if it is meant as text)",
        "data/taxonomy.yml:3: tag 'a': keywords item must be a string, not the bool 'yes' "
        "(quote it if it is meant as text)"]),
    ("tags:\n  a:\n    aliases:\n      - x\n      -\n", [
        "data/taxonomy.yml:5: tag 'a': aliases has an empty item (remove it)"]),
    ("search_terms: 投机解码\n", ["data/taxonomy.yml:1: search_terms must be a list, not the string '投机解码' "
                              "(a single value is not a list: write [投机解码])"]),
])
def test_wrong_types_are_reported_at_their_line(text, expected):
    assert problems_of(text) == expected


def test_unknown_keys_are_reported_at_their_line():
    text = "tags:\n  vllm:\n    name: vLLM\n    keyword: [vLLM]\nsearch_term: [x]\n"
    assert problems_of(text) == [
        "data/taxonomy.yml:4: tag 'vllm': unknown key 'keyword' (expected one of: name, aliases, keywords, "
        "description, broad, implies, other_senses)",
        "data/taxonomy.yml:5: unknown key 'search_term' (expected one of: tags, search_terms)"]


def test_duplicate_slugs_keys_and_aliases_are_reported():
    text = ("tags:\n  vllm:\n    name: vLLM\n  rag:\n    name: RAG\n    name: R\n"
            "  vllm:\n    name: V\n  sglang:\n    aliases: [SGLang, vllm]\n")
    assert problems_of(text) == [
        "data/taxonomy.yml:6: tag 'rag': key 'name' is given twice (first at line 5) (keep one)",
        "data/taxonomy.yml:7: tag 'vllm' is listed twice (first at line 2) (merge the two entries)",
        "data/taxonomy.yml:10: tag 'sglang': 'vllm' is already a spelling of 'vllm' "
        "(remove the alias from one of the two tags)"]


def test_slugs_must_be_url_words():
    assert problems_of("tags:\n  KV Cache:\n    name: KV Cache\n") == [
        "data/taxonomy.yml:2: tag slug 'KV Cache' is not lowercase ASCII words joined by '-' "
        "(it becomes the tag page's URL; put other spellings under 'aliases:')"]


@pytest.mark.parametrize("text, line, start", [
    ("tags:\n  vllm:\n    name: [vLLM\n", 4, "YAML syntax error: did not find expected ',' or ']' while parsing a "
                                            "flow sequence started at line 3"),
    ("tags:\n  vllm:\n    name: vLLM\n   bad: indent\n", 4, "YAML syntax error: "),
    ("tags:\n\tvllm: {}\n", 2, "YAML syntax error: "),
    ("tags: {}\n---\ntags: {}\n", 2, "YAML syntax error: "),
])
def test_yaml_syntax_errors_are_problems_with_the_line_not_tracebacks(text, line, start):
    problems = parse_taxonomy(text, "data/taxonomy.yml").problems
    assert len(problems) == 1
    assert problems[0].line == line and problems[0].message.startswith(start), problems[0]


def test_empty_or_null_parts_are_allowed():
    assert problems_of("") == [] and problems_of("# only a comment\n") == []
    taxonomy = parse_taxonomy("tags:\n  vllm:\nsearch_terms:\n", "data/taxonomy.yml")
    assert taxonomy.problems == [] and taxonomy.tags["vllm"].name == "vllm"


@pytest.mark.content
def test_the_project_taxonomy_passes_the_schema():
    text = (ROOT / "data/taxonomy.yml").read_text(encoding="utf-8")
    assert problems_of(text) == []


def test_a_bad_taxonomy_fails_check_and_the_strict_build(tmp_path, capsys):
    project = copy_project(tmp_path / "project", with_content=False)
    taxonomy = project / "data/taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    bad = text.replace("    aliases: [LLM, LLMs, 大语言模型, large-language-model]\n", "    aliases: LLM\n", 1)
    assert bad != text
    line = bad[: bad.index("    aliases: LLM\n")].count("\n") + 1
    taxonomy.write_text(bad, encoding="utf-8")
    expected = f"data/taxonomy.yml:{line}: tag 'llm': aliases must be a list, not the string 'LLM'"
    assert main(["--root", str(project), "check"]) == 1
    assert expected in capsys.readouterr().err
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0 and expected in result.stderr and "Traceback" not in result.stderr
