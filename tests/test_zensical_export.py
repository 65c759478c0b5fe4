"""The export builds with Zensical: self-contained, our templates, the same pages as the MkDocs build.

Material for MkDocs reaches end of life in 2027 and its successor Zensical runs
no hooks. ``python -m llminfra export OUT --config OUT/mkdocs.yml`` writes a
project that ``zensical build`` (the PyPI package, in the test extras) builds
into the same set of pages as the hooked MkDocs build, through our templates.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, _base_env

pytestmark = pytest.mark.zensical


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory, built_site):
    """(project, zensical output) of ``built_site``'s project exported into a project folder and built by Zensical."""
    out = tmp_path_factory.mktemp("zensical") / "export"
    env = {**_base_env(), "PYTHONPATH": str(ROOT / "hooks")}
    export = subprocess.run([sys.executable, "-m", "llminfra", "--root", str(built_site.project), "export", str(out),
                             "--config", str(out / "mkdocs.yml")], capture_output=True, text=True, env=env)
    assert export.returncode == 0, export.stdout + export.stderr
    build = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=out, capture_output=True, text=True,
                           env=_base_env(), timeout=600)
    assert build.returncode == 0, (build.stdout + build.stderr)[-4000:]
    return out, build.stdout + build.stderr


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_the_export_is_a_self_contained_project(zensical_site):
    out, _ = zensical_site
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.startswith("docs_dir: docs\n")
    assert re.search(r"^  custom_dir: overrides$", config, re.M)
    assert "/tmp/" not in config and str(ROOT) not in config and str(out) not in config  # no absolute paths
    assert "hooks:" not in config and "site_hooks.py" not in config
    assert (out / "overrides/main.html").is_file() and (out / "overrides/llminfra/head-feeds.html").is_file()
    assert (out / "docs/tags/index.md").is_file()


def test_zensical_builds_the_same_pages_as_mkdocs(zensical_site, built_site):
    out, log = zensical_site
    assert "Build finished" in log
    assert html_pages(out / "site") == html_pages(built_site.path)


def test_zensical_pages_come_through_our_templates(zensical_site):
    out, _ = zensical_site
    site = out / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    head = home[: home.index("</head>")]
    # Feeds in <head> (head-feeds.html) and link previews (head-social.html), via main.html's extrahead.
    for path in ("feeds/feed.xml", "feeds/atom.xml", "feeds/feed.json", "feeds/podcast.xml"):
        assert f'href="{path}"' in head or f'href="./{path}"' in head, path
    assert '<meta property="og:site_name"' in head
    # ... and the feeds are there: the export writes them as files, since no hook runs after the build.
    feed_links = re.findall(r'<link rel="alternate feed" [^>]*href="([^"]+)"', head)
    assert len(feed_links) == 4
    for href in feed_links:
        assert (site / href).is_file(), href
    tag_page = next(p for p in (site / "tags").glob("*/index.html"))
    assert re.search(r'<link rel="alternate feed" type="application/rss\+xml" title="[^"]+ · RSS" '
                     r'href="\.\./\.\./feeds/tags/[^"]+\.xml">', tag_page.read_text(encoding="utf-8"))
    # Tag chips and players are in the exported pages' bodies.
    share = (site / "share/index.html").read_text(encoding="utf-8")
    assert 'class="llm-tags"' in share and 'class="llm-entry-meta"' in share
    assert "<audio" in share and "<audio" in (site / "listen/index.html").read_text(encoding="utf-8")
    # The 404 page (404.html override) links from the site root.
    assert 'href="/">回到首页' in (site / "404.html").read_text(encoding="utf-8")


def test_templates_call_no_python_methods():
    """MiniJinja has no Python methods on values (``base_url.rstrip('/')``): filters and slices only."""
    method_call = re.compile(r"\{[{%][^}]*\b[a-z_]+\.(rstrip|lstrip|strip|format|split|join|replace|"
                             r"startswith|endswith|items|keys|values|get|lower|upper)\(")
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in sorted((ROOT / "overrides").rglob("*.html"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if method_call.search(line)]
    assert offenders == []


def test_the_export_starts_its_theme_s_own_search_worker(zensical_site, built_site):
    """Our search worker reads the index the hooks write; a build without the hooks keeps its theme's worker."""
    out, _ = zensical_site

    def worker(html: str) -> str:
        return json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html,
                                    re.S).group(1))["search"]

    assert "llminfra-search" not in worker((out / "site/index.html").read_text(encoding="utf-8"))
    assert "llminfra-search" in worker(built_site.page(""))


@pytest.mark.browser
def test_zensical_s_own_search_finds_an_entry_in_the_export(zensical_site, chromium):
    """Zensical's search dialog (its own partials/search.html, built in JavaScript) answers in the export."""
    from browser_support import serve_directory

    out, _ = zensical_site
    assert not (out / "overrides/partials/search.html").exists()  # Material's markup would leave search dead
    assert (out / "overrides/main.html").is_file()
    with serve_directory(out / "site") as base:
        context = chromium.new_context()
        try:
            page = context.new_page()
            page.goto(base)
            page.locator(".md-search__button").first.click()
            page.keyboard.insert_text("TileLang")
            # A result links to the page with the query to highlight (?h=); it lives in the theme's shadow DOM,
            # which Playwright's locators enter. The home page's own links to the entry carry no query.
            result = page.locator('a[href*="?h=TileLang"]', has_text="TileLang")
            result.first.wait_for(timeout=10_000)
            assert "/share/" in result.first.get_attribute("href")
        finally:
            context.close()
