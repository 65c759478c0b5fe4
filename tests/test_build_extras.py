"""The tests build what is deployed (issue 20): with the test extras installed, the build loads nothing of theirs,
and the site it writes is byte for byte the one written when they are out of reach.

The test extras are those of pyproject.toml; a distribution counts as theirs when only they bring it (not
the site's own dependencies). Each build runs with a ``sitecustomize`` of ours on ``PYTHONPATH``, which every
Python process of the build loads (the search index worker too): it records the modules each process
imported and, for the second build, makes the extras' modules impossible to import, as if not installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from conftest import BUILDS, ROOT, _base_env
from packaging.requirements import Requirement

SITECUSTOMIZE = '''
import atexit, json, os, sys

_blocked = set(filter(None, os.environ.get("LLMINFRA_TEST_BLOCK", "").split(",")))


class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in _blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None


sys.meta_path.insert(0, _Blocker())


@atexit.register
def _record():
    with open(os.environ["LLMINFRA_TEST_MODULES"], "a", encoding="utf-8") as handle:
        handle.write(json.dumps(sorted({name.partition(".")[0] for name in sys.modules})) + "\\n")
'''


# Imported when present by a dependency of the site, for type hints only; nothing of ours can stop that, and the
# site is the same without it (the second build below).
TYPE_HINTS_ONLY = {"typing_extensions"}  # pathspec, MkDocs' dependency: `try: import typing_extensions`


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


def _closure(names: set[str]) -> set[str]:
    """``names`` and every distribution they require, as installed (optional extras of theirs left out)."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_name(text))
    return seen


def extras_only_modules() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    site = _closure({_name(text) for text in project["dependencies"]})
    tests = _closure({_name(text) for text in project["optional-dependencies"]["test"]}) - site
    modules = set()
    for module, distributions in metadata.packages_distributions().items():
        if {re.sub(r"[-_.]+", "-", d).lower() for d in distributions} <= tests:
            modules.add(module)
    return modules


def build(project: Path, site: Path, work: Path, blocked: set[str]) -> set[str]:
    """Build ``project`` into ``site`` as CI does; the top-level modules any process of the build imported."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    record = work / "modules.jsonl"
    env = {**_base_env(), "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": os.pathsep.join([str(work), str(ROOT / "hooks")]),
           "LLMINFRA_TEST_MODULES": str(record), "LLMINFRA_TEST_BLOCK": ",".join(sorted(blocked))}
    BUILDS.add("mkdocs command line")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--strict", "-f",
                             str(project / "mkdocs.yml"), "-d", str(site)], cwd=project, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return {name for line in record.read_text(encoding="utf-8").splitlines() for name in json.loads(line)}


def tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_the_build_loads_nothing_of_the_test_extras_and_writes_the_same_site_without_them(built_site, tmp_path):
    extras = extras_only_modules()
    assert {"pytest", "playwright", "zensical"} <= extras  # installed with the test extras, as the suite runs
    loaded = build(built_site.project, tmp_path / "with", tmp_path / "with-work", blocked=set())
    assert "llminfra" in loaded and "material" in loaded  # the record covers the build
    unexpected = (loaded & extras) - TYPE_HINTS_ONLY
    assert not unexpected, f"the build loaded modules of the test extras: {sorted(unexpected)}"
    build(built_site.project, tmp_path / "without", tmp_path / "without-work", blocked=extras)
    with_extras, without = tree(tmp_path / "with"), tree(tmp_path / "without")
    assert with_extras.keys() == without.keys()
    assert [name for name in with_extras if with_extras[name] != without[name]] == []
