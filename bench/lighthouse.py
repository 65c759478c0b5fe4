"""Lighthouse benchmark: this site's reader pages against a plain Material 9 page, measured alternately.

    python bench/lighthouse.py                          # home, tag, year and 收听 pages, 3 runs each
    python bench/lighthouse.py --runs 1 --pages home    # one pair of runs
    python bench/lighthouse.py --json bench/out/lighthouse.json

Builds the repository's site and a tiny plain Material project (``theme: material``, ``language: zh``,
``plugins: [search]``, four pages of seed text from tests/fixtures/seeds) into a temporary folder, serves each
from its own http.server thread on 127.0.0.1, and runs Lighthouse (npm ``lighthouse``, installed by
``npm install`` from package.json; Debian's Chromium, never a downloaded browser) on each of our pages and on
the plain home page in turn: ours, plain, ours, plain, … ``--runs`` times. Prints the medians of the
performance and accessibility scores, FCP, LCP, TBT, CLS and the transferred bytes, our render-blocking
resources, and per page whether ours scores at least as high as the plain page measured beside it. Then
axe-core (npm ``axe-core``, through Playwright and the same Chromium) checks each of our pages and the plain home
page at desktop and phone width and prints every violation, of any impact, with the rule that found it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests"))

from browser_support import serve_directory  # noqa: E402

ROOT = BENCH.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# axe-core runs at both widths the reader uses (tests/browser/conftest.py: DESKTOP, PHONE).
AXE_VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --no-first-run")
PAGE_KINDS = ("home", "tag", "year", "listen")
# Preferred tag page: a tag with a long listing; any other tag page stands in when the content changes.
PREFERRED_TAG = "vllm"


# -- the two sites ---------------------------------------------------------------------------------


def build_ours(out: Path) -> Path:
    """``mkdocs build --strict`` of the repository into ``out`` (our hooks on PYTHONPATH first)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "REPO_URL")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "hooks"), env.get("PYTHONPATH")]))
    env["NO_MKDOCS_2_WARNING"] = "1"
    _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(out)], ROOT, env)
    return out


def seed_markdown(text: str) -> tuple[str, str]:
    """A seed article (plain text: a title line, then lines and `|` tables) as a markdown page."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    title = lines[0].strip()
    body: list[str] = [f"# {title}", ""]
    for line in lines[1:]:
        if not line.strip():
            continue
        in_table = line.lstrip().startswith("|")
        if in_table and body and body[-1].lstrip().startswith("|"):
            body.append(line)  # a table continues on the next line
        else:
            body.extend(["", line] if in_table else [line, ""])
    return title, "\n".join(body).strip() + "\n"


def write_plain_project(project: Path, pages: int = 4) -> Path:
    """A plain Material 9 project: seed articles as pages, the first one as the home page."""
    seeds = sorted(SEEDS.glob("*.txt"))[:pages]
    if len(seeds) < 3:
        raise SystemExit(f"{SEEDS}: expected at least 3 seed articles (*.txt), found {len(seeds)}")
    docs = project / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for number, seed in enumerate(seeds):
        _, markdown = seed_markdown(seed.read_text(encoding="utf-8"))
        (docs / ("index.md" if number == 0 else f"article-{number}.md")).write_text(markdown, encoding="utf-8")
    # font: false, as on our site: the default would fetch Roboto from fonts.googleapis.com, a request
    # outside 127.0.0.1 that would also make the plain page slower than the theme really is.
    (project / "mkdocs.yml").write_text(
        "site_name: 大模型基础设施工程（对照）\n"
        "theme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search\n",
        encoding="utf-8",
    )
    return project


def build_plain(project: Path, out: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(project / "mkdocs.yml"),
          "-d", str(out)], project, env)
    return out


def material_version() -> str:
    from importlib.metadata import version

    found = version("mkdocs-material")
    if not found.startswith("9."):
        raise SystemExit(f"mkdocs-material {found}: this benchmark compares against Material 9")
    return found


def _run(command: list[str], cwd: Path, env: dict) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")


def reader_pages(site: Path, kinds: list[str]) -> dict[str, str]:
    """Site-relative paths of the pages to measure: home, a tag, the newest year, 收听."""
    paths: dict[str, str] = {}
    for kind in kinds:
        if kind == "home":
            paths[kind] = ""
        elif kind == "tag":
            tags = sorted(p.parent.name for p in (site / "tags").glob("*/index.html"))
            if not tags:
                raise SystemExit(f"{site}/tags: no tag pages")
            paths[kind] = f"tags/{PREFERRED_TAG if PREFERRED_TAG in tags else tags[0]}/"
        elif kind == "year":
            years = sorted(p.parent.name for p in (site / "archive").glob("*/index.html") if p.parent.name.isdigit())
            if not years:
                raise SystemExit(f"{site}/archive: no year pages")
            paths[kind] = f"archive/{years[-1]}/"
        elif kind == "listen":
            paths[kind] = "listen/"
        else:
            raise SystemExit(f"--pages: unknown page {kind!r} (known: {', '.join(PAGE_KINDS)})")
        if not (site / paths[kind] / "index.html").is_file():
            raise SystemExit(f"{site / paths[kind]}: no index.html")
    return paths


# -- serving ----------------------------------------------------------------------------------------


# -- Lighthouse -------------------------------------------------------------------------------------


@dataclass
class Run:
    performance: float
    accessibility: float
    fcp_ms: float
    lcp_ms: float
    tbt_ms: float
    cls: float
    transfer_bytes: float
    render_blocking: list[str] = field(default_factory=list)
    failed_audits: list[str] = field(default_factory=list)  # accessibility audits scoring below 1


def lighthouse(url: str) -> Run:
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} missing: run `npm install` in {ROOT} (package.json holds lighthouse)")
    if not os.access(CHROME, os.X_OK):
        raise SystemExit(f"{CHROME}: no Chromium there (Debian: apt-get install chromium); set CHROME_PATH")
    command = [str(LIGHTHOUSE), url, "--output=json", "--quiet", "--only-categories=performance,accessibility",
               "--form-factor=mobile", f"--chrome-flags={CHROME_FLAGS}"]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse {url} failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse {url}: {report['runtimeError']}")
    categories, audits = report["categories"], report["audits"]
    if categories["performance"]["score"] is None:
        raise RuntimeError(f"lighthouse {url}: no performance score ({audits.get('first-contentful-paint')})")
    blocking = [item["url"] for item in audits["render-blocking-resources"].get("details", {}).get("items", [])]
    failed = [ref["id"] for ref in categories["accessibility"]["auditRefs"]
              if ref.get("weight") and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1]
    return Run(
        performance=round(categories["performance"]["score"] * 100),
        accessibility=round(categories["accessibility"]["score"] * 100),
        fcp_ms=audits["first-contentful-paint"]["numericValue"],
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
        transfer_bytes=audits["total-byte-weight"]["numericValue"],
        render_blocking=[re.sub(r"^https?://[^/]+/", "", u) for u in blocking],
        failed_audits=failed,
    )


def lighthouse_version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else "?"


# -- axe-core ---------------------------------------------------------------------------------------


def axe_violations(urls: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """``{label: {viewport: ["rule (impact) × nodes", …]}}`` for each URL, once the page has settled."""
    from playwright.sync_api import sync_playwright  # the test extras: only this step needs it

    axe_source = AXE_SCRIPT.read_text(encoding="utf-8")
    found: dict[str, dict[str, list[str]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROME, args=["--no-sandbox"])
        try:
            for label, url in urls.items():
                for viewport, size in AXE_VIEWPORTS.items():
                    context = browser.new_context(viewport=size, locale="zh-CN", color_scheme="light")
                    page = context.new_page()
                    page.goto(url, wait_until="networkidle")
                    page.add_script_tag(content=axe_source)
                    violations = page.evaluate(
                        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
                    found.setdefault(label, {})[viewport] = [
                        f"{v['id']} ({v['impact']}) × {len(v['nodes'])}" for v in violations]
                    context.close()
        finally:
            browser.close()
    return found


def print_axe(found: dict[str, dict[str, list[str]]]) -> None:
    print(f"\naxe-core {axe_version()}: violations of any impact")
    for label, by_viewport in found.items():
        for viewport, violations in by_viewport.items():
            print(f"{label:<28} {viewport:<8} {len(violations):>3}  {', '.join(violations)}")


def axe_version() -> str:
    package = ROOT / "node_modules" / "axe-core" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else "?"


# -- figures ----------------------------------------------------------------------------------------

METRICS = ("performance", "accessibility", "fcp_ms", "lcp_ms", "tbt_ms", "cls", "transfer_bytes")


def medians(runs: list[Run]) -> dict[str, float]:
    return {metric: statistics.median(getattr(run, metric) for run in runs) for metric in METRICS}


def format_row(label: str, figures: dict[str, float]) -> str:
    return (f"{label:<28} {figures['performance']:>5.0f} {figures['accessibility']:>5.0f} "
            f"{figures['fcp_ms'] / 1000:>6.2f} {figures['lcp_ms'] / 1000:>6.2f} {figures['tbt_ms']:>6.0f} "
            f"{figures['cls']:>6.3f} {figures['transfer_bytes'] / 1024:>8.1f}")


def print_table(paths: dict[str, str], ours: dict[str, list[Run]], plain: dict[str, list[Run]]) -> dict:
    header = f"{'page':<28} {'perf':>5} {'a11y':>5} {'FCP s':>6} {'LCP s':>6} {'TBT ms':>6} {'CLS':>6} {'KB':>8}"
    print(header)
    print("-" * len(header))
    verdicts = {}
    for kind, path in paths.items():
        ours_median, plain_median = medians(ours[kind]), medians(plain[kind])
        ok = ours_median["performance"] >= plain_median["performance"] and ours_median["accessibility"] == 100
        verdicts[kind] = {"path": path, "ours": ours_median, "plain": plain_median, "ours_at_least_plain": ok}
        print(format_row(f"ours  {kind} /{path}", ours_median))
        print(format_row("plain (beside it)", plain_median))
        print(f"  -> {'PASS' if ok else 'FAIL'}: ours {ours_median['performance']:.0f} vs plain "
              f"{plain_median['performance']:.0f}, accessibility {ours_median['accessibility']:.0f}")
        ours_blocking = sorted({url for run in ours[kind] for url in run.render_blocking
                                if not url.startswith(("assets/stylesheets/", "assets/javascripts/"))})
        if ours_blocking:
            print(f"  render-blocking resources of ours: {', '.join(ours_blocking)}")
        failed = sorted({audit for run in ours[kind] for audit in run.failed_audits})
        if failed:
            print(f"  accessibility audits failed: {', '.join(failed)}")
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and site (default 3)")
    parser.add_argument("--pages", default=",".join(PAGE_KINDS),
                        help=f"comma-separated pages of ours to measure (default {','.join(PAGE_KINDS)})")
    parser.add_argument("--json", type=Path, help="write every run and the medians to this file")
    parser.add_argument("--no-gzip", action="store_true",
                        help="serve files uncompressed (default: gzip, as GitHub Pages serves them)")
    parser.add_argument("--keep", type=Path, help="build into this folder and leave it (default: a temporary one)")
    args = parser.parse_args(argv)
    kinds = [kind.strip() for kind in args.pages.split(",") if kind.strip()]
    if args.runs < 1 or not kinds:
        parser.error("--runs must be ≥ 1 and --pages name at least one page")
    unknown = [kind for kind in kinds if kind not in PAGE_KINDS]
    if unknown:
        parser.error(f"--pages: unknown {', '.join(unknown)} (known: {', '.join(PAGE_KINDS)})")

    with contextlib.ExitStack() as stack:
        work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="llminfra-lighthouse-")))
        work.mkdir(parents=True, exist_ok=True)
        print(f"Lighthouse {lighthouse_version()}, mkdocs-material {material_version()}, Chromium {CHROME}",
              flush=True)
        print("building our site and the plain Material site …", flush=True)
        ours_site = build_ours(work / "ours-site")
        shutil.rmtree(work / "plain", ignore_errors=True)
        plain_site = build_plain(write_plain_project(work / "plain"), work / "plain-site")
        paths = reader_pages(ours_site, kinds)
        ours_url = stack.enter_context(serve_directory(ours_site, compress=not args.no_gzip))
        plain_url = stack.enter_context(serve_directory(plain_site, compress=not args.no_gzip))

        ours: dict[str, list[Run]] = {kind: [] for kind in paths}
        plain: dict[str, list[Run]] = {kind: [] for kind in paths}
        for number in range(1, args.runs + 1):
            for kind, path in paths.items():
                ours[kind].append(lighthouse(ours_url + path))
                plain[kind].append(lighthouse(plain_url))
                print(f"run {number}/{args.runs} {kind:<7} ours {ours[kind][-1].performance:.0f} "
                      f"plain {plain[kind][-1].performance:.0f}", flush=True)
        axe = axe_violations({**{f"ours  {kind} /{path}": ours_url + path for kind, path in paths.items()},
                              "plain home": plain_url})

    print()
    verdicts = print_table(paths, ours, plain)
    print_axe(axe)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "lighthouse": lighthouse_version(), "material": material_version(), "runs": args.runs,
            "gzip": not args.no_gzip, "pages": verdicts, "axe": axe,
            "ours_runs": {kind: [asdict(run) for run in runs] for kind, runs in ours.items()},
            "plain_runs": {kind: [asdict(run) for run in runs] for kind, runs in plain.items()},
        }, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nwrote {args.json}")
    ours_axe_clean = all(not violations for label, by_viewport in axe.items() if label.startswith("ours")
                         for violations in by_viewport.values())
    return 0 if ours_axe_clean and all(v["ours_at_least_plain"] for v in verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
