"""YAML from any file is read within bounds: an alias bomb is a quick error at path:line, never gigabytes.

A few lines of nested aliases make a value whose text takes gigabytes (the "billion laughs"). Every YAML the
project reads that someone else wrote goes through ``sources.yaml_text.read_yaml``: front matter of notes and
hand-written pages, ``data/taxonomy.yml``, ``data/audio.yml``, ``data/upstream.yml``.
"""

from __future__ import annotations

import shutil
import time

import pytest
from conftest import copy_frozen_project, run_mkdocs_build

from llminfra.commands.cli import main
from llminfra.domain.layout import SiteLayout
from llminfra.sources.loading import build_catalog
from llminfra.sources.yaml_text import MAX_DEPTH, read_yaml

# Nine times nine times … : eight levels are 9**8 = 43 million strings once expanded.
BOMB_LINES = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
    f"l{n}: &l{n} [{','.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)]
BOMB = "\n".join(BOMB_LINES) + "\n"


def test_an_alias_is_an_error_at_the_line_that_uses_it():
    result = read_yaml(BOMB, "data/x.yml")
    assert result.value is None and result.node is None
    assert [str(p) for p in result.problems] == [
        "data/x.yml:2: YAML aliases (*name) are not allowed (write the value out in full; an alias can make a "
        "few lines expand to gigabytes)"]


def test_depth_and_plain_values():
    deep = read_yaml("k: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", "d.yml")
    assert "nested deeper" in deep.problems[0].message
    plain = read_yaml("a: 1\nb: [x, {c: d}]\n", "p.yml", first_line=5)
    assert plain.ok and plain.value == {"a": 1, "b": ["x", {"c": "d"}]}
    broken = read_yaml("a: [1,\n", "p.yml", first_line=5)
    assert broken.problems[0].line == 6 and broken.problems[0].message.startswith("YAML syntax error")


@pytest.fixture
def bombed(tmp_path):
    """The frozen project with a bomb in a note's front matter, the home page's, and three data files."""
    project = copy_frozen_project(tmp_path / "project")
    note = next((project / "docs/notes").glob("*.md"))
    text = note.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    note.write_text("---\n" + BOMB + "title: *l8\n" + text[4:], encoding="utf-8")
    home = project / "docs/index.md"
    home.write_text("---\n" + BOMB + "title: *l8\n---\n\n" + home.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("data/audio.yml", "data/upstream.yml"):
        (project / name).write_text(BOMB, encoding="utf-8")
    taxonomy = project / "data/taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8") + "\n" + BOMB.replace("l", "search_terms_", 1)
                        .split("\n", 1)[1], encoding="utf-8")
    return project, note.relative_to(project).as_posix()


def test_check_reports_every_bomb_quickly_with_its_line(bombed, capsys):
    project, note = bombed
    started = time.perf_counter()
    code = main(["--root", str(project), "check"])
    seconds = time.perf_counter() - started
    err = capsys.readouterr().err
    assert code == 1
    alias = "YAML aliases (*name) are not allowed"
    for where in (f"{note}:3: front matter: {alias}", f"docs/index.md:3: front matter: {alias}",
                  f"data/audio.yml:2: {alias}", f"data/upstream.yml:2: {alias}"):
        assert where in err, err
    assert "data/taxonomy.yml:" in err and alias in err.split("data/taxonomy.yml:", 1)[1]
    assert seconds < 60  # today's code takes minutes and gigabytes; a bounded read takes a second


def test_the_strict_build_fails_and_the_plain_build_drops_the_bombs(bombed, tmp_path):
    project, note = bombed
    strict = run_mkdocs_build(project, tmp_path / "strict")
    assert strict.returncode != 0 and f"{note}:3: front matter: YAML aliases" in strict.stderr
    shutil.rmtree(tmp_path / "strict", ignore_errors=True)
    plain = run_mkdocs_build(project, tmp_path / "site", strict=False)
    assert plain.returncode == 0, plain.stderr[-2000:]
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "lol" not in home  # the front matter was dropped, not expanded into the title
    assert SiteLayout(project) and build_catalog(SiteLayout(project)).upstream is None
