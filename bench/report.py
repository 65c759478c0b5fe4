"""Targets, the printed summary and docs/performance.md, from the results bench/run.py collects."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

KB = 1024
MB = 1024 * 1024
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"  # bench/run.py
BEFORE_AFTER = Path(__file__).resolve().parent / "results" / "before_after.json"  # bench/before_after.py


@dataclass
class Target:
    name: str  # short id
    label: str  # what is checked, in Chinese, for the report page
    measured: float
    limit: float
    unit: str
    passed: bool
    aim: bool = False  # an aim, not a requirement


def check_targets(results: dict) -> list[Target]:
    sizes = results["sizes"]
    targets: list[Target] = []

    def add(name, label, measured, limit, unit, aim=False):
        targets.append(Target(name, label, round(measured, 3), limit, unit, measured <= limit, aim))

    for size in ("1000", "10000"):
        if size in sizes:
            s = sizes[size]
            add(f"hooks_overhead_{size}", f"{int(size):,} 条：带钩子构建 ÷ 导出页面的纯 MkDocs 构建",
                s["build"]["wall"] / s["plain_build"]["wall"], 1.10, "×")
    if "1000" in sizes and "10000" in sizes:
        add("linear_growth", "构建时间 10,000 条 ÷ 1,000 条",
            sizes["10000"]["build"]["wall"] / sizes["1000"]["build"]["wall"], 11, "×")
    if "10000" in sizes:
        s = sizes["10000"]
        add("peak_rss", "10,000 条：构建峰值内存（构建进程 + 搜索索引进程）", s["build"]["peak_rss_mb"], 500, "MB")
        add("site_size", "10,000 条：站点总大小", s["site"]["site_bytes"] / MB, 100, "MB")
        add("average_page", "10,000 条：HTML 页面平均大小", s["site"]["average_html_bytes"] / KB, 100, "KB")
        add("largest_page", f"10,000 条：最大 HTML 页面（{s['site']['largest_html']}）",
            s["site"]["largest_html_bytes"] / KB, 300, "KB")
    serve = sizes.get("1000", {}).get("serve_dirty")
    if serve:
        add("serve_rebuild", "1,000 条：mkdocs serve --dirty 改动一个好文分享文件后重建并显示",
            serve["median_visible_rebuild"], 3, "s")
    home = next((s["home"] for s in sizes.values() if "home" in s), None)
    if home:
        add("home_transfer", "首页传输量（不含搜索索引）", home["bytes_without_search_index"] / KB, 400, "KB")
        if home["search_index_fetches"] is not None:
            add("search_index_once", "一次访问中搜索索引的下载次数", home["search_index_fetches"], 1, "次")
    return targets


def _targets(results: dict) -> list[Target]:
    # Checked again with today's targets: a results file keeps those of the run that wrote it.
    return check_targets(results)


def _verdict(target: Target) -> str:
    if target.aim:
        return "AIM MET" if target.passed else "AIM MISSED"
    return "PASS" if target.passed else "FAIL"


def text_summary(results: dict) -> str:
    lines = []
    for size, s in results["sizes"].items():
        b, p, site = s["build"], s["plain_build"], s["site"]
        phases = " ".join(f"{k}={v:.2f}s" for k, v in b["phases"].items())
        lines += [
            f"{int(size):,} entries (medians of {results['runs']}):",
            f"  build with hooks  {b['wall']:7.2f} s wall {b['cpu']:7.2f} s cpu  peak RSS {b['peak_rss_mb']:6.0f} MB "
            f"(search index worker {b.get('worker_rss_mb', 0):.0f} MB of it)",
            f"  plain (exported)  {p['wall']:7.2f} s wall {p['cpu']:7.2f} s cpu  peak RSS {p['peak_rss_mb']:6.0f} MB",
            f"  hook phases       {phases}",
            f"  ratio hooks/plain {b['wall'] / p['wall']:.3f}",
            f"  site              {site['html_files']} HTML files, {site['site_bytes'] / MB:.1f} MB total, "
            f"average page {site['average_html_bytes'] / KB:.1f} KB, largest {site['largest_html']} "
            f"{site['largest_html_bytes'] / KB:.0f} KB, {len(site['pages_over_300kb'])} over 300 KB",
            f"  search index      {site.get('search_files', 0)} files (sharded), "
            f"{site['search_index_bytes'] / KB:.0f} KB raw, {site['search_index_gzip_bytes'] / KB:.0f} KB gzip",
        ]
        for key, command in (("serve_dirty", "mkdocs serve --dirty"), ("serve", "mkdocs serve")):
            if key in s:
                lines.append(f"  {command:20s} first build {s[key]['first_build']:.1f} s, rebuild after an edit "
                             f"{s[key]['median_visible_rebuild']:.2f} s (log: {s[key]['median_log_rebuild']:.2f} s)")
        if "home" in s:
            h = s["home"]
            lines.append(f"  home page         {h['bytes_without_search_index'] / KB:.0f} KB of HTML/CSS/JS/images in "
                         f"{h['requests']} requests ({h['method']}), plus {h.get('other_bytes', 0) / KB:.0f} KB of "
                         f"other data ({', '.join(u for u, _ in h.get('other', [])) or 'none'}); "
                         f"search index fetched {h['search_index_fetches']} time(s)")
    lines.append("targets:")
    for t in _targets(results):
        lines.append(f"  {_verdict(t):10s} {t.name:18s} {t.measured:10.3f} {t.unit:2s} (limit {t.limit} {t.unit})")
    return "\n".join(lines)


# -- docs/performance.md ----------------------------------------------------------------

# The chart is a file of its own, shown with <img>: the page's own HTML goes through the site's HTML policy like
# any other page's, which keeps no inline <svg> (llminfra/domain/html_policy.py).
CHART = "assets/performance/build-times.svg"  # relative to docs/


def write_report(results: dict, docs: Path, before_after: dict | None = None) -> list[Path]:
    """Write docs/performance.md and its chart; the files written. ``before_after``: bench/before_after.py's
    figures (default: its last results file, when there is one), shown first."""
    if before_after is None and BEFORE_AFTER.is_file():
        before_after = json.loads(BEFORE_AFTER.read_text(encoding="utf-8"))
    page, chart = docs / "performance.md", docs / CHART
    chart.parent.mkdir(parents=True, exist_ok=True)
    chart.write_text(build_chart(results) + "\n", encoding="utf-8")
    text = performance_page(results)
    if before_after is not None:
        head, _, rest = text.partition("\n# 性能\n\n")
        text = head + "\n# 性能\n\n" + before_after_section(before_after) + "\n## bench/run.py\n\n" + rest
    page.write_text(text, encoding="utf-8")
    return [page, chart]


def _weight(w: dict) -> str:
    return (f"{w['average'] / KB:.1f} / {w['largest'] / KB:.1f} KB"
            f"（gzip {w['average_gzip'] / KB:.1f} / {w['largest_gzip'] / KB:.1f} KB）")


def before_after_section(r: dict) -> str:
    """The section of docs/performance.md from bench/before_after.py's results."""
    before, after = r["revisions"]["before"], r["revisions"]["after"]
    build, hugo = r["build"], r["build"]["hugo"]
    size = f"{r['size']:,}"
    rows = [
        ("HTML 页面平均 / 最大（基准语料）", _weight(before["bench"]), _weight(after["bench"]), "≤ 100 / 300 KB"),
        ("HTML 页面平均 / 最大（只有好文分享）", _weight(before["share-only"]), _weight(after["share-only"]),
         "≤ 100 / 300 KB"),
        ("HTML 页面数（基准语料 / 只有好文分享）", f"{before['bench']['pages']:,} / {before['share-only']['pages']:,}",
         f"{after['bench']['pages']:,} / {after['share-only']['pages']:,}", ""),
        ("完整构建：墙钟 / CPU", f"{build['before']['wall']:.1f} / {build['before']['cpu']:.1f} 秒",
         f"{build['after']['wall']:.1f} / {build['after']['cpu']:.1f} 秒", ""),
        (f"Hugo {r['hugo_version']}：墙钟 / CPU", f"{hugo['wall']:.1f} / {hugo['cpu']:.1f} 秒",
         f"{hugo['wall']:.1f} / {hugo['cpu']:.1f} 秒", ""),
        ("构建 ÷ Hugo：墙钟 / CPU", f"{build['before']['wall'] / hugo['wall']:.2f}× / "
         f"{build['before']['cpu'] / hugo['cpu']:.2f}×",
         f"{build['after']['wall'] / hugo['wall']:.2f}× / {build['after']['cpu'] / hugo['cpu']:.2f}×", "≤ 2.0×"),
        ("每轮（同一轮的构建 ÷ Hugo，墙钟）", _round_ratios(build["before"], hugo),
         _round_ratios(build["after"], hugo), ""),
    ]
    if "serve_dirty" in after:
        serve_size = f"{r.get('serve_size', 1000):,}"
        rows.append((f"mkdocs serve --dirty：改动 share/index.md 后重建并显示（{serve_size} 条，中位数）",
                     f"{before['serve_dirty']['median_visible']:.2f} 秒",
                     f"{after['serve_dirty']['median_visible']:.2f} 秒", "≤ 1 秒"))
    return "\n".join([
        "## 改动前后",
        "",
        f"由 `bench/before_after.py --base {r['base']}` 在同一次运行中测量（{r['date']}，开始时负载 "
        f"{', '.join(f'{x:.1f}' for x in r['load_average'])}）：两个版本用同一个生成器生成同样的 {size} 个条目，"
        "各用自己的钩子、模板和配置构建。基准语料即 `bench/generate.py`（约 80% 好文分享）；"
        "“只有好文分享”是 `bench/generate.py --share-only`，全部条目在 `docs/share/index.md` 一个文件里，"
        f"和真实站点的列表一样。构建时间是基准语料上交替构建（改动前、改动后、Hugo，共 {r['runs']} 轮）的中位数，"
        "Hugo 构建的是同一批条目（`bench/hugo_corpus.py`）。gzip 为压缩级别 6。",
        "",
        "| 指标 | 改动前 | 改动后 | 要求 |",
        "| --- | ---: | ---: | --- |",
        *(f"| {label} | {a} | {b} | {limit} |" for label, a, b, limit in rows),
        "",
        "下面各节是 `bench/run.py` 上一次完整运行的数据（日期见该节）。",
        "",
    ])


def _round_ratios(ours: dict, hugo: dict) -> str:
    return " / ".join(f"{a[0] / b[0]:.2f}×" for a, b in zip(ours["all"], hugo["all"]))


def before_after_text(r: dict) -> str:
    return before_after_section(r)


def performance_page(results: dict) -> str:
    sizes = results["sizes"]
    columns = list(sizes)
    head = "| 指标 | " + " | ".join(f"{int(s):,} 条" for s in columns) + " |"
    rule = "| --- |" + " ---: |" * len(columns)

    def row(label, value):
        return f"| {label} | " + " | ".join(value(sizes[s]) for s in columns) + " |"

    rows = [
        row("构建时间（带钩子）", lambda s: f"{s['build']['wall']:.1f} 秒"),
        row("构建时间（导出页面，纯 MkDocs）", lambda s: f"{s['plain_build']['wall']:.1f} 秒"),
        row("钩子开销（比值）", lambda s: f"{s['build']['wall'] / s['plain_build']['wall']:.2f}×"),
        row("峰值内存（其中搜索索引进程）", lambda s: f"{s['build']['peak_rss_mb']:.0f} MB"
                                      f"（{s['build'].get('worker_rss_mb', 0):.0f} MB）"),
        row("解析 / 目录 / 页面 / 订阅源", lambda s: " / ".join(
            f"{s['build']['phases'].get(k, 0):.2f}" for k in ("parse", "catalog", "pages", "feeds")) + " 秒"),
        row("HTML 页面数", lambda s: f"{s['site']['html_files']:,}"),
        row("站点总大小", lambda s: f"{s['site']['site_bytes'] / MB:.1f} MB"),
        row("HTML 页面平均 / 最大", lambda s: f"{s['site']['average_html_bytes'] / KB:.0f} / "
                                          f"{s['site']['largest_html_bytes'] / KB:.0f} KB"),
        row("搜索索引（原始 / gzip）", lambda s: f"{s['site']['search_index_bytes'] / KB:.0f} / "
                                            f"{s['site']['search_index_gzip_bytes'] / KB:.0f} KB"),
        row("超过 300 KB 的页面", lambda s: f"{len(s['site']['pages_over_300kb'])}"),
        row("mkdocs serve --dirty 改动后重建", lambda s: _seconds(s, "serve_dirty")),
        row("mkdocs serve 改动后重建", lambda s: _seconds(s, "serve")),
        row("首页传输（HTML/CSS/JS/图片）", lambda s: f"{s['home']['bytes_without_search_index'] / KB:.0f} KB"
            if "home" in s else "—"),
    ]
    largest = {size: s["site"]["pages_over_300kb"][:6] for size, s in sizes.items() if s["site"]["pages_over_300kb"]}
    targets = ["| 目标 | 实测 | 上限 | 结果 |", "| --- | ---: | ---: | --- |"]
    for t in _targets(results):
        targets.append(f"| {t.label} | {t.measured:.2f} {t.unit} | {t.limit:g} {t.unit} | {_verdict(t)} |")
    machine = results.get("machine", {})
    return "\n".join([
        "<!-- Generated by bench/run.py from bench/results/latest.json: do not edit by hand, rerun the benchmark. -->",
        "",
        "# 性能",
        "",
        "本页由基准测试脚本 `bench/run.py` 生成：用 `bench/generate.py` 按真实格式生成 1,000 与 10,000 个条目"
        "（约 80% 好文分享、10% 系列文章、10% 筛选笔记条目），每种规模构建 "
        f"{results['runs']} 次取中位数。"
        "对照组是 `python -m llminfra export` 导出的同一批页面由不带钩子的 MkDocs 构建。"
        "带钩子的构建比对照组快，原因有二：搜索索引由第二个 CPU 核上的子进程用 Material 自己的分节代码建立"
        "（写成分片索引，`publish/search_shards.py`），模板生成的 HTML 也不再经 Python-Markdown 重新解析"
        "（见 `bench/README.md`）。只有一个核时，前一项不起作用。",
        "",
        f"测量于 {results['date']}（{machine.get('cpus', '?')} 核，Python {machine.get('python', '?')}，"
        f"开始时负载 {', '.join(f'{x:.1f}' for x in machine.get('load_average', []))}）。",
        "",
        "## 数据",
        "",
        head, rule, *rows,
        "",
        "## 构建时间",
        "",
        f"![{chart_description(results)}]({CHART})",
        "",
        "构建时间（秒，中位数）：浅色为整个构建，深色为钩子各阶段。",
        "",
        "## 目标",
        "",
        *targets,
        "",
        *(["超过 300 KB 的页面（最大的几个）：", ""]
          + [f"- {int(size):,} 条：" + "、".join(f"`{p}`" for p in pages) for size, pages in largest.items()]
          + [""] if largest else []),
    ])


def _seconds(s: dict, key: str) -> str:
    return f"{s[key]['median_visible_rebuild']:.1f} 秒" if key in s else "—"


def chart_description(results: dict) -> str:
    """What the chart shows, in words (its alternative text)."""
    return "各规模的构建时间：" + "；".join(
        f"{int(size):,} 条带钩子 {s['build']['wall']:.1f} 秒、纯 MkDocs {s['plain_build']['wall']:.1f} 秒"
        for size, s in results["sizes"].items())


def build_chart(results: dict) -> str:
    """An SVG file of horizontal bars: build time with hooks and plain, per size, the hooks' phases stacked in."""
    sizes = results["sizes"]
    bar_height, gap, label_width, width = 18, 10, 150, 460
    peak = max(max(s["build"]["wall"], s["plain_build"]["wall"]) for s in sizes.values()) or 1
    scale = (width - label_width - 60) / peak
    rows, y = [], 0
    colours = {"parse": "#5c6bc0", "catalog": "#26a69a", "pages": "#ffa726", "feeds": "#ab47bc"}
    for size, s in sizes.items():
        for label, build, phases in ((f"{int(size):,} 条 · 带钩子", s["build"], True),
                                     (f"{int(size):,} 条 · 纯 MkDocs", s["plain_build"], False)):
            w = build["wall"] * scale
            rows.append(f'<text x="0" y="{y + 13}" font-size="12">{escape(label)}</text>'
                        f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="#9fa8da">'
                        f'<title>{escape(label)}：{build["wall"]:.1f} 秒</title></rect>'
                        f'<text x="{label_width + w + 4:.1f}" y="{y + 13}" font-size="12">{build["wall"]:.1f} s</text>')
            if phases:
                x = label_width
                for name, colour in colours.items():
                    seconds = build["phases"].get(name, 0.0)
                    rows.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{seconds * scale:.1f}" '
                                f'height="{bar_height - 8}" fill="{colour}">'
                                f"<title>{name}：{seconds:.2f} 秒</title></rect>")
                    x += seconds * scale
            y += bar_height + gap
        y += gap
    legend = " ".join(f'<tspan fill="{c}">■</tspan> {n}' for n, c in colours.items())
    rows.append(f'<text x="{label_width}" y="{y + 12}" font-size="12">{legend}（钩子各阶段）</text>')
    height = y + 20
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" font-family="sans-serif"><title>{escape(chart_description(results))}</title>'
            # A light card of its own: an image keeps its colours in the theme's dark scheme too.
            f'<rect width="100%" height="100%" fill="#fff"/>{"".join(rows)}</svg>')
