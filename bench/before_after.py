"""Two revisions of the site code side by side in one run: page weight, build time beside Hugo, serve --dirty.

    python bench/before_after.py --base c2b09c8                 # 10,000 entries, 3 builds each; serve at 1,000
    python bench/before_after.py --base HEAD~5 --size 1000 --runs 1 --no-report

Both revisions build the same entries: this revision's generator (bench/generate.py) writes each project with
that revision's mkdocs.yml, hooks, templates and data (``--base`` from git, ``git archive``; the other is the
working tree). Two corpora:

- **bench**: ``generate.py`` at ``--size`` (80% share lists by year, series, notes); built alternately
  ``--runs`` times: base, head, Hugo (bench/hugo_pair.py's corpus of the same entries), base, head, Hugo, …
  (wall and CPU time of each build: ``os.wait4``, the search worker included);
- **share-only**: ``generate.py --share-only`` at ``--size`` (every entry in ``docs/share/index.md``, as the real
  list grows), built once by each revision.

On each built site: HTML pages, average and largest page, raw and gzip-compressed (level 6, as a static host
compresses). Then ``mkdocs serve --dirty`` on a share-only project of ``--serve-size`` entries per revision: an
entry added at the top of ``docs/share/index.md``, timed until the served page shows it (medians of
``--serve-edits``). Writes ``bench/results/before_after.json`` and the section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import compare_revisions  # noqa: E402
import generate  # noqa: E402
import hugo_corpus  # noqa: E402
import hugo_pair  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402

OUT = BENCH / "out" / "before-after"
RESULTS = BENCH / "results" / "before_after.json"


def page_weights(site: Path) -> dict:
    """HTML pages of ``site``: count, average and largest, raw and gzip-compressed."""
    raw, packed = {}, {}
    for path in site.rglob("*.html"):
        data = path.read_bytes()
        name = path.relative_to(site).as_posix()
        raw[name], packed[name] = len(data), len(gzip.compress(data, 6))
    largest = max(raw, key=raw.get)
    return {"pages": len(raw), "average": sum(raw.values()) / len(raw), "largest": raw[largest],
            "largest_page": largest, "average_gzip": sum(packed.values()) / len(packed),
            "largest_gzip": max(packed.values()), "over_300kb": sum(1 for v in raw.values() if v > 300 * 1024)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision of the 'before' figures")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--serve-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="builds of each on the bench corpus (default 3)")
    parser.add_argument("--serve-edits", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--no-report", action="store_true", help="leave docs/performance.md as it is")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    trees = {"before": compare_revisions.checkout(args.base), "after": ROOT}
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "base": args.base,
                     "size": args.size, "serve_size": args.serve_size, "runs": args.runs, "seed": args.seed,
                     "load_average": list(os.getloadavg()),
                     "hugo_version": hugo_pair.hugo_version(), "revisions": {}}
    projects = {}
    for name, tree in trees.items():
        for corpus, share_only in (("bench", False), ("share-only", True)):
            projects[name, corpus] = generate.generate_project(OUT / name / corpus / "project", args.size, args.seed,
                                                               share_only, source=tree).root
    hugo_site = OUT / "hugo"
    hugo_corpus.write_corpus(projects["after", "bench"], hugo_site)

    timings: dict[str, list[hugo_pair.Timing]] = {"before": [], "after": [], "hugo": []}
    for run in range(1, args.runs + 1):
        for name in trees:
            build = measure.run_build(projects[name, "bench"] / "mkdocs.yml", OUT / name / "bench" / "site")
            timings[name].append(hugo_pair.Timing(build.wall, build.cpu))
        timings["hugo"].append(hugo_pair.run_hugo(hugo_site, OUT / "hugo-public"))
        print(f"run {run}: " + " | ".join(f"{name} {t[-1].wall:.1f}s wall {t[-1].cpu:.1f}s CPU"
                                          for name, t in timings.items()), flush=True)
    results["build"] = {name: {"wall": statistics.median(t.wall for t in runs),
                               "cpu": statistics.median(t.cpu for t in runs),
                               "all": [[t.wall, t.cpu] for t in runs]} for name, runs in timings.items()}
    for name in trees:
        results["revisions"][name] = {"bench": page_weights(OUT / name / "bench" / "site")}
        measure.run_build(projects[name, "share-only"] / "mkdocs.yml", OUT / name / "share-only" / "site")
        results["revisions"][name]["share-only"] = page_weights(OUT / name / "share-only" / "site")
        print(f"{name}: pages " + "; ".join(
            f"{corpus} {w['pages']} avg {w['average'] / 1024:.1f} KB ({w['average_gzip'] / 1024:.1f} gzip) "
            f"max {w['largest'] / 1024:.1f} KB ({w['largest_gzip'] / 1024:.1f} gzip)"
            for corpus, w in results["revisions"][name].items()), flush=True)

    if not args.no_serve:
        for name, tree in trees.items():
            project = generate.generate_project(OUT / name / "serve" / "project", args.serve_size, args.seed,
                                                True, source=tree).root
            serve = measure.measure_serve_rebuild(project, edits=args.serve_edits, dirty=True,
                                                  log_file=OUT / name / "serve" / "serve.log")
            results["revisions"][name]["serve_dirty"] = {
                "first_build": serve.first_build, "visible": serve.visible_rebuilds, "log": serve.log_rebuilds,
                "median_visible": statistics.median(serve.visible_rebuilds)}
            print(f"{name}: mkdocs serve --dirty rebuilds {['%.2f' % t for t in serve.visible_rebuilds]} s",
                  flush=True)

    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(report.before_after_text(results))
    if not args.no_report:
        written = report.write_report(json.loads(report.RESULTS.read_text(encoding="utf-8")), ROOT / "docs",
                                      before_after=results)
        print("wrote " + ", ".join(str(p.relative_to(ROOT)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
