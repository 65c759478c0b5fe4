"""The hand-written pages (home, 订阅, 性能, any other page under docs/) are written by contributors too.

Their raw HTML goes through the same sanitiser as a source page's and their Markdown through the same HTML
policy; the renderer's own additions (the home page's cards, the 订阅 page's feed addresses) are kept.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, copy_project, run_mkdocs_build
from test_hostile_inputs import assert_inert, content_of

HOME = """---
title: 首页
hide:
  - navigation
---

# 首页

介绍 <script>alert(document.domain)</script> 和 <img src=x onerror=alert(document.domain)>。

[订阅](subscribe.md){: onclick="alert(document.domain)" }

<div markdown="1" onmouseover="alert(document.domain)">
**加粗**
</div>
"""
SUBSCRIBE = """---
title: 订阅
template: 404.html
---

# 订阅

<iframe src="https://example.com/"></iframe>

<!-- llminfra:subscribe site -->

## 按标签

<!-- llminfra:subscribe tags -->
"""


# awesome-pages' navigation files: the theme prints their titles unescaped and links their URLs as written.
NAV = """nav:
  - "<img src=x onerror=alert(document.domain)>": index.md
  - 订阅: subscribe.md
  - 点我: "javascript:alert(document.domain)"
  - 好文: share
  - 外站: https://example.com/
"""
SECTION = 'title: "<b onmouseover=alert(document.domain)>分享</b>"\n'


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    base = tmp_path_factory.mktemp("hand-written")
    project = copy_project(base / "project", with_content=False)
    (project / "docs/index.md").write_text(HOME, encoding="utf-8")
    (project / "docs/subscribe.md").write_text(SUBSCRIBE, encoding="utf-8")
    (project / "docs/.pages").write_text(NAV, encoding="utf-8")
    (project / "docs/share").mkdir()
    (project / "docs/share/contributed.md").write_text(
        "# 好文\n\n## 202509\n\n## [好文一](https://example.com/a)\n\n摘要。\n", encoding="utf-8")
    (project / "docs/share/.pages").write_text(SECTION, encoding="utf-8")
    strict = run_mkdocs_build(project, base / "strict-site", strict=True)
    loose = run_mkdocs_build(project, base / "site", strict=False)
    assert loose.returncode == 0, loose.stderr[-3000:]
    return strict, base / "site"


def test_a_hand_written_page_fails_the_strict_build_at_its_line(written):
    strict, _ = written
    assert strict.returncode != 0
    assert "docs/index.md:11: event handler 'onclick' on <a> is not allowed" in strict.stderr
    assert "docs/subscribe.md:3: front matter key 'template' is not allowed" in strict.stderr
    assert "docs/.pages:4: navigation link: href with the scheme 'javascript' is not allowed on <a>" in strict.stderr


def test_hand_written_pages_run_nothing_and_keep_what_the_renderer_adds(written):
    _, site = written
    home = (site / "index.html").read_text(encoding="utf-8")
    assert_inert(content_of(home))
    assert "**加粗**" not in home and "<strong>加粗</strong>" in home
    assert 'class="grid cards llm-cards"' in home  # the renderer's cards
    subscribe = (site / "subscribe/index.html").read_text(encoding="utf-8")
    assert_inert(content_of(subscribe))
    assert "feeds/feed.xml" in subscribe and "llm-feed-table" in subscribe  # both markers filled in
    assert "页面不存在" not in subscribe and "<h1" in subscribe  # not the 404 template


def test_the_navigation_shows_titles_as_text_and_has_no_script_link(written):
    _, site = written
    for page in ("index.html", "subscribe/index.html", "share/contributed/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        nav = html[html.index('md-nav--primary'):]
        assert "<img src=x" not in html and "<b onmouseover" not in html, page
        assert "&lt;img src=x onerror=alert(document.domain)&gt;" in nav and "&lt;b onmouseover" in nav
        assert "javascript:alert" not in html and "点我" not in nav
        assert 'href="https://example.com/"' in nav  # a safe link stays


def test_the_performance_page_shows_its_chart_as_an_image(built_site):
    page = built_site.page("performance/")
    article = content_of(page)
    (src,) = re.findall(r'<img alt="各规模的构建时间[^"]*" src="([^"]+\.svg)"', article)
    assert (built_site.path / "performance" / src).resolve().is_file()
    assert "<svg" not in article
    assert (ROOT / "docs/assets/performance/build-times.svg").read_text(encoding="utf-8").startswith("<svg xmlns=")


def test_a_file_the_browser_would_run_is_an_error_outside_the_sites_own_assets(tmp_path):
    """MkDocs publishes every file of docs/ as it is: an HTML page or SVG drawing with a script in it would run
    as the site's own."""
    from llminfra.domain.layout import SiteLayout
    from llminfra.sources.static_files import active_file_problems

    project = copy_project(tmp_path / "project", with_content=False)
    script = "<script>alert(document.domain)</script>"
    (project / "docs/evil.html").write_text(script, encoding="utf-8")
    (project / "docs/drawing.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{script}</svg>',
                                              encoding="utf-8")
    (project / "docs/assets/page.xhtml").write_text(script, encoding="utf-8")
    found = sorted(p.path for p in active_file_problems(SiteLayout(project)))
    assert found == ["docs/assets/page.xhtml", "docs/drawing.svg", "docs/evil.html"]  # not the site's own scripts
    result = run_mkdocs_build(project, tmp_path / "site", strict=True)
    assert result.returncode != 0
    assert "docs/evil.html:0: a .html file is published as it is, and a browser runs it" in result.stderr
