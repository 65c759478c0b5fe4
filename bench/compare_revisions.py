"""Build time of two revisions of the site code, measured in the same run on the same machine.

    python bench/compare_revisions.py --base 9a24394                  # 1,000 and 10,000 entries, 3 builds each
    python bench/compare_revisions.py --base HEAD~3 --sizes 1000 --runs 5
    python bench/compare_revisions.py --base 9a24394 --head 3edc8f4 --diff

Each revision (``--base`` and ``--head`` from git, or the working tree as it is) generates its own
synthetic project with its own ``bench/generate.py`` (same size and seed, so the same entries; each with that
revision's mkdocs.yml, hooks and templates). The two are then built alternately, ``--runs`` times each, as
separate ``python -m mkdocs build --strict`` processes with that revision's ``hooks/`` first on
``PYTHONPATH``. Prints the median wall time of each and their ratio; with ``--diff`` also whether the two
built sites are identical (``diff -r``), which is what a refactoring must keep.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "revisions"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision to compare with")
    parser.add_argument("--head", help="git revision to compare (default: the working tree as it is)")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated entry counts (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="builds per size and revision (default 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--diff", action="store_true", help="also compare the two built sites file by file")
    args = parser.parse_args(argv)

    trees = {"base": checkout(args.base), "head": checkout(args.head) if args.head else ROOT}
    print(f"base {args.base} vs {args.head or 'the working tree'}; {args.runs} builds each, alternating", flush=True)
    print(f"{'entries':>8} {'base s':>8} {'head s':>8} {'head/base':>10}  runs (base | head)")
    for size in (int(s) for s in args.sizes.split(",")):
        projects = {name: generate(tree, size, args.seed, OUT / name / str(size) / "project")
                    for name, tree in trees.items()}
        times: dict[str, list[float]] = {"base": [], "head": []}
        sites = {}
        for _ in range(args.runs):
            for name in ("base", "head"):
                seconds, sites[name] = build(trees[name], projects[name])
                times[name].append(seconds)
        base, head = statistics.median(times["base"]), statistics.median(times["head"])
        runs = " ".join(f"{t:.2f}" for t in times["base"]) + " | " + " ".join(f"{t:.2f}" for t in times["head"])
        print(f"{size:>8} {base:>8.2f} {head:>8.2f} {head / base:>10.3f}  {runs}", flush=True)
        if args.diff:
            result = subprocess.run(["diff", "-rq", str(sites["base"]), str(sites["head"])],
                                    capture_output=True, text=True)
            lines = result.stdout.splitlines()
            print(f"{'':>8} diff -r: " + ("identical" if not lines else f"{len(lines)} files differ"))
            for line in lines[:20]:
                print(f"{'':>10}{line}")
    return 0


def checkout(revision: str) -> Path:
    """The files of ``revision`` in a folder of their own (``git archive``), reused when already there."""
    sha = subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = OUT / "trees" / sha
    if not (tree / "mkdocs.yml").is_file():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True).stdout
        with tempfile.TemporaryFile() as handle:
            handle.write(archive)
            handle.seek(0)
            with tarfile.open(fileobj=handle) as tar:
                tar.extractall(tree, filter="data")
    return tree


def generate(tree: Path, size: int, seed: int, out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    subprocess.run([sys.executable, str(tree / "bench" / "generate.py"), "--size", str(size), "--seed", str(seed),
                    "--out", str(out)], cwd=tree, check=True, env=environment(tree), stdout=subprocess.DEVNULL)
    return out


def build(tree: Path, project: Path) -> tuple[float, Path]:
    site = project.parent / "site"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                            cwd=project, env=environment(tree), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{result.stderr[-3000:]}")
    return seconds, site


def environment(tree: Path) -> dict[str, str]:
    """That revision's package first on the path, also for the search-index worker process."""
    return {**os.environ, "PYTHONPATH": str(tree / "hooks"), "NO_MKDOCS_2_WARNING": "1",
            "SOURCE_DATE_EPOCH": "1767225600"}


if __name__ == "__main__":
    sys.exit(main())
