"""Synthetic content for the benchmarks, in the project's real source formats.

    python bench/generate.py --size 1000 --out bench/out/1000 [--seed 7]

writes a complete project copy: ``mkdocs.yml``, ``hooks/``, ``overrides/``
and ``data/`` copied from the repository (the taxonomy extended with
synthetic tags), and a generated ``docs/``:

- ``docs/share/<year>.md``: share lists in the upstream README format, one
  file per year (``## YYYYMM`` months newest first, 20-28 entries a month,
  ``## [title](WeChat link)`` entries dated by a contributor's date line
  (not the mirror: no ledger), summaries of 200-400 characters, ~30%
  with an ``<audio>`` block), plus ``docs/share/index.md`` linking the years;
- ``docs/series/index.md``: the series index (``## [title](link)``, then
  ``date | categories | #tags``, then the description);
- ``docs/notes/<date>-<author>.md``: screening notes whose kept items
  (``### N. title`` under a 保留 section) are entries.

The mix is ~80% share entries, ~10% series, ~10% note items; the catalog of
the generated project holds exactly ``size`` entries. Series and notes carry
explicit ``#tags`` drawn from a ~300-tag vocabulary with a Zipf-like
distribution; share entries are untagged and get their tags from keywords
that the summaries contain. The output depends only on ``size`` and
``seed``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import hashlib
import random
import shutil
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("mkdocs.yml", "hooks", "overrides", "data")
SIZES = {"smoke": 100, "1k": 1000, "10k": 10000}
VOCABULARY_SIZE = 300
NEWEST_MONTH = (2026, 5)
NOTE_ITEMS = (5, 9)  # kept items per note

# -- word pools ------------------------------------------------------------

TERMS = [
    "vLLM", "SGLang", "TensorRT-LLM", "KV cache", "FlashAttention", "PagedAttention", "NCCL", "RDMA",
    "MoE", "LoRA", "FP8", "INT4", "Triton", "CUDA Graph", "Prefill", "Decode", "TTFT", "TPOT", "H100",
    "H200", "B200", "NVLink", "InfiniBand", "DeepSpeed", "Megatron-LM", "PyTorch", "torch.compile",
    "Ray", "Kubernetes", "GQA", "MLA", "RoPE", "GEMM", "CUTLASS", "HBM", "Tensor Core", "DeepSeek-V3",
    "Qwen3", "Llama 3", "speculative decoding", "continuous batching", "prefix caching", "ZeRO-3",
]
SUBJECTS = [
    "本文", "作者", "该团队", "文章", "这篇长文", "研究团队", "社区维护者", "工程团队", "论文作者", "笔者",
]
VERBS = [
    "系统梳理了", "深入剖析了", "从源码层面拆解了", "通过实测对比了", "提出了一种改进的", "复盘了",
    "总结了", "量化分析了", "给出了", "详细介绍了",
]
TOPICS = [
    "推理服务的调度策略", "显存管理机制", "通信与计算重叠方案", "长上下文下的注意力实现", "分布式训练的容错设计",
    "算子融合与编译优化", "多租户场景下的资源隔离", "批处理与排队模型", "量化后的精度损失", "集群网络拓扑选型",
    "检查点保存与恢复流程", "请求路由与负载均衡", "专家并行下的负载不均问题", "冷启动与模型加载时间",
    "端到端延迟的构成", "流水线并行的气泡问题", "缓存命中率与复用策略", "异构硬件上的部署经验",
]
# Topics, fillers and effects below contain no taxonomy keyword, so an entry
# gets about as many keyword tags as the real share list (~5).
NEUTRAL_TOPICS = [
    "通信与计算重叠方案", "多租户场景下的资源隔离", "批处理与排队模型", "冷启动与模型加载时间", "端到端延迟的构成",
    "缓存命中率与复用策略", "异构硬件上的部署经验", "版本升级中的兼容问题", "配置参数的取舍",
]
FILLERS = [
    "实验覆盖了从小规模到上千卡的多种配置", "并对比了不同版本之间的差异", "文中逐步给出了关键代码路径和配置参数",
    "同时讨论了在线业务中常见的抖动与回退策略", "读者可以按照文中的步骤在自己的环境中复现",
    "作者还整理了踩坑记录和对应的排查思路", "并解释了每个设计取舍背后的原因", "数据来自作者团队的线上环境",
    "也分析了方案在极端负载下的表现", "给出了一份可以直接套用的检查清单",
]
EFFECTS = [
    "吞吐提升了 {n}%", "端到端耗时下降了 {n}%", "整体开销减少了 {n}%", "单卡成本下降了 {n}%",
    "首令牌延迟降低了 {n}%", "稳定性指标改善了 {n}%",
]
CLOSINGS = [
    "文章最后给出了可复现的配置与压测脚本，适合作为生产部署的参考。",
    "作者也指出了当前方案的局限，包括对特定硬件的依赖和调参成本。",
    "对于正在搭建推理平台的团队，这些经验可以直接用来评估技术选型。",
    "文中的实验数据来自真实业务流量，结论比单纯的基准测试更有说服力。",
    "整体来看，这是理解该方向工程权衡的一篇好材料。",
    "附带的火焰图和时间线分析清楚地展示了瓶颈所在。",
]
TITLE_PATTERNS = [
    "深入理解{term}：{topic}", "{term}实战：{topic}的工程细节", "一文讲透{term}与{topic}",
    "从零实现{term}（{n}）：{topic}", "{term}性能优化复盘：{topic}", "为什么{term}能解决{topic}？",
    "{term}在生产环境中的{topic}", "拆解{term}：{topic}与演进路线",
]
CATEGORIES = ["architecture", "ai-infra", "training", "inference", "serving", "hardware", "ops", "rag", "agent"]
AUTHORS = ["jay", "lin", "wei", "mo", "qiu", "han"]
SOURCES_SITES = ["vllm.ai/blog", "developer.nvidia.com/blog", "github.com/sgl-project/sglang/issues",
                 "arxiv.org/abs", "pytorch.org/blog", "huggingface.co/blog"]
# Synthetic tag names: Chinese prefix x suffix, plus an English display alias.
TAG_PREFIXES = ["弹性", "稀疏", "异构", "分层", "自适应", "低比特", "零拷贝", "多级", "流式", "确定性",
                "冷热分离", "近存", "无损", "跨域", "分片"]
TAG_SUFFIXES = ["调度器", "缓存池", "通信库", "编译栈", "存储层", "路由器", "批处理", "算子库", "检查点",
                "压测框架", "观测平台", "量化器"]
EN_PREFIXES = ["Elastic", "Sparse", "Hetero", "Tiered", "Adaptive", "LowBit", "ZeroCopy", "MultiLevel",
               "Streaming", "Deterministic", "HotCold", "NearMem", "Lossless", "CrossDomain", "Sharded"]
EN_SUFFIXES = ["Scheduler", "CachePool", "CommLib", "CompilerStack", "StorageTier", "Router", "Batcher",
               "KernelLib", "Checkpoint", "LoadTest", "Observatory", "Quantizer"]


@dataclass
class Tag:
    slug: str
    keyword: str  # a word that, in a summary, gives an untagged entry this tag


@dataclass
class Plan:
    size: int
    share: int
    series: int
    notes: int


@dataclass
class Generated:
    root: Path
    plan: Plan
    files: list[str] = field(default_factory=list)


def plan_for(size: int, share_only: bool = False) -> Plan:
    if share_only:
        return Plan(size, size, 0, 0)
    series = round(size * 0.1)
    notes = round(size * 0.1)
    return Plan(size, size - series - notes, series, notes)


class ContentWriter:
    def __init__(self, seed: int, vocabulary: list[Tag]):
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary
        # Zipf-like: the k-th most common tag is used ~1/k as often as the first.
        self.weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
        self.used_links: set[str] = set()
        self.used_anchors: set[str] = set()
        self.audio_urls: list[str] = []

    # -- pieces -----------------------------------------------------------

    def zipf_tags(self, low: int, high: int) -> list[Tag]:
        wanted = self.rng.randint(low, high)
        chosen: dict[str, Tag] = {}
        while len(chosen) < wanted:
            tag = self.rng.choices(self.vocabulary, self.weights)[0]
            chosen.setdefault(tag.slug, tag)
        return list(chosen.values())

    def title(self) -> str:
        pattern = self.rng.choice(TITLE_PATTERNS)
        return pattern.format(term=self.rng.choice(TERMS), topic=self.rng.choice(TOPICS), n=self.rng.randint(1, 9))

    def sentence(self, keyword: str | None = None) -> str:
        """One sentence of 50-90 characters naming one technical term (``keyword`` if given)."""
        term = keyword or self.rng.choice(TERMS)
        effect = self.rng.choice(EFFECTS).format(n=self.rng.randint(5, 95))
        topic = self.rng.choice(TOPICS) if self.rng.random() < 0.5 else self.rng.choice(NEUTRAL_TOPICS)
        return (f"{self.rng.choice(SUBJECTS)}{self.rng.choice(VERBS)}{term}的{topic}，"
                f"{self.rng.choice(FILLERS)}，{effect}。")

    def summary(self, keywords: list[str], low: int = 200, high: int = 400) -> str:
        """Chinese prose with English terms, ``low``-``high`` characters, containing ``keywords``."""
        target = self.rng.randint(low, high)
        closing = self.rng.choice(CLOSINGS)
        parts = [self.sentence(k) for k in keywords]
        others: list[str] = []
        while sum(map(len, parts + others)) + len(closing) < target:
            others.append(self.sentence())
        self.rng.shuffle(others)
        # The sentences with the keywords come first: cutting the text to length never drops a tag.
        text = "".join(parts + others) + closing
        if len(text) > high:
            text = text[: high - 1] + "。"
        return text

    def unique_link(self, make) -> str:
        while True:
            link = make()
            if link not in self.used_links:
                self.used_links.add(link)
                return link

    def wechat_link(self) -> str:
        def make() -> str:
            hexchars = "0123456789abcdef"
            biz = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(14)) + "=="
            sn = "".join(self.rng.choice(hexchars) for _ in range(32))
            chksm = "".join(self.rng.choice(hexchars) for _ in range(96))
            srcid = f"{self.rng.randint(1000, 1231)}" + "".join(
                self.rng.choice(string.ascii_letters) for _ in range(20))
            share = "".join(self.rng.choice(hexchars) for _ in range(32))
            return (f"https://mp.weixin.qq.com/s?__biz={biz}&mid={self.rng.randint(2247480000, 2651299999)}"
                    f"&idx={self.rng.randint(1, 4)}&sn={sn}&chksm={chksm}&mpshare=1&scene=1&srcid={srcid}"
                    f"&sharer_shareinfo={share}&sharer_shareinfo_first={share}#rd")
        while True:
            link = self.unique_link(make)
            # Share anchors are a hash of the canonical link: keep them unique.
            anchor = hashlib.sha1(_canonical_wechat(link).encode()).hexdigest()[:8]
            if anchor not in self.used_anchors:
                self.used_anchors.add(anchor)
                return link

    def audio_block(self, month_key: str) -> list[str]:
        name = "".join(self.rng.choice(string.ascii_letters) for _ in range(10))
        url = f"https://github.com/DongminWu/LLM-Infra-sys/raw/refs/heads/main/{month_key}/{name}.mp3"
        self.audio_urls.append(url)
        return ["<audio controls>", f'  <source src="{url}" '
                'type="audio/mp3">',
                "</audio>"]

    def audio_records(self) -> str:
        """data/audio.yml as `llminfra audio` would write it (a real site has its clips measured)."""
        records = {}
        for url in sorted(self.audio_urls):
            digest = hashlib.sha256(url.encode()).hexdigest()
            seconds = 60 + int(digest[:4], 16) % 900  # 1 to 16 minutes at 96 kbps
            records[url] = {"bytes": seconds * 12_000, "duration": float(seconds), "mime": "audio/mpeg",
                            "sha256": digest}
        return "# Generated by bench/generate.py.\n" + yaml.safe_dump(records, sort_keys=False, width=1000)

    # -- share lists ------------------------------------------------------

    def share_months(self, count: int) -> list[tuple[int, int, int]]:
        """(year, month, entries) from the newest month back until ``count`` entries."""
        months = []
        year, month = NEWEST_MONTH
        left = count
        while left > 0:
            # ~24 share entries a month: with the series and notes, the ~30 entries a month the real site adds,
            # so 10,000 entries span ~28 years (their weeks and months are as many as the real site's would be).
            take = min(left, self.rng.randint(20, 28))
            months.append((year, month, take))
            left -= take
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months

    def share_entry(self, month_key: str, day: dt.date, dated: bool = True) -> list[str]:
        tags = self.zipf_tags(1, 3)
        keywords = [t.keyword for t in tags]
        # A contributor's list: each entry dated by the day it was added (the mirror alone is dated by the ledger).
        lines = [f"## [{self.title()}]({self.wechat_link()})"] + ([day.isoformat()] if dated else []) + [""]
        summary = self.summary(keywords)
        if self.rng.random() < 0.25:  # some summaries are two paragraphs
            cut = summary.find("。", len(summary) // 2)
            if 0 < cut < len(summary) - 1:
                summary = summary[: cut + 1] + "\n\n" + summary[cut + 1 :]
        lines += [summary, ""]
        if self.rng.random() < 0.3:
            lines += self.audio_block(month_key) + [""]
        lines.append("")
        return lines

    def share_files(self, count: int, one_file: bool = False) -> dict[str, str]:
        by_year: dict[int, list[str]] = {}
        for year, month, entries in self.share_months(count):
            lines = by_year.setdefault(year, [])
            key = f"{year:04d}{month:02d}"
            lines += [f"## {key}", ""]
            last = calendar.monthrange(year, month)[1]
            days = sorted((self.rng.randint(1, last) for _ in range(entries)), reverse=True)  # newest first
            for day in days:
                lines += self.share_entry(key, dt.date(year, month, day), dated=not one_file)
        files = {}
        if one_file:
            # The whole list in share/index.md, as upstream's README keeps it (newest month first).
            head = ["# LLM-AI-Infra-system好文分享 (文章标题是链接可以点击)", "", ""]
            files["share/index.md"] = "\n".join(head + [line for lines in by_year.values() for line in lines])
            return files
        for year, lines in by_year.items():
            head = [f"# LLM-AI-Infra-system好文分享 · {year} (文章标题是链接可以点击)", "", ""]
            files[f"share/{year}.md"] = "\n".join(head + lines)
        # share/index.md is where the real site mirrors upstream's README; here it holds no entries of its own
        # (the navigation lists the years), and text before a first month would be a notice in a mirror.
        index = ["---", "title: 好文分享", "description: 每年一个文件，月份从新到旧。", "---", "",
                 "# LLM-AI-Infra-system好文分享"]
        files["share/index.md"] = "\n".join(index) + "\n"
        return files

    # -- series -----------------------------------------------------------

    def series_file(self, count: int, header: str) -> str:
        lines = [header.rstrip(), ""]
        day = dt.date(NEWEST_MONTH[0], NEWEST_MONTH[1], 1) - dt.timedelta(days=count * 3)
        for number in range(1, count + 1):
            day += dt.timedelta(days=self.rng.randint(1, 5))
            slug = f"{number:04d}-" + self.rng.choice(["intro", "gpu", "cuda", "serving", "rag", "agent", "ops"])
            link = self.unique_link(lambda slug=slug: f"https://quant67.com/post/llm-infra/{slug}/{slug}.html")
            tags = " ".join("#" + t.slug for t in self.zipf_tags(4, 10))
            categories = " · ".join(self.rng.sample(CATEGORIES, 2))
            lines += [f"## [【大模型基础设施工程】{number:04d}：{self.title()}]({link})",
                      f"{day.isoformat()} | {categories} | {tags}", "",
                      self.summary([], 80, 160), ""]
        return "\n".join(lines) + "\n"

    # -- notes ------------------------------------------------------------

    def note_files(self, count: int) -> dict[str, str]:
        files = {}
        day = dt.date(NEWEST_MONTH[0], NEWEST_MONTH[1], 28)
        left = count
        while left > 0:
            items = min(left, self.rng.randint(*NOTE_ITEMS))
            author = self.rng.choice(AUTHORS)
            name = f"notes/{day.isoformat()}-{author}.md"
            files[name] = self.note(day, author, items)
            left -= items
            day -= dt.timedelta(days=self.rng.randint(1, 4))
        return files

    def note(self, day: dt.date, author: str, items: int) -> str:
        title = f"工程筛选 · {day.isoformat()} · {author}"
        topics = "、".join(self.rng.sample(TERMS, 3))
        clock = f"{self.rng.randint(8, 22):02d}:{self.rng.randint(0, 59):02d}"
        lines = ["---", f"title: {title}", f"date: {day.isoformat()}", f'time: "{clock}"', f"author: {author}",
                 f"description: {author} 对 {topics} 相关资料的工程筛选，保留 {items} 条条目。", "---", "",
                 f"# 📋 {title}", "", f"**主题**：{topics}", "",
                 "**本次筛选原则**：真实环境、命令、错误、源码、性能数据、可复现步骤", "",
                 "## 🔴 丢弃条目（含理由）", "", "| 条目 | 丢弃理由 |", "|---|---|"]
        for _ in range(2):
            lines.append(f"| {self.title()} | 无命令/源码/性能数据 |")
        lines += ["", "## ✅ 保留条目（高工程价值）", ""]
        for number in range(1, items + 1):
            site = self.rng.choice(SOURCES_SITES)
            link = self.unique_link(lambda site=site: f"https://{site}/{self.rng.randint(10**6, 10**9)}")
            tags = " ".join("#" + t.slug for t in self.zipf_tags(3, 8))
            lines += [f"### {number}. {self.title()}", "",
                      f"- **来源**：<{link}>", f"- **作者**：{self.rng.choice(AUTHORS)}",
                      "- **可信度**：官方工程博客", "",
                      "**核心工程内容**：", ""]
            lines += [f"- {self.sentence()}" for _ in range(self.rng.randint(2, 4))]
            lines += ["", "**保留理由**：", "", self.summary([], 60, 120), "", f"**标签**：{tags}", ""]
        return "\n".join(lines) + "\n"


def _canonical_wechat(link: str) -> str:
    # The same canonical form llminfra.links.canonical_url gives (only the
    # article keys, no fragment), so the anchor hash matches the parser's.
    from urllib.parse import parse_qsl, urlencode
    query = link.split("?", 1)[1].split("#", 1)[0]
    params = dict(parse_qsl(query, keep_blank_values=True))
    kept = [(k, params[k]) for k in ("__biz", "mid", "idx", "sn") if k in params]
    return "https://mp.weixin.qq.com/s?" + urlencode(kept, safe="=")


# -- vocabulary and taxonomy -------------------------------------------------


def build_vocabulary(taxonomy: dict, rng: random.Random) -> tuple[list[Tag], dict]:
    """~300 tags: the real ones plus synthetic ones; returns (tags by rank, synthetic taxonomy specs)."""
    real = []
    for slug, spec in taxonomy["tags"].items():
        keywords = (spec or {}).get("keywords") or []
        real.append(Tag(str(slug), str(keywords[0]) if keywords else str(slug)))
    synthetic_specs = {}
    synthetic = []
    pairs = [(i, j) for i in range(len(TAG_PREFIXES)) for j in range(len(TAG_SUFFIXES))]
    rng.shuffle(pairs)
    for i, j in pairs[: max(0, VOCABULARY_SIZE - len(real))]:
        slug = f"{EN_PREFIXES[i].lower()}-{EN_SUFFIXES[j].lower()}"
        name = TAG_PREFIXES[i] + TAG_SUFFIXES[j]
        english = EN_PREFIXES[i] + EN_SUFFIXES[j]
        synthetic_specs[slug] = {"name": name, "aliases": [english], "keywords": [name, english],
                                 "description": f"合成标签：{name}（基准测试数据）"}
        synthetic.append(Tag(slug, name))
    ranked = real + synthetic
    rng.shuffle(ranked)
    return ranked, synthetic_specs


# -- project -----------------------------------------------------------------


def generate_project(out: Path, size: int, seed: int = 7, share_only: bool = False, source: Path = ROOT) -> Generated:
    """Write a complete project with ``size`` entries into ``out`` (replaced).

    ``share_only``: every entry is a share entry, all in ``docs/share/index.md`` (one long list, as upstream's
    README grows), no series entries and no notes. ``source``: the checkout whose mkdocs.yml, hooks, templates,
    data and static pages the project gets (another revision's, for bench/before_after.py).
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPIED:
        copied = source / name
        if copied.is_dir():
            shutil.copytree(copied, out / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(copied, out / name)
    # The records of the real site's syncs: a synthetic share list was synced from nowhere.
    for record in ("data/upstream.yml", "data/arrivals.yml"):
        (out / record).unlink(missing_ok=True)
    taxonomy = yaml.safe_load((source / "data/taxonomy.yml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    vocabulary, synthetic = build_vocabulary(taxonomy, rng)
    taxonomy["tags"].update(synthetic)
    (out / "data/taxonomy.yml").write_text(
        "# Generated by bench/generate.py: the project's taxonomy plus synthetic tags.\n"
        + yaml.safe_dump(taxonomy, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")

    docs = out / "docs"
    _copy_static_docs(docs, source)
    plan = plan_for(size, share_only)
    writer = ContentWriter(seed, vocabulary)
    files = writer.share_files(plan.share, one_file=share_only)
    files["series/index.md"] = writer.series_file(plan.series, _series_header(source))
    files.update(writer.note_files(plan.notes))
    for page, text in files.items():
        path = docs / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (out / "data/audio.yml").write_text(writer.audio_records(), encoding="utf-8")
    return Generated(out, plan, sorted(files))


def _copy_static_docs(docs: Path, source: Path = ROOT) -> None:
    """Everything under docs/ that is not a source (home page, .pages, assets)."""
    source_dirs = {"share", "notes"}
    for path in sorted((source / "docs").rglob("*")):
        relative = path.relative_to(source / "docs")
        if path.is_dir():
            continue
        top = relative.parts[0]
        if top in source_dirs and path.suffix == ".md":
            continue
        if relative.as_posix() == "series/index.md":
            continue
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _series_header(source: Path = ROOT) -> str:
    text = (source / "docs/series/index.md").read_text(encoding="utf-8")
    cut = text.find("\n## ")
    return text if cut < 0 else text[: cut + 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", required=True, help="number of entries, or smoke / 1k / 10k")
    parser.add_argument("--out", type=Path, required=True, help="project directory to (re)create")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--share-only", action="store_true",
                        help="every entry in one share list (docs/share/index.md), no series or notes")
    args = parser.parse_args(argv)
    size = SIZES.get(args.size) or int(args.size)
    generated = generate_project(args.out, size, args.seed, args.share_only)
    plan = generated.plan
    print(f"{args.out}: {plan.size} entries ({plan.share} share, {plan.series} series, {plan.notes} note items), "
          f"{len(generated.files)} source files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
