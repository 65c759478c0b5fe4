"""Search candidates side by side in Chromium: time from page load to the first Chinese query's results, and
the bytes of search data fetched for it.

    python bench/search_candidates.py --ours SITE [--lunr SITE] [--pagefind SITE] [--runs 3] [--query 显存管理]
    python bench/search_candidates.py --pagefind-query-set FIXTURE_SITE   # the tests' query set on Pagefind

Each SITE is a built site of the same project:

- ``--ours``: built by this revision (the sharded index, ``hooks/llminfra/publish/search_shards.py``);
- ``--lunr``: built by a revision before it (Material's single ``search_index.json``, our lunr worker), e.g. by
  ``python bench/compare_revisions.py`` or a checkout of that revision;
- ``--pagefind``: any built site, which Pagefind (``pip install 'pagefind[extended]'``, the ``bench`` extras)
  indexes into ``SITE/pagefind/`` first: its index build time is printed; its own Chinese segmentation.

Each site is served gzip-compressed on 127.0.0.1 (as GitHub Pages serves it) to a fresh browser context per run,
the candidates in turn, ``--runs`` times over. For the two Material candidates the query is typed into
Material's search box as soon as the page has loaded and the clock stops when the result list shows it
(``performance.now()``, from the page's load event). Pagefind has no Material UI: its JavaScript API is
imported in the page at load, and the clock stops when the data of its first five results (what its own UI
shows first) are loaded. Bytes are the compressed bodies of the responses under ``search/`` or ``pagefind/``
and of the search worker scripts, until that moment. Medians are printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium_path, serve_directory  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

MATERIAL_QUERY = """async (query) => {
  const box = document.querySelector('input.md-search__input');
  box.focus();
  box.value = query;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
  const meta = document.querySelector('.md-search-result__meta');
  const list = document.querySelector('.md-search-result__list');
  while (!(list.children.length > 0 || /没有找到/.test(meta.textContent))) await new Promise(r => setTimeout(r, 5));
  const loaded = performance.getEntriesByType('navigation')[0].loadEventEnd;
  return {shown: performance.now(), loaded, results: list.children.length, meta: meta.textContent.trim()};
}"""

PAGEFIND_QUERY = """async ([url, query]) => {
  const pagefind = await import(url);
  await pagefind.options({});
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, 5).map(result => result.data()));
  const loaded = performance.getEntriesByType('navigation')[0].loadEventEnd;
  return {shown: performance.now(), loaded, results: search.results.length, meta: data.map(d => d.url).join(' ')};
}"""


PAGEFIND_FINDS = """async ([url, query, path, anchor]) => {
  const pagefind = await import(url);
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.map(result => result.data()));
  const urls = data.flatMap(d => [d.url, ...d.sub_results.map(s => s.url)]);
  return urls.some(u => decodeURIComponent(u).endsWith(path + '#' + anchor));
}"""


def pagefind_query_set(site: Path) -> None:
    """The tests' query set (tests/search_queries.py) against Pagefind's own index of the frozen fixture's ``site``."""
    from conftest import FROZEN
    from search_queries import query_set

    sys.path.insert(0, str(ROOT / "hooks"))
    from llminfra.domain.layout import SiteLayout
    from llminfra.domain.urls import page_url
    from llminfra.sources.loading import build_catalog

    print(f"pagefind: indexed {site} in {index_with_pagefind(site):.2f} s")
    queries = query_set(build_catalog(SiteLayout(FROZEN)))
    misses = []
    with sync_playwright() as playwright, serve_directory(site) as base:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(base)
        for query in queries:
            arguments = [base + "pagefind/pagefind.js", query.term, page_url(query.entry.page), query.entry.anchor]
            if not page.evaluate(PAGEFIND_FINDS, arguments):
                misses.append(f"{query.term} ({query.kind})")
        browser.close()
    print(f"pagefind: query set {len(queries) - len(misses)}/{len(queries)} found; missed: {', '.join(misses)}")


def is_search_data(url: str) -> bool:
    return "/search/" in url or "/pagefind/" in url or "/workers/" in url


def one_run(browser, base: str, kind: str, query: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    fetched: list = []
    page.on("requestfinished", lambda request: is_search_data(request.url) and fetched.append(request))
    page.goto(base, wait_until="load")
    if kind == "pagefind":
        result = page.evaluate(PAGEFIND_QUERY, [base + "pagefind/pagefind.js", query])
    else:
        result = page.evaluate(MATERIAL_QUERY, query)
    sizes = [request.sizes()["responseBodySize"] for request in fetched]
    context.close()
    return {"seconds": (result["shown"] - result["loaded"]) / 1000, "load": result["loaded"] / 1000,
            "bytes": sum(sizes), "files": len(sizes), "results": result["results"]}


def index_with_pagefind(site: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind",
                    "--force-language", "zh"], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", type=Path)
    parser.add_argument("--pagefind-query-set", type=Path, metavar="SITE",
                        help="run the tests' query set against Pagefind on SITE, built from the frozen fixture")
    parser.add_argument("--lunr", type=Path)
    parser.add_argument("--pagefind", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query", default="显存管理")
    parser.add_argument("--no-index", action="store_true", help="--pagefind SITE already holds pagefind/")
    args = parser.parse_args()
    if args.pagefind_query_set:
        pagefind_query_set(args.pagefind_query_set)
        return 0
    candidates = [("ours", args.ours)] + [(name, site) for name, site in (("lunr", args.lunr),
                                                                         ("pagefind", args.pagefind)) if site]
    if args.pagefind and not args.no_index:
        print(f"pagefind: indexed {args.pagefind} in {index_with_pagefind(args.pagefind):.2f} s", flush=True)
    runs: dict[str, list[dict]] = {name: [] for name, _ in candidates}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        servers = {name: serve_directory(site, compress=True) for name, site in candidates}
        bases = {name: server.__enter__() for name, server in servers.items()}
        try:
            for _ in range(args.runs):
                for name, _ in candidates:
                    run = one_run(browser, bases[name], name, args.query)
                    runs[name].append(run)
                    print(f"  {name:>9}: page loaded at {run['load']:.2f} s, results {run['seconds']:.2f} s later, "
                          f"{run['bytes'] / 1024:.0f} KB in {run['files']} files, "
                          f"{run['results']} results", flush=True)
        finally:
            for server in servers.values():
                server.__exit__(None, None, None)
            browser.close()
    print(f"\nquery {args.query!r}, medians of {args.runs} runs:")
    print(f"{'candidate':>10} {'load → results':>15} {'search data':>12} {'files':>6}  (page load event)")
    for name, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        kilobytes = statistics.median(r["bytes"] for r in results) / 1024
        files = statistics.median(r["files"] for r in results)
        load = statistics.median(r["load"] for r in results)
        print(f"{name:>10} {seconds:>13.2f} s {kilobytes:>9.0f} KB {files:>6.0f}  ({load:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
