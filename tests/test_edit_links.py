"""Every page and every entry links to the exact source it came from, checked on the built HTML.

- source pages (share lists, series, notes, home): Material's edit button, ``edit/main/docs/<file>``;
- every entry: "源文件第 N 行", ``blob/main/<file>#L<N>``, N being the line of the entry's heading;
- tag pages: the tag's line in ``data/taxonomy.yml``; the tags index: ``data/taxonomy.yml``;
- archive, month and notes-index pages, assembled from every source: the template that assembles them.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import pytest
import yaml
from conftest import BUILDS, FROZEN, ROOT, copy_project

from llminfra.domain.layout import SiteLayout
from llminfra.domain.site_plan import plan_site
from llminfra.render.options import RenderOptions
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.loading import build_catalog

CONFIG = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
REPO = re.search(r'repo_url: !ENV \[REPO_URL, "([^"]+)"\]', CONFIG).group(1).rstrip("/")
EDIT_BUTTON = re.compile(r'<a href="([^"]+)" title="[^"]*" class="md-content__button md-icon" rel="edit"')
SOURCE_LINK = re.compile(r'class="llm-source" href="([^"]+)"[^>]*>源文件第 (\d+) 行<')
BLOB = f"{REPO}/blob/main/"


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(SiteLayout(FROZEN))


def edit_button(built_site, url_path: str) -> str | None:
    found = EDIT_BUTTON.findall(built_site.page(url_path))
    assert len(found) <= 1
    return html.unescape(found[0]) if found else None


def site_path(page: str) -> str:
    """docs-relative source page -> built URL path."""
    stem = page.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def line_of(path: str, number: int) -> str:
    """A line of the frozen content, which the catalog and the built site of these tests come from."""
    return (FROZEN / path).read_text(encoding="utf-8").splitlines()[number - 1]


def test_source_pages_edit_their_own_file(built_site, catalog):
    pages = ["index.md"] + [source.page for source in catalog.sources]
    assert {"share/index.md", "series/index.md"} <= set(pages)
    for page in pages:
        assert edit_button(built_site, site_path(page)) == f"{REPO}/edit/main/docs/{page}"


def test_every_entry_links_to_the_line_of_its_heading(built_site, catalog):
    for source in catalog.sources:
        page_html = built_site.page(site_path(source.page))
        linked = set()
        for href, number in SOURCE_LINK.findall(page_html):
            href = html.unescape(href)
            assert href.startswith(BLOB) and href.endswith(f"#L{number}")
            path = href[len(BLOB):].split("#")[0]
            linked.add((path, int(number)))
        expected = {(e.source.path, e.source.line) for e in catalog.entries if e.page == source.page}
        assert linked == expected, source.page
        for path, number in linked:
            heading = line_of(path, number)
            assert re.match(r"#{2,3} ", heading), (path, number, heading)


def test_entry_source_lines_hold_their_titles(catalog):
    for entry in catalog.entries:
        heading = line_of(entry.source.path, entry.source.line)
        if not entry.title_derived:
            assert entry.title.split()[0] in heading, (entry.source, heading)


def test_tag_pages_edit_their_line_in_the_taxonomy(built_site, catalog):
    taxonomy = (FROZEN / "data/taxonomy.yml").read_text(encoding="utf-8").splitlines()  # what built_site used
    known = yaml.safe_load("\n".join(taxonomy))["tags"]
    checked = 0
    for slug, tag in catalog.tags.items():
        button = edit_button(built_site, f"tags/{slug}/")
        if slug in known:
            assert button == f"{BLOB}data/taxonomy.yml#L{tag.taxonomy_line}"
            assert taxonomy[tag.taxonomy_line - 1] == f"  {slug}:"
            checked += 1
        else:  # unknown tags are added to the taxonomy file, so that is where the button goes
            assert button == f"{BLOB}data/taxonomy.yml"
    assert checked > 50
    assert edit_button(built_site, "tags/") == f"{BLOB}data/taxonomy.yml"


@pytest.mark.parametrize("url_path, template", [
    ("archive/", "archive-index.html"),
    ("archive/2025/", "year.html"),
    ("notes/", "notes-index.html"),
])
def test_pages_assembled_from_every_source_edit_their_template(built_site, url_path, template):
    button = edit_button(built_site, url_path)
    assert button == f"{BLOB}overrides/llminfra/{template}"
    assert (ROOT / "overrides/llminfra" / template).is_file()


def test_every_year_of_the_month_archive_has_an_edit_link(built_site, catalog):
    for year in {month.year for month in catalog.months}:
        assert edit_button(built_site, f"archive/{year}/") == f"{BLOB}overrides/llminfra/year.html"


def test_no_source_links_without_a_github_repository(catalog):
    source = next(s for s in catalog.sources if s.entries)
    with_repo = source_markdown(catalog, source, RenderOptions(repo_blob_url=BLOB))
    without = source_markdown(catalog, source, RenderOptions(repo_blob_url=None))
    assert with_repo.count('class="llm-source"') == len(source.entries)
    assert 'class="llm-source"' not in without
    assert RenderOptions().source_url("data/taxonomy.yml", 3) is None


def test_edit_links_follow_the_repository_ci_builds(tmp_path):
    """CI sets REPO_URL from the repository it runs in; a fork's build links to the fork."""
    project = copy_project(tmp_path / "project")
    fork = "https://github.com/someone/fork-of-site"
    env = {**os.environ, "REPO_URL": fork, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    env.pop("SITE_URL", None)
    BUILDS.add("mkdocs command line")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    share = (tmp_path / "site/share/index.html").read_text(encoding="utf-8")
    assert EDIT_BUTTON.findall(share) == [f"{fork}/edit/main/docs/share/index.md"]
    links = [html.unescape(href) for href, _ in SOURCE_LINK.findall(share)]
    assert links and all(link.startswith(f"{fork}/blob/main/docs/share/index.md#L") for link in links)
    tag = (tmp_path / "site/tags/vllm/index.html").read_text(encoding="utf-8")
    assert EDIT_BUTTON.findall(tag)[0].startswith(f"{fork}/blob/main/data/taxonomy.yml#L")


def source_markdown(catalog, source, options: RenderOptions) -> str:
    """The rendered markdown of a source file's own page."""
    plan = plan_site(catalog, SiteLayout(ROOT))
    return SiteRenderer(catalog, plan, ROOT / "overrides", options).page_markdown(source.page, "")
