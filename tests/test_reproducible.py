"""Builds are reproducible: the same tree and SOURCE_DATE_EPOCH give byte-identical sites.

CI sets SOURCE_DATE_EPOCH to the last commit's time, so a rebuild of the same commit (the deploy job
rebuilds what the test job built) produces the same files, and the sitemap dates do not change on
every build.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import BUILDS, copy_project

EPOCH = 1767225600  # 2026-01-01T00:00:00Z


def build(project: Path, site: Path, epoch: int, hash_seed: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "REPO_URL")}
    # Different hash seeds: set and dict orders that leak into the output would show up as differences.
    env.update(NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=str(epoch), PYTHONHASHSEED=hash_seed)
    BUILDS.add("mkdocs command line")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                            cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_two_builds_of_the_same_tree_are_byte_identical(tmp_path):
    # Two copies in different folders: absolute paths must not leak into the site either.
    first = copy_project(tmp_path / "checkout-a")
    second = copy_project(tmp_path / "elsewhere/checkout-b")
    build(first, tmp_path / "site-a", EPOCH, "1")
    build(second, tmp_path / "site-b", EPOCH, "2")
    a, b = tree(tmp_path / "site-a"), tree(tmp_path / "site-b")
    assert {"sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "index.html", "feeds/feed.xml",
            "feeds/atom.xml", "feeds/podcast.xml", "feeds/weekly.xml", "weekly/index.html"} <= set(a)
    assert a.keys() == b.keys()
    different = [name for name in a if a[name] != b[name]]
    assert not different, f"files differ between two builds: {different[:10]}"


def test_source_date_epoch_pins_the_dates_mkdocs_writes(tmp_path):
    project = copy_project(tmp_path / "project")
    later = EPOCH + 86400 * 40  # 2026-02-10
    build(project, tmp_path / "site", later, "0")
    day = dt.datetime.fromtimestamp(later, dt.timezone.utc).date().isoformat()
    sitemap = (tmp_path / "site/sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {day}
    compressed = (tmp_path / "site/sitemap.xml.gz").read_bytes()
    assert int.from_bytes(compressed[4:8], "little") == later  # gzip header mtime
    assert gzip.decompress(compressed).decode("utf-8") == sitemap
