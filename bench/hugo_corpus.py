"""The same entries as a Hugo site: a corpus for timing Hugo beside our build (bench/hugo_pair.py).

    python bench/hugo_corpus.py --project bench/out/10000/project --out bench/out/10000/hugo

reads the catalog of a generated project (bench/generate.py) with our own parsers and writes a Hugo site:
one markdown page per entry (``content/<kind>/<n>.md``: front matter with the title, the date, the tags as a
taxonomy, the kind's categories, the outbound link; the summary as the body), ``hugo.toml`` and the minimal theme
of ``bench/hugo/theme`` (a page per entry with its tags, date, link and three related pages; a home page; a paginated
list per section and per tag; the tags index). Hugo then builds as many pages as there are entries, plus its lists.

Related reading is the first pages of the entry's first tag, not Hugo's ``.Related``: at 10,000 pages with
Zipf-distributed tags, Hugo 0.168's related-content index takes ~16 ms a page (over 100 s a build), which
would measure Hugo's related search, not a site build.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
THEME = BENCH / "hugo" / "theme"

CONFIG = """\
baseURL = "https://example.org/"
locale = "zh-cn"
title = "大模型基础设施工程 · 阅读站（Hugo 对照）"
theme = "bench"
themesDir = "themes"
hasCJKLanguage = true
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false

[pagination]
  pagerSize = 50

[taxonomies]
  tag = "tags"
  category = "categories"

[markup.goldmark.renderer]
  unsafe = false

# The navigation: a menu (ranging over site.Sections on every page costs Hugo 0.168 seconds per thousand pages).
[[menus.main]]
  name = "好文分享"
  pageRef = "/share"
  weight = 1
[[menus.main]]
  name = "系列文章"
  pageRef = "/series"
  weight = 2
[[menus.main]]
  name = "筛选笔记"
  pageRef = "/note"
  weight = 3
[[menus.main]]
  name = "标签"
  pageRef = "/tags"
  weight = 4
"""


def write_corpus(project: Path, out: Path) -> int:
    """Write the Hugo site for the entries of ``project`` into ``out`` (replaced); returns the number of pages."""
    sys.path.insert(0, str(ROOT / "hooks"))
    from llminfra.domain.layout import SiteLayout
    from llminfra.sources.loading import build_catalog

    catalog = build_catalog(SiteLayout(project))
    if out.exists():
        shutil.rmtree(out)
    (out / "content").mkdir(parents=True)
    shutil.copytree(THEME, out / "themes" / "bench")
    (out / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    counters: dict[str, int] = {}
    for entry in catalog.entries:
        kind = entry.kind.value
        counters[kind] = counters.get(kind, 0) + 1
        meta = {
            "title": entry.title,
            "date": entry.published_at.isoformat(),
            "tags": [catalog.tags[slug].name if slug in catalog.tags else slug for slug in entry.tags],
            "categories": [entry.kind.label, *entry.categories],
            "link": entry.link or "",
            "source": str(entry.source),
            "audio": [clip.src for clip in entry.audio],
        }
        # JSON is YAML: front matter Hugo reads without a YAML writer here.
        text = "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n\n" + entry.summary.strip() + "\n"
        path = out / "content" / kind / f"{counters[kind]:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for kind, label in (("share", "好文分享"), ("series", "系列文章"), ("note", "筛选笔记")):
        if kind in counters:
            (out / "content" / kind / "_index.md").write_text(f"---\ntitle: {label}\n---\n", encoding="utf-8")
    return len(catalog.entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True, help="a project written by bench/generate.py")
    parser.add_argument("--out", type=Path, required=True, help="the Hugo site to (re)create")
    args = parser.parse_args(argv)
    pages = write_corpus(args.project, args.out)
    print(f"{args.out}: {pages} entry pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
