"""The benchmark: builds synthetic sites of growing size and checks the performance targets.

    python bench/run.py                       # 1,000 and 10,000 entries, 3 builds each
    python bench/run.py --sizes 100 --runs 1  # smoke run
    python bench/run.py --no-report           # do not rewrite docs/performance.md

For each size: generate the project (bench/generate.py) under bench/out/,
build it with the hooks and, as the floor, build its export (plain MkDocs on
the same pages, no hooks) alternately, ``--runs`` times each; then measure the
built site (the sharded search index: all its files), the ``mkdocs serve`` rebuild after a share-list
edit (1,000 entries) and the home page a reader loads. Prints medians and
PASS/FAIL per target, writes bench/results/latest.json and docs/performance.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402

OUT = BENCH / "out"
RESULTS = BENCH / "results" / "latest.json"
SERVE_SIZE = 1000
MB = 1024 * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated entry counts (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="builds per size and variant (default 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--serve-edits", type=int, default=3, help="share-list edits timed under mkdocs serve")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve rebuild measurement")
    parser.add_argument("--no-browser", action="store_true", help="count home-page assets from the HTML only")
    parser.add_argument("--no-report", action="store_true", help="leave docs/performance.md as it is")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    results = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(), "runs": args.runs,
               "seed": args.seed, "sizes": {}}
    for size in sizes:
        print(f"== {size} entries", flush=True)
        results["sizes"][str(size)] = bench_size(size, args)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    results["targets"] = [dataclasses.asdict(t) for t in report.check_targets(results)]
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(report.text_summary(results))
    if not args.no_report:
        written = report.write_report(results, ROOT / "docs")
        print(f"wrote {args.results.relative_to(ROOT)} and " + ", ".join(str(p.relative_to(ROOT)) for p in written))
    return 0


def bench_size(size: int, args) -> dict:
    base = OUT / str(size)
    project = base / "project"
    generated = generate.generate_project(project, size, args.seed)
    print(f"  generated {generated.plan}", flush=True)
    export_docs, export_config = base / "export" / "docs", base / "export" / "mkdocs.yml"
    subprocess.run([sys.executable, "-m", "llminfra", "--root", str(project), "export", str(export_docs),
                    "--config", str(export_config)], check=True, env=measure.build_env(), stdout=subprocess.DEVNULL)

    hooked, plain = [], []
    for run in range(1, args.runs + 1):
        # Alternate the two so that a change in machine load affects both alike.
        hooked.append(measure.run_build(project / "mkdocs.yml", base / "site"))
        plain.append(measure.run_build(export_config, base / "export-site"))
        print(f"  run {run}: hooks {hooked[-1].wall:.1f}s {hooked[-1].peak_rss_mb:.0f} MB {hooked[-1].phases} | "
              f"plain {plain[-1].wall:.1f}s {plain[-1].peak_rss_mb:.0f} MB", flush=True)

    site = measure.site_figures(base / "site")
    result = {
        "entries": dataclasses.asdict(generated.plan),
        "build": summarise(hooked),
        "plain_build": summarise(plain),
        "site": dataclasses.asdict(site),
    }
    # The sharded index is measured whole (every file under search/); what a query fetches of it is
    # bench/search_candidates.py's and bench/search_latency.py's to measure.
    print(f"  site: {site.html_files} pages, {site.site_bytes / MB:.1f} MB, largest {site.largest_html} "
          f"({site.largest_html_bytes / 1024:.0f} KB); sharded search index {site.search_files} files, "
          f"{site.search_index_gzip_bytes / 1024:.0f} KB gzip", flush=True)
    if size == SERVE_SIZE and not args.no_serve:
        for key, dirty in (("serve_dirty", True), ("serve", False)):
            serve = measure.measure_serve_rebuild(project, edits=args.serve_edits, dirty=dirty,
                                                  log_file=base / f"{key}.log")
            result[key] = {"first_build": serve.first_build, "log_rebuilds": serve.log_rebuilds,
                           "visible_rebuilds": serve.visible_rebuilds,
                           "median_log_rebuild": statistics.median(serve.log_rebuilds),
                           "median_visible_rebuild": statistics.median(serve.visible_rebuilds)}
            print(f"  mkdocs serve{' --dirty' if dirty else ''}: rebuilds "
                  f"{['%.2f' % t for t in serve.visible_rebuilds]} s", flush=True)
    if size == max(int(s) for s in args.sizes.split(",")):
        home = measure._html_home_load(base / "site") if args.no_browser else measure.measure_home_load(base / "site")
        result["home"] = dataclasses.asdict(home)
        print(f"  home: {home.bytes_without_search_index / 1024:.0f} KB in {home.requests} requests "
              f"({home.method}), search index fetched {home.search_index_fetches} time(s)", flush=True)
    return result


def summarise(runs: list[measure.BuildRun]) -> dict:
    phases = sorted({name for run in runs for name in run.phases})
    return {
        "wall": statistics.median(r.wall for r in runs),
        "cpu": statistics.median(r.cpu for r in runs),
        "peak_rss_mb": statistics.median(r.peak_rss_mb for r in runs),
        "worker_rss_mb": statistics.median(r.worker_rss_mb for r in runs),
        "phases": {name: statistics.median(r.phases.get(name, 0.0) for r in runs) for name in phases},
        "all_wall": [r.wall for r in runs],
    }


def machine() -> dict:
    import os
    from importlib.metadata import version

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform(),
            "load_average": list(os.getloadavg()),
            "packages": {name: version(name) for name in ("mkdocs", "mkdocs-material", "jieba", "markdown")}}


if __name__ == "__main__":
    sys.exit(main())
