"""Strict means strict: a source error fails a strict build at any verbosity.

MkDocs counts warnings for ``--strict`` only at the levels its logger shows, so
``-q`` used to let a site with source errors build and exit 0 (mkdocs/mkdocs#4126).
The hooks fail the build themselves when strict is on, from the command line or
from ``strict: true`` in mkdocs.yml.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUILDS, ROOT, _base_env, copy_project

BAD_SHARE = ROOT / "tests/fixtures/bad/share/entry-without-link.md"
ERROR = "docs/share/contributed.md:9: entry '没有链接的好文' has no link"
GOOD_SHARE = "# 好文\n\n## 202509\n\n## [好文一](https://example.com/a)\n\n摘要。\n"


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """A project whose share list has one source error, and the same with ``strict: true`` in mkdocs.yml."""
    base = tmp_path_factory.mktemp("strict")
    bad = copy_project(base / "bad", with_content=False)
    (bad / "docs/share").mkdir()
    # A contributor's file: in upstream's mirror (share/index.md) the same problem is a notice.
    (bad / "docs/share/contributed.md").write_text(BAD_SHARE.read_text(encoding="utf-8"), encoding="utf-8")
    strict_in_config = base / "bad-strict-config"
    subprocess.run(["cp", "-a", str(bad), str(strict_in_config)], check=True)
    config = strict_in_config / "mkdocs.yml"
    config.write_text("strict: true\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    good = copy_project(base / "good", with_content=False)
    (good / "docs/share").mkdir()
    (good / "docs/share/index.md").write_text(GOOD_SHARE, encoding="utf-8")
    return {"bad": bad, "bad-strict-config": strict_in_config, "good": good}


def build(project: Path, *flags: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"),
               "-d", str(project / "site"), *flags]
    env = {**_base_env(), "NO_MKDOCS_2_WARNING": "1"}
    BUILDS.add("mkdocs command line")
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)


STRICT_RUNS = [
    ("bad", ("--strict",)),
    ("bad", ("--strict", "-q")),
    ("bad", ("--strict", "-v")),
    ("bad-strict-config", ("-q",)),
    ("bad-strict-config", ()),
]


RUN_IDS = [f"{project} {' '.join(flags) or '(no flags)'}" for project, flags in STRICT_RUNS]


@pytest.mark.parametrize("project, flags", STRICT_RUNS, ids=RUN_IDS)
def test_a_source_error_fails_every_strict_build(projects, project, flags):
    result = build(projects[project], *flags)
    assert result.returncode != 0, result.stderr[-2000:]
    # The failure names the count and every error as path:line, even where -q hides the warnings.
    assert "llminfra: 1 source error in strict mode" in result.stderr
    assert ERROR in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("flags", [(), ("-q",)], ids=["(no flags)", "-q"])
def test_without_strict_the_build_passes_and_logs_the_problem(projects, flags):
    result = build(projects["bad"], *flags)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "strict mode" not in result.stderr
    if not flags:
        assert f"WARNING -  {ERROR}" in result.stderr
    assert (projects["bad"] / "site/share/contributed/index.html").is_file()


def test_a_clean_project_passes_strict_and_quiet(projects):
    result = build(projects["good"], "--strict", "-q")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "strict mode" not in result.stderr
