"""Shared fixtures: the project root, mini projects and a built copy of the site."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "tests"))

# Copies of the read-only seeds (../shared/seeds, ../shared/data/series.yml), so the
# suite runs in any clone, GitHub Actions included.
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
# Frozen content (docs/share, docs/series, docs/notes, data/taxonomy.yml as of 2025-11): tests that need exact
# counts or texts build this, so new entries in docs/ never break them. Tests of the live docs/ check invariants.
FROZEN = ROOT / "tests" / "fixtures" / "project"


class BuildCount:
    """The site builds (MkDocs, and Zensical's of the export) this test process ran, by how they ran; the
    session's total is printed at its end.

    Builds are most of the suite's time: the count says what a change to the suite costs or saves.
    """

    def __init__(self):
        self.counts: Counter[str] = Counter()

    def add(self, how: str) -> None:
        self.counts[how] += 1


BUILDS = BuildCount()


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: hand the count to the controller
        workeroutput["llminfra_builds"] = dict(BUILDS.counts)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    BUILDS.counts.update(getattr(node, "workeroutput", {}).get("llminfra_builds", {}))


def pytest_terminal_summary(terminalreporter):
    counts = BUILDS.counts
    detail = ", ".join(f"{number} {how}" for how, number in sorted(counts.items()))
    terminalreporter.write_line(f"Site builds: {sum(counts.values())}" + (f" ({detail})" if detail else ""))


def build_in_process(config, **options) -> None:
    """``mkdocs build`` of a loaded config in this interpreter (no new interpreter to start), counted."""
    from mkdocs.commands.build import build

    BUILDS.add("mkdocs in-process")
    build(config, **options)


def run_mkdocs_build(project: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """Build ``project`` with the MkDocs command line, as CI does."""
    BUILDS.add("mkdocs command line")
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(project / "mkdocs.yml"),
               "-d", str(site_dir)]
    if strict:
        command.append("--strict")
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env={**_base_env(), **env})


def build_synthetic_site(work: Path, size: int, seed: int = 7) -> tuple[Path, Path]:
    """(project, built site) of ``bench/generate.py``'s synthetic project of ``size`` entries."""
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    project = generate.generate_project(work / "project", size, seed=seed).root
    site = project.parent / "site"
    result = run_mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return project, site


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "REPO_URL")}


_MONTH_HEADING = re.compile(r"^## (\d{4})(\d{2})\s*$")


def dated(share_list: str) -> str:
    """Upstream-format share-list text as a contributor's list: each entry dated (the 1st of its month's heading).

    A share list other than the mirror needs a date line under each entry heading (``2025-09-01``); upstream's
    format has none.
    """
    out, month = [], None
    for line in share_list.splitlines(keepends=True):
        out.append(line)
        heading = _MONTH_HEADING.match(line.rstrip("\r\n"))
        if heading:
            month = f"{heading.group(1)}-{heading.group(2)}"
        elif line.startswith("## [") and month:
            newline = line[len(line.rstrip("\r\n")):] or "\n"
            out.append(f"{month}-01{newline}")
    return "".join(out)


# sync's records describe the live mirror: with a mirror of its own, a test project must not carry them, or its
# mirror would be a hand edit of upstream's file.
MIRROR_RECORDS = ("data/upstream.yml", "data/arrivals.yml")


def copy_data(destination: Path) -> Path:
    """The project's data/ (taxonomy, corrections, audio records) without the records of the live mirror."""
    shutil.copytree(ROOT / "data", destination / "data", ignore=shutil.ignore_patterns("__pycache__"))
    for record in MIRROR_RECORDS:
        (destination / record).unlink(missing_ok=True)
    return destination


def copy_project(destination: Path, with_content: bool = True) -> Path:
    """A copy of the project (config, hooks, templates, data), optionally without docs content."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "hooks", "overrides", "data"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    if with_content:
        shutil.copytree(ROOT / "docs", destination / "docs")
    else:
        for record in MIRROR_RECORDS:
            (destination / record).unlink(missing_ok=True)
        (destination / "docs").mkdir()
        shutil.copy2(ROOT / "docs" / "index.md", destination / "docs" / "index.md")
        shutil.copy2(ROOT / "docs" / ".pages", destination / "docs" / ".pages")
        shutil.copytree(ROOT / "docs" / "assets", destination / "docs" / "assets")
    return destination


def copy_frozen_project(destination: Path) -> Path:
    """A copy of the project whose content is the frozen fixture content (templates, hooks and assets live)."""
    project = copy_project(destination, with_content=False)
    for name in ("subscribe.md", "performance.md"):
        if (ROOT / "docs" / name).is_file():
            shutil.copy2(ROOT / "docs" / name, project / "docs" / name)
    shutil.copytree(FROZEN / "docs", project / "docs", dirs_exist_ok=True)
    # The frozen data only: taxonomy and measured audio as they were; no provenance (the frozen list predates sync).
    shutil.rmtree(project / "data")
    shutil.copytree(FROZEN / "data", project / "data")
    return project


class BuiltSite:
    def __init__(self, path: Path, log: str, project: Path = ROOT):
        self.path = path
        self.log = log
        self.project = project

    def page(self, url_path: str) -> str:
        """HTML of the page at ``url_path`` (``tags/vllm/`` or ``404.html``)."""
        target = self.path / url_path
        if url_path == "" or url_path.endswith("/"):
            target = target / "index.html"
        return target.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The site of the frozen content (``FROZEN``), built once per test session with --strict."""
    base = tmp_path_factory.mktemp("site")
    project = copy_frozen_project(base / "project")
    site = base / "site"
    result = run_mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-4000:]
    return BuiltSite(site, result.stderr, project)


HOSTILE = ROOT / "tests/fixtures/hostile"
# The share-list cases of issue 19 (attribute lists, fences, audio numbers), which are also built as upstream's
# mirror (docs/share/index.md), where they are notices: s45 onwards.
MIRRORED_CASES = [f"s{number:02d}" for number in range(45, 100)]


def mirror_of_cases(names: list[str]) -> str:
    """The share-list cases ``names`` one after the other, as upstream's file (their links moved under
    ``/mirror/``, so that no entry is a duplicate of the same case in a file of its own)."""
    return "".join((HOSTILE / "share" / f"{name}.md").read_text(encoding="utf-8")
                   .replace("https://example.com/", "https://example.com/mirror/") for name in names)


def mirrored_case_names() -> list[str]:
    return sorted(p.stem for p in (HOSTILE / "share").glob("*.md") if p.stem[:3] in MIRRORED_CASES)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """Every hostile fixture (tests/fixtures/hostile) built into one site, non-strict.

    Share-list and note cases are one file each; the series cases are
    concatenated into the one series page; the cases of ``MIRRORED_CASES`` are also
    concatenated into upstream's mirror. Returns (site dir, build log, project).
    """
    base = tmp_path_factory.mktemp("hostile")
    project = copy_project(base / "project", with_content=False)
    docs = project / "docs"
    for kind in ("share", "notes"):
        (docs / kind).mkdir()
        for case in sorted((HOSTILE / kind).glob("*.md")):
            shutil.copy2(case, docs / kind / case.name)
    (docs / "series").mkdir()
    series = "# 系列\n\n" + "".join(case.read_text(encoding="utf-8")
                                     for case in sorted((HOSTILE / "series").glob("*.md")))
    (docs / "series/index.md").write_text(series, encoding="utf-8")
    (docs / "share/index.md").write_text(mirror_of_cases(mirrored_case_names()), encoding="utf-8")
    result = run_mkdocs_build(project, base / "site", strict=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return base / "site", result.stderr, project


@pytest.fixture(scope="session")
def chromium():
    """One Chromium (Debian's, through Playwright) per session: a second sync_playwright in the same worker fails."""
    from browser_support import chromium_path
    from playwright.sync_api import sync_playwright

    executable = chromium_path()  # raises with install instructions: a missing browser fails the suite
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()
