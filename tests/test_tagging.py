"""Keyword tags by evidence (llminfra.domain.tagging): about, not mentions."""

from __future__ import annotations

from llminfra.domain.tagging import BROAD_THRESHOLD, MAX_KEYWORD_TAGS, THRESHOLD, ZONE_POINTS, KeywordTagger
from llminfra.sources.taxonomy_file import parse_taxonomy

TAXONOMY = """
tags:
  inference:
    name: 推理
    keywords: [推理, Inference]
    broad: true
    other_senses: [逻辑推理, Reasoning]
  llm:
    name: 大模型
    keywords: [大模型]
    broad: true
  kv-cache:
    name: KV Cache
    keywords: [KV cache]
    implies: [inference]
  kv-transfer:
    name: KV 传输
    keywords: [KV cache传输]
    implies: [kv-cache, inference]
  vllm:
    name: vLLM
    keywords: [vLLM]
    implies: [inference]
  sglang:
    name: SGLang
    keywords: [SGLang]
  cuda:
    name: CUDA
    keywords: [CUDA]
  attention:
    name: 注意力机制
    keywords: [注意力]
  pagedattention:
    name: PagedAttention
    keywords: [分页注意力]
  scheduling:
    name: 调度
    keywords: [调度]
    other_senses: [自动调度]
  rag:
    name: RAG
    keywords: [RAG]
"""


def tagger() -> KeywordTagger:
    taxonomy = parse_taxonomy(TAXONOMY, "data/taxonomy.yml")
    assert taxonomy.problems == []
    return KeywordTagger(taxonomy)


def decision(tagging, slug):
    return next(d for d in tagging.decisions if d.slug == slug)


def test_the_weights_reward_title_and_opening_over_a_passing_mention():
    assert ZONE_POINTS["title"] > ZONE_POINTS["opening"] > ZONE_POINTS["body"]
    assert ZONE_POINTS["title"] >= THRESHOLD and ZONE_POINTS["body"] < THRESHOLD <= ZONE_POINTS["opening"]


def test_a_name_dropped_once_in_the_body_is_a_mention_not_a_tag():
    tagging = tagger().tag("SGLang 的调度器详解", "本文分析 SGLang 的请求调度。后文与 vLLM 做了对比。")
    assert "sglang" in tagging.tags and "scheduling" in tagging.tags
    assert "vllm" not in tagging.tags
    vllm = decision(tagging, "vllm")
    assert not vllm.accepted and "mention" in vllm.reason and vllm.score < THRESHOLD
    assert [(e.keyword, e.zone, e.count) for e in vllm.evidence] == [("vllm", "body", 1)]


def test_repeated_mentions_add_up():
    tagging = tagger().tag("一篇综述", "开头一句。正文提到 vLLM，再次提到 vLLM。")
    assert "vllm" in tagging.tags and decision(tagging, "vllm").score == 2 * ZONE_POINTS["body"]


def test_names_in_a_list_or_as_examples_count_half():
    tagging = tagger().tag("RAG 架构", "开头一句。vLLM、SGLang 等系统已经实现，例如 SGLang。")
    sglang = decision(tagging, "sglang")
    assert all(e.passing for e in sglang.evidence) and not sglang.accepted
    assert sglang.score == 2 * ZONE_POINTS["body"] / 2


def test_a_negated_name_is_no_evidence():
    tagging = tagger().tag("不会 CUDA 也能看懂的 FlashAttention", "以零 CUDA 基础为前提。无需CUDA术语。")
    assert not any(d.slug == "cuda" for d in tagging.decisions)


def test_emphasis_counts_more_than_plain_body_text():
    plain = decision(tagger().tag("一篇文章", "开头一句。正文提到调度。"), "scheduling")
    bold = decision(tagger().tag("一篇文章", "开头一句。正文提到**调度**。"), "scheduling")
    assert bold.score > plain.score and bold.evidence[0].zone == "emphasis"


def test_keywords_a_term_begins_with_count_too_but_not_those_it_ends_with():
    tagging = tagger().tag("KV cache传输的实战", "开头一句。正文。")
    assert {"kv-transfer", "kv-cache"} <= set(tagging.tags)  # "KV cache传输" is also "KV cache"
    paged = tagger().tag("分页注意力详解", "开头一句。")
    assert "pagedattention" in paged.tags and "attention" not in paged.tags  # a kind of attention, with a tag


def test_a_broad_tag_needs_to_be_the_subject():
    mentioned = tagger().tag("SGLang 调度器", "开头提到大模型。正文又说大模型推理。")
    assert "llm" not in mentioned.tags and "inference" not in mentioned.tags
    assert "broad" in decision(mentioned, "llm").reason
    subject = tagger().tag("大模型推理的全景", "大模型推理是本文主题。正文讲推理，推理。")
    assert {"llm", "inference"} <= set(subject.tags)
    assert decision(subject, "inference").score >= BROAD_THRESHOLD


def test_a_narrower_tag_implies_the_broad_one_where_the_word_never_occurs():
    tagging = tagger().tag("KV cache 池化会比重算更快吗", "本文计算 KV cache 传输的代价。")
    assert "inference" in tagging.tags
    assert "implied by kv-cache" in decision(tagging, "inference").reason


def test_another_sense_of_the_keyword_gives_no_evidence():
    reasoning = tagger().tag("让 RAG 学会推理", "推理密集型检索需要多步逻辑推理（Reasoning）。推理。")
    assert "inference" not in reasoning.tags
    assert "other sense" in decision(reasoning, "inference").reason
    # The same word with a narrower inference tag: implied, whatever the other sense.
    both = tagger().tag("vLLM 推理加速", "vLLM 在数学与逻辑推理任务上更快。")
    assert "inference" in both.tags
    compiler = tagger().tag("算子语言的自动调度", "通过自动调度机制生成代码。")
    assert "scheduling" not in compiler.tags


def test_at_most_the_best_tags_and_at_least_the_strongest_one():
    many = TAXONOMY + "".join(f"  t{i}:\n    keywords: [词{i}号]\n" for i in range(12))
    taxonomy = parse_taxonomy(many, "data/taxonomy.yml")
    title = "".join(f"词{i}号" for i in range(12))
    tagging = KeywordTagger(taxonomy).tag(title, "开头一句。")
    assert len(tagging.tags) == MAX_KEYWORD_TAGS
    assert sum(1 for d in tagging.decisions if "beyond" in d.reason) == 12 - MAX_KEYWORD_TAGS
    weak = tagger().tag("一篇文章", "开头一句。只在正文提了一次 SGLang。")
    assert weak.tags == ["sglang"] and "strongest" in decision(weak, "sglang").reason
    assert tagger().tag("天气", "很好。").tags == []


def test_a_keyword_in_a_link_target_is_no_evidence():
    tagging = tagger().tag("一篇文章", "见[原文](https://github.com/vllm-project/vllm)。")
    assert not any(d.slug == "vllm" for d in tagging.decisions)


def test_the_schema_of_the_new_keys_is_checked_at_its_lines():
    text = ("tags:\n  a:\n    broad: maybe\n    implies: [nowhere, a]\n    other_senses: x\n"
            "  b:\n    broad: true\n    implies: [a]\n")
    problems = [str(p) for p in parse_taxonomy(text, "data/taxonomy.yml").problems]
    assert problems == [
        "data/taxonomy.yml:3: tag 'a': broad must be true or false, not the string 'maybe' "
        "(write 'broad: true' or leave the key out)",
        "data/taxonomy.yml:5: tag 'a': other_senses must be a list, not the string 'x' "
        "(a single value is not a list: write [x])",
        "data/taxonomy.yml:4: tag 'a': implies 'nowhere', which is not a tag of the file "
        "(name the slug of a broader tag)",
        "data/taxonomy.yml:4: tag 'a': implies 'a', which is itself (name the slug of a broader tag)"]
