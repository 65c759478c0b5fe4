"""Search latency in Chromium on a built site: time until the search worker is ready, and per query.

    python bench/search_latency.py SITE_DIR [QUERY ...]

Serves SITE_DIR on 127.0.0.1, opens the home page, and records, for each query typed into the search box,
the time from the worker receiving the query to its answer (inside the page, around the worker's
messages) and from the last key to the result list showing the answer. Prints one line per query.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium_path, serve_directory  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

DEFAULT_QUERIES = ["推理", "零气泡", "流水线并行", "显存管理", "的", "vLLM", "KV cache", "PD分离", "大模型推理优化"]

# Times every message to and from the search worker, in the page.
WORKER_TIMING = """
(() => {
  const Native = window.Worker;
  window.__searchTimes = {ready: null, queries: []};
  const started = performance.now();
  window.Worker = function (url, options) {
    const worker = new Native(url, options);
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message, ...rest) => {
      if (message && message.type === 2)
        window.__searchTimes.queries.push({query: message.data, sent: performance.now()});
      return post(message, ...rest);
    };
    worker.addEventListener("message", ({data}) => {
      if (data.type === 1) window.__searchTimes.ready = performance.now() - started;
      if (data.type === 3) {
        const open = window.__searchTimes.queries.find(q => q.answered === undefined);
        if (open) { open.answered = performance.now() - open.sent; open.groups = data.data.items.length; }
      }
    });
    return worker;
  };
})();
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="*", default=DEFAULT_QUERIES)
    args = parser.parse_args()
    with serve_directory(args.site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page()
        page.add_init_script(WORKER_TIMING)
        page.goto(base)
        box = page.locator("input.md-search__input")
        box.click()
        page.wait_for_function("() => window.__searchTimes.ready !== null", timeout=120_000)
        ready = page.evaluate("window.__searchTimes.ready") / 1000
        print(f"index ready {ready:.2f} s after the page started the worker")
        for query in args.queries:
            box.fill("")
            count = page.evaluate("window.__searchTimes.queries.length")
            started = time.perf_counter()
            page.keyboard.insert_text(query)
            page.wait_for_function(f"() => window.__searchTimes.queries.slice({count})"
                                   ".some(q => q.answered !== undefined && q.query !== '')", timeout=60_000)
            page.wait_for_function("() => document.querySelector('.md-search-result__list').children.length > 0"
                                   " || /没有找到/.test(document.querySelector('.md-search-result__meta').textContent)")
            shown = time.perf_counter() - started
            answers = [q for q in page.evaluate("window.__searchTimes.queries")[count:]
                       if q.get("answered") is not None]
            worker = max(q["answered"] for q in answers)
            groups = answers[-1]["groups"]
            print(f"{query!r:>14}: worker {worker:6.0f} ms, shown after {shown * 1000:6.0f} ms, {groups} result groups")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
