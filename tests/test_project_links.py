"""The build reads nothing outside the project: symbolic links out of docs/, overrides/ or data/ (issue 19).

A link ``docs/env.txt → /proc/self/environ`` used to put the build's environment into ``site/env.txt``, which CI
uploads as every pull request's preview; ``/etc/passwd``, ``../.git/config`` and linked folders went the same way,
and a dangling link inside a linked folder crashed MkDocs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, _base_env, copy_project, run_mkdocs_build

from llminfra.domain.layout import SiteLayout
from llminfra.sources.loading import build_catalog
from llminfra.sources.project_links import escaping_links, project_file

SHARE = "# 好文\n\n## 202509\n\n## [好文一](https://example.com/a)\n\n摘要。\n"
SECRET = "LLMINFRA_TEST_SECRET=do-not-publish\n"


def linked_project(base: Path) -> tuple[Path, Path]:
    """A project whose folders hold every kind of link out, and a folder outside it with a secret."""
    outside = base / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "folder" / "secret.md").write_text(SECRET, encoding="utf-8")
    os.symlink("/nonexistent/file", outside / "folder" / "dangling.md")  # dangling, inside a linked folder
    (outside / "taxonomy.yml").write_text("tags:\n  - id: leaked\n    name: 泄露\n", encoding="utf-8")
    project = copy_project(base / "project", with_content=False)
    (project / "docs/share").mkdir()
    (project / "docs/share/contributed.md").write_text(SHARE, encoding="utf-8")
    (project / ".git").mkdir()
    (project / ".git/config").write_text("[credential]\n  helper = secret\n", encoding="utf-8")
    links = {
        "docs/env.txt": "/proc/self/environ",
        "docs/passwd.txt": "/etc/passwd",
        "docs/git-config.txt": "../.git/config",
        "docs/secret.txt": str(outside / "secret.txt"),
        "docs/linked": str(outside / "folder"),
        "docs/share/leak.md": str(outside / "secret.txt"),
        "docs/loop": ".",
        "overrides/llminfra/leak.html": str(outside / "secret.txt"),
        "data/audio.yml": str(outside / "secret.txt"),
    }
    links["data/taxonomy.yml"] = str(outside / "taxonomy.yml")
    for link, target in links.items():
        (project / link).unlink(missing_ok=True)
        os.symlink(target, project / link)
    # Links that stay inside their folder are fine.
    (project / "docs/real.md").write_text("# 真\n", encoding="utf-8")
    os.symlink("real.md", project / "docs/alias.md")
    return project, outside


ESCAPING = ["docs/env.txt", "docs/passwd.txt", "docs/git-config.txt", "docs/secret.txt", "docs/linked",
            "docs/share/leak.md", "docs/loop", "overrides/llminfra/leak.html", "data/audio.yml", "data/taxonomy.yml"]


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> tuple[Path, Path]:
    return linked_project(tmp_path_factory.mktemp("links"))


def test_every_link_out_of_the_project_folders_is_listed_and_no_other(linked):
    project, _ = linked
    found = {link.path: link for link in escaping_links(SiteLayout(project))}
    assert sorted(found) == sorted(ESCAPING)
    assert "leaves docs/" in found["docs/env.txt"].reason
    assert found["docs/loop"].reason == "points to a folder that holds it"
    assert found["docs/git-config.txt"].reason == "leaves docs/"


def test_a_dangling_link_and_a_folder_that_is_a_link_out_are_listed(tmp_path):
    project = copy_project(tmp_path / "project", with_content=False)
    os.symlink("/nonexistent", project / "docs/dangling.md")
    (tmp_path / "elsewhere").mkdir()
    (project / "data").rename(tmp_path / "elsewhere/data")
    os.symlink(tmp_path / "elsewhere/data", project / "data")
    found = {link.path: link.reason for link in escaping_links(SiteLayout(project))}
    assert found == {"docs/dangling.md": "points to nothing", "data": "leaves the project"}


def test_the_readers_never_follow_a_link_out(linked):
    project, _ = linked
    assert project_file(project, "data/taxonomy.yml") is None
    assert project_file(project, "docs/alias.md") is not None
    catalog = build_catalog(SiteLayout(project))
    assert "leaked" not in {tag.slug for tag in catalog.tags.values()}  # data/taxonomy.yml was not read
    assert [source.page for source in catalog.sources] == ["share/contributed.md"]  # share/leak.md was not
    assert "docs/linked/secret.md" not in catalog.docs_pages and "real.md" in catalog.docs_pages
    assert not any(SECRET.strip() in "\n".join(page.lines) for page in catalog.docs_pages.values())


def test_check_names_each_link_as_an_error(linked):
    project, _ = linked
    result = subprocess.run([sys.executable, "-m", "llminfra", "check", "--root", str(project)],
                            capture_output=True, text=True, env=_base_env())
    assert result.returncode == 1, result.stderr
    for path in ESCAPING:
        assert f"\n{path}: symbolic link to " in "\n" + result.stderr, path


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "not strict"])
def test_no_build_starts_while_a_link_leads_out_and_nothing_behind_one_is_published(linked, tmp_path, strict):
    project, _ = linked
    site = tmp_path / "site"
    result = run_mkdocs_build(project, site, strict=strict)
    assert result.returncode != 0
    assert "symbolic links lead outside the project" in result.stderr
    for path in ESCAPING:
        assert f"  {path}: symbolic link to " in result.stderr, path
    assert "Traceback" not in result.stderr
    published = [p for p in site.rglob("*") if p.is_file()] if site.exists() else []
    assert not any(SECRET.strip() in p.read_text(errors="replace") for p in published)


def test_export_refuses_too(linked, tmp_path):
    project, _ = linked
    result = subprocess.run([sys.executable, "-m", "llminfra", "export", str(tmp_path / "out"), "--root", str(project)],
                            capture_output=True, text=True, env=_base_env())
    assert result.returncode == 1
    assert "docs/env.txt: symbolic link to '/proc/self/environ' leaves docs/" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_live_project_has_no_link_out():
    assert escaping_links(SiteLayout(ROOT)) == []
