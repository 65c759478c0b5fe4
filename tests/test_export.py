"""``python -m llminfra export``: the site as plain markdown that MkDocs builds without the hooks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_mkdocs_build

from llminfra.domain.model import SourceKind
from llminfra.mkdocs_adapter.site_config import load_project_settings
from llminfra.publish.export import copy_templates, export_site, portable_config, split_front_matter

HEADING_ID = re.compile(r'<h[1-6][^>]* id="([^"]+)"')
ENTRY_ANCHOR = re.compile(r'<h[23] id="((?:a|s|n)-[^"]+)"')


@pytest.fixture(scope="module")
def exported(tmp_path_factory, built_site):
    """The site of ``built_site`` (frozen content) exported, and built by plain MkDocs without hooks."""
    work = tmp_path_factory.mktemp("export")
    docs = work / "docs"
    project = built_site.project
    report = export_site(project, load_project_settings(project / "mkdocs.yml"), docs)
    config = work / "mkdocs.yml"
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    copy_templates(text, config, project)  # as `llminfra export OUT --config OUT/mkdocs.yml` does
    config.write_text(portable_config(text, docs, config), encoding="utf-8")
    site = work / "site"
    result = run_mkdocs_build(work, site)
    assert result.returncode == 0, result.stderr[-4000:]
    return report, docs, site, result.stderr


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_hookless_build_has_the_same_html_pages(exported, built_site):
    _, _, site, log = exported
    assert "llminfra timing" not in log  # the hooks really did not run
    assert html_pages(site) == html_pages(built_site.path)


def test_every_page_has_the_same_entry_anchors_and_headings(exported, built_site):
    _, _, site, _ = exported
    entry_pages = 0
    for page in sorted(html_pages(built_site.path)):
        hooked = (built_site.path / page).read_text(encoding="utf-8")
        plain = (site / page).read_text(encoding="utf-8")
        assert ENTRY_ANCHOR.findall(plain) == ENTRY_ANCHOR.findall(hooked), page
        assert set(HEADING_ID.findall(plain)) == set(HEADING_ID.findall(hooked)), page
        entry_pages += bool(ENTRY_ANCHOR.search(hooked))
    assert entry_pages >= 4  # share list, series, two notes


def test_export_holds_generated_rendered_and_copied_files(exported):
    report, docs, _, _ = exported
    assert "tags/index.md" in report.generated and "archive/index.md" in report.generated
    assert any(page.startswith("tags/vllm/") for page in report.generated)
    assert {"index.md", "share/index.md", "series/index.md"} <= set(report.rendered)
    assert ".pages" in report.copied and "assets/llminfra.js" in report.copied
    share = (docs / "share/index.md").read_text(encoding="utf-8")
    assert 'class="llm-entry-meta"' in share  # the rendered body, not the upstream text
    series = (docs / "series/index.md").read_text(encoding="utf-8")
    assert series.startswith("---\ntitle: 大模型基础设施工程\n")  # front matter re-added
    assert "#llm #infra" not in series  # the metadata line became the rendered block
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert home.startswith("---\n") and "llm-home" in home


def test_portable_config_drops_hooks_and_watch_but_keeps_the_rest(tmp_path):
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = portable_config(text, tmp_path / "docs", tmp_path / "mkdocs.yml")
    assert "hooks:" not in config and "site_hooks.py" not in config and "\nwatch:" not in config
    assert config.startswith("docs_dir: docs\n")  # relative: the exported project can move
    assert re.search(r"^  custom_dir: overrides$", config, re.M)  # the copy beside the config
    assert "llminfra_feeds:" in config  # the feeds the templates announce without hooks
    for kept in ("markdown_extensions:", "pymdownx.superfences", "awesome-pages", "navigation.indexes", "lang: zh"):
        assert kept in config


def test_settings_are_read_by_mkdocs_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://example.org/reading")
    monkeypatch.delenv("REPO_URL", raising=False)
    settings = load_project_settings(ROOT / "mkdocs.yml")
    assert settings.site_url == "https://example.org/reading/"  # !ENV, and the trailing slash MkDocs adds
    assert settings.options.repo_url == "https://github.com/llm-infra-reading/llm-infra-reading.github.io"
    assert settings.options.repo_blob_url == settings.options.repo_url + "/blob/main/"
    assert settings.docs_dir == "docs"
    assert list(settings.markdown_extensions[:3]) == ["toc", "tables", "fenced_code"]  # MkDocs' built-ins
    assert callable(settings.mdx_configs["toc"]["slugify"])  # the !!python/object/apply setting


def test_export_has_no_yaml_loader_of_its_own():
    import llminfra.publish.export as export

    for gone in ("load_config", "_config_loader", "read_settings", "MKDOCS_BUILTIN_EXTENSIONS"):
        assert not hasattr(export, gone)


def test_front_matter_is_kept_verbatim_unless_it_needs_escaping():
    raw = "---\ntitle: 标题\ndate: 2026-06-22\n---\n\n# 正文\n"
    assert split_front_matter("x.md", raw, SourceKind.NOTE) == ("---\ntitle: 标题\ndate: 2026-06-22\n---\n",
                                                                 "\n# 正文\n")
    # A key the page may not set (here: a hand-written page naming a template) is not exported either.
    block, _ = split_front_matter("x.md", "---\ntitle: 标题\ntemplate: 404.html\n---\ntext\n")
    assert block == "---\ntitle: 标题\n---\n"
    block, _ = split_front_matter("x.md", '---\ntitle: "<b>粗</b>"\n---\ntext\n')
    assert "&lt;b&gt;" in block and "<b>" not in block
    assert split_front_matter("x.md", "no front matter\n") == ("", "no front matter\n")


def test_command_line_writes_the_folder_and_config(tmp_path):
    out, config = tmp_path / "export", tmp_path / "mkdocs.yml"
    result = subprocess.run([sys.executable, "-m", "llminfra", "--root", str(ROOT), "export", str(out),
                             "--config", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "generated" in result.stdout and not result.stderr and (out / "tags/index.md").is_file()
    assert "hooks:" not in config.read_text(encoding="utf-8")


def test_command_line_refuses_to_overwrite_the_project():
    result = subprocess.run([sys.executable, "-m", "llminfra", "--root", str(ROOT), "export", str(ROOT / "docs")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "overwrite" in result.stderr and not result.stdout


def test_command_line_refuses_a_bad_options_block_naming_the_key(tmp_path):
    project = copy_project(tmp_path / "project")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(text.replace("      tag_limit: 20\n", "      tag_limit: -3\n"),
                                        encoding="utf-8")
    out = tmp_path / "export"
    result = subprocess.run([sys.executable, "-m", "llminfra", "export", str(out), "--root", str(project)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and not out.exists()
    assert "mkdocs.yml: extra.llminfra.feeds.tag_limit: expected a whole number >= 0" in result.stderr


def article(html: str) -> str:
    """The page content from its title on (the edit button before it differs: hooks point it at the source)."""
    body = html[html.index("<h1"): html.index("</article>")]
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body))


@pytest.mark.parametrize("page", ["tags/index.html", "tags/vllm/index.html", "archive/index.html",
                                  "archive/2025/index.html", "notes/index.html", "share/index.html",
                                  "series/index.html"])
def test_generated_pages_read_the_same_with_and_without_hooks(exported, built_site, page):
    # The hooked build writes generated bodies without Markdown (llminfra.prerendered) and hands
    # source pages' template HTML to Markdown as stashed blocks (llminfra.fragments);
    # plain MkDocs converts the exported markdown. The articles must not differ.
    _, _, site, _ = exported
    hooked = article((built_site.path / page).read_text(encoding="utf-8"))
    plain = article((site / page).read_text(encoding="utf-8"))
    # Only the hooks guard markdown links (HtmlPolicyExtension adds rel to them); a plain build cannot.
    assert hooked.replace(' rel="noopener noreferrer"', "") == plain.replace(' rel="noopener noreferrer"', "")
