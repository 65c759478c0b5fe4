"""Hostile and broken input: every case renders inert or fails strict builds with path:line.

Each fixture under tests/fixtures/hostile/ is one case; the table below says what
must happen to it. All cases are also built together into one site (non-strict),
whose pages must hold no script, no event handler and no unsafe URL, and must
still show every entry, the broken ones included.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, copy_data, copy_project, mirror_of_cases, mirrored_case_names, run_mkdocs_build

from llminfra.domain.layout import SiteLayout
from llminfra.render.excerpts import excerpt_of
from llminfra.sources.loading import build_catalog
from llminfra.sources.notes import NoteParser
from llminfra.sources.series import SeriesIndexParser
from llminfra.sources.sharelist import ShareListParser

HOSTILE = ROOT / "tests/fixtures/hostile"
INERT = None  # expected outcome: renders, with the hostile part escaped or removed

# case -> (expected error message or INERT, number of entries the case file holds)
SHARE_CASES = {
    "s01-script-in-summary": (INERT, 2),
    "s02-iframe-in-summary": (INERT, 2),
    "s03-img-onerror": (INERT, 2),
    "s04-javascript-link": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "s05-javascript-entity-link": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "s06-javascript-mixed-case-link": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "s07-javascript-whitespace-link": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "s08-data-uri-link": ("href with the scheme 'data' is not allowed on <a>", 2),
    "s09-vbscript-link": ("href with the scheme 'vbscript' is not allowed on <a>", 2),
    "s10-raw-anchor-javascript": (INERT, 2),
    "s11-svg-onload": (INERT, 2),
    "s12-markdown-image-injection": ("src with the scheme 'javascript' is not allowed on <img>", 2),
    "s13-html-comment-left-open": (INERT, 2),
    "s14-unclosed-div": (INERT, 2),
    "s15-script-in-title": (INERT, 2),
    "s16-title-javascript-link": ("is not an http(s) URL", 2),
    "s17-audio-path-traversal": ("audio source leaves the site", 2),
    "s18-audio-javascript-src": ("audio source scheme 'javascript' is not allowed", 2),
    "s19-audio-data-src": ("audio source scheme 'data' is not allowed", 2),
    "s20-audio-entity-obfuscated-src": ("audio source scheme 'javascript' is not allowed", 2),
    "s21-audio-event-handler": ("attribute 'onplay' is not allowed on <audio>", 2),
    "s22-audio-protocol-relative": ("protocol-relative audio sources are not allowed", 2),
    "s23-empty-month": (INERT, 1),
    "s24-duplicate-month": (INERT, 2),
    "s25-out-of-order-months": (INERT, 2),
    "s26-month-202513": ("has month 13, which does not exist", 1),
    "s27-full-width-digits-month": (INERT, 1),
    "s28-crlf-line-endings": (INERT, 2),
    "s29-utf8-bom": (INERT, 1),
    "s30-invalid-utf8": ("bytes that are not UTF-8 text", 2),
    "s31-nul-byte": ("bytes that are not UTF-8 text (or NUL bytes)", 2),
    "s32-tabs": (INERT, 2),
    "s33-title-with-brackets-pipes-backticks": (INERT, 2),
    "s34-link-with-parentheses": (INERT, 2),
    "s35-unicode-link": (INERT, 2),
    "s36-unclosed-code-fence": ("code block is not closed before the next heading", 2),
    "s37-entry-without-link": ("has no link", 2),
    "s38-summary-with-headings-and-tables": (INERT, 2),
    "s39-markdown-link-injection-in-title": (INERT, 2),
    "s40-style-tag": (INERT, 2),
    "s41-meta-refresh": (INERT, 2),
    "s42-form-autofocus": (INERT, 2),
    "s43-attr-list-injection-in-title": (INERT, 2),
    "s44-object-embed": (INERT, 2),
    # Attribute lists and other Markdown the HTML policy refuses (issue 19): errors here, notices in the mirror.
    "s45-attr-list-img-onerror": ("event handler 'onerror' on <img> is not allowed", 2),
    "s46-attr-list-javascript-href": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "s47-attr-list-onmouseover": ("event handler 'onmouseover' on <a> is not allowed", 2),
    "s48-attr-list-style": ("attribute 'style' is not allowed on <p>", 2),
    "s49-attr-list-theme-id": ("id '__search' on <h3> is one the theme or the site uses", 2),
    "s50-attr-list-data-md-component": ("attribute 'data-md-component' is not allowed on <p>", 2),
    "s51-fence-attributes": ("code block: attribute 'id' is not allowed on <pre>", 2),
    "s52-attr-list-entry-anchor-id": ("id 'a-00000000' on <h3> is one the theme or the site uses", 2),
    "s53-link-definition-javascript": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "s54-heading-slug-theme-id": (INERT, 2),  # toc's id for "__drawer" is made free, not the theme's
    "s55-admonition-reserved-class": ("class 'md-search' on <div> belongs to the theme or the site", 2),
    "s56-audio-nan-duration": ("data-duration: duration must be a finite number of seconds above 0, got nan", 2),
    "s57-audio-inf-duration": ("data-duration: duration must be a finite number of seconds above 0, got inf", 2),
    "s58-audio-huge-duration": ("data-duration: duration of 1e+308 seconds is more than 24 hours", 2),
    "s59-audio-negative-length": ("data-length: size must be above 0 bytes, got -5", 2),
    "s60-md-in-html-onclick": (INERT, 2),  # raw HTML: always cleaned by nh3
    "s61-attr-list-reserved-class-on-link": ("class 'md-search__input' on <a> belongs to the theme or the site", 2),
    # The token that stands for the heading above (its digest is no secret): the heading must stay.
    "s62-trusted-token-replay": (INERT, 3),
}
SERIES_CASES = {
    "r01-script-in-description": (INERT, 2),
    "r02-javascript-series-link": ("is not an http(s) URL", 2),
    "r03-tag-with-html": (INERT, 1),
    "r04-title-with-html": (INERT, 1),
    "r05-description-unclosed-details": (INERT, 2),
    "r06-attr-list-in-description": ("event handler 'onclick' on <a> is not allowed", 1),
}
NOTE_CASES = {
    "n01-script-in-item-body": (INERT, 2),
    "n02-html-in-front-matter-title": (INERT, 1),
    "n03-javascript-source-link": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "n04-unclosed-fence-in-item": ("code block is not closed before the next heading", 2),
    "n05-html-in-item-heading": (INERT, 1),
    "n06-iframe-in-section": (INERT, 1),
    "n07-attr-list-in-kept-item": ("event handler 'onerror' on <img> is not allowed", 2),
    "n08-attr-list-in-discarded-section": ("event handler 'onclick' on <h2> is not allowed", 1),
    "n09-front-matter-template-and-hide": ("front matter key 'template' is not allowed", 1),
    "n10-front-matter-author-script": (INERT, 1),  # an allowed key: escaped where the theme prints it
}
# Where the construct of a case stands: the reported line holds this text (the element does not know its line).
CONSTRUCT = {
    "s04-javascript-link": "javascript:", "s12-markdown-image-injection": "javascript:",
    "s45-attr-list-img-onerror": "onerror=", "s46-attr-list-javascript-href": 'href="javascript:',
    "s47-attr-list-onmouseover": "onmouseover=", "s48-attr-list-style": "style=",
    "s49-attr-list-theme-id": "#__search", "s50-attr-list-data-md-component": "data-md-component=",
    "s51-fence-attributes": "#__toc", "s52-attr-list-entry-anchor-id": "#a-00000000",
    "s53-link-definition-javascript": "[x]: javascript:", "s55-admonition-reserved-class": "!!! md-search",
    "s56-audio-nan-duration": 'data-duration="nan"', "s57-audio-inf-duration": 'data-duration="inf"',
    "s58-audio-huge-duration": 'data-duration="1e308"', "s59-audio-negative-length": 'data-length="-5"',
    "s61-attr-list-reserved-class-on-link": ".md-search__input", "r06-attr-list-in-description": "onclick=",
    "n07-attr-list-in-kept-item": "onerror=", "n08-attr-list-in-discarded-section": "onclick=",
    "n09-front-matter-template-and-hide": "template:",
}
PARSERS = {"share": ShareListParser, "series": SeriesIndexParser, "notes": NoteParser}
ALL_CASES = [("share", n, *v) for n, v in SHARE_CASES.items()] + \
            [("series", n, *v) for n, v in SERIES_CASES.items()] + \
            [("notes", n, *v) for n, v in NOTE_CASES.items()]


def test_the_corpus_has_at_least_40_cases_and_every_fixture_is_in_the_table():
    on_disk = {(p.parent.name, p.stem) for p in HOSTILE.rglob("*.md")}
    assert on_disk == {(kind, name) for kind, name, *_ in ALL_CASES}
    assert len(ALL_CASES) >= 40


def read_case(kind: str, name: str) -> str:
    return (HOSTILE / kind / f"{name}.md").read_bytes().decode("utf-8", errors="replace")


@pytest.mark.parametrize("kind, name, expected, count", ALL_CASES, ids=[c[1] for c in ALL_CASES])
def test_each_case_parses_to_its_expected_outcome_and_keeps_every_entry(kind, name, expected, count):
    page = f"{kind}/{name}.md"
    source = PARSERS[kind]().parse(f"docs/{page}", page, read_case(kind, name))
    errors = [p for p in source.problems if p.severity == "error"]
    if expected is INERT:
        assert errors == [], errors
    else:
        assert any(expected in p.message for p in errors), source.problems
        assert all(p.line >= 1 and p.path == f"docs/{page}" for p in errors)
    assert len(source.entries) == count


@pytest.mark.parametrize("kind, name", [(k, n) for k, n, *_ in ALL_CASES if n in CONSTRUCT],
                         ids=[n for _, n, *_ in ALL_CASES if n in CONSTRUCT])
def test_each_error_names_the_line_that_wrote_it(kind, name):
    page = f"{kind}/{name}.md"
    text = read_case(kind, name)
    source = PARSERS[kind]().parse(f"docs/{page}", page, text)
    expected = next(message for k, n, message, _ in ALL_CASES if n == name)
    (problem,) = [p for p in source.problems if expected in p.message]
    assert CONSTRUCT[name] in text.split("\n")[problem.line - 1], (problem, text)


SHARE_ERRORS = [name for name, (expected, _) in SHARE_CASES.items() if expected is not INERT]


@pytest.mark.parametrize("name", SHARE_ERRORS)
def test_in_the_mirror_every_case_is_a_notice_and_no_entry_is_lost(name):
    """Upstream's file is never rejected: the same text there is reported as notices, never errors."""
    contributed = ShareListParser().parse(f"docs/share/{name}.md", f"share/{name}.md", read_case("share", name))
    mirror = ShareListParser(mirror_of="https://example.com/README.md").parse(
        "docs/share/index.md", "share/index.md", read_case("share", name))
    assert [p.severity for p in mirror.problems] == ["notice"] * len(mirror.problems)
    assert [(p.line, p.message) for p in mirror.problems] == [(p.line, p.message) for p in contributed.problems]
    assert len(mirror.entries) == len(contributed.entries)


def test_ten_thousand_tags_on_one_entry_are_capped_and_reported(tmp_path):
    tags = " ".join(f"#tag{i}" for i in range(10_000))
    docs = tmp_path / "docs/series"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(f"## [很多标签](https://example.com/1)\n2026-04-22 | a | {tags}\n\n描述。\n",
                                   encoding="utf-8")
    copy_data(tmp_path)
    catalog = build_catalog(SiteLayout(tmp_path))
    assert [p.message for p in catalog.errors] == ["entry has 10000 tags; only the first 40 are kept"]
    assert len(catalog.entries[0].tags) == 40 and len(catalog.tags) == 40


def test_an_entry_of_one_megabyte_is_parsed_whole(tmp_path):
    summary = ("长摘要，" * 20_000 + "\n\n") * 6  # about 1 MB of UTF-8
    text = f"## 202509\n\n## [很长的条目](https://example.com/long)\n\n{summary}## [下一条](https://example.com/next)\n\n短。\n"
    assert len(text.encode()) > 1_000_000
    source = ShareListParser().parse("docs/share/index.md", "share/index.md", text)
    assert source.problems == [] and len(source.entries) == 2
    assert len(source.entries[0].summary) > 400_000 and len(excerpt_of(source.entries[0])) <= 140


# -- all cases built into one site ---------------------------------------------------


def content_of(text: str) -> str:
    """The page content from its title on: the theme's own buttons come before it."""
    article = text[text.index("<article"): text.index("</article>")]
    return article[article.index("<h1"):]


def article(site: Path, page: str) -> str:
    return content_of((site / page / "index.html").read_text(encoding="utf-8"))


ACTIVE_TAGS = {"script", "iframe", "object", "embed", "form", "input", "meta", "style", "svg", "base", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}
UNSAFE_SCHEME = re.compile(r"^(javascript|data|vbscript):")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


# The ids pymdownx.highlight gives the lines of a code block (anchor_linenums), numbered per page.
HIGHLIGHT_LINE_ID = re.compile(r"__codelineno-\d+-\d+")


def assert_inert(fragment: str, allowed_active: frozenset = frozenset()) -> None:
    """No element that runs code, no event handler, no URL with an unsafe scheme; no style, no attribute the
    theme's scripts read (data-md-…), no id of the theme's (__search, …)."""
    parser = _Elements()
    parser.feed(fragment)
    for tag, attrs in parser.tags:
        assert tag not in ACTIVE_TAGS - allowed_active, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style" and not name.startswith("data-md"), (tag, name, value)
            if name == "id":
                assert not value.startswith("__") or HIGHLIGHT_LINE_ID.fullmatch(value), (tag, name, value)
            if name in URL_ATTRIBUTES and value:
                cleaned = re.sub(r"[\x00-\x20]+", "", value).lower()
                assert not UNSAFE_SCHEME.match(cleaned), (tag, name, value)


def test_the_hostile_site_builds_without_a_traceback(hostile_site):
    _, log, _ = hostile_site
    assert "Traceback" not in log
    assert "WARNING" in log  # the errors are reported, not swallowed


@pytest.mark.parametrize("name", list(SHARE_CASES))
def test_share_case_pages_are_inert_and_show_every_entry(hostile_site, name):
    site, _, _ = hostile_site
    fragment = article(site, f"share/{name}")
    assert_inert(fragment)
    expected, count = SHARE_CASES[name]
    assert len(re.findall(r'<h3 id="a-[0-9a-f]{8}"', fragment)) == count
    if "邻近的正常条目" in read_case("share", name):
        assert "邻近的正常条目" in fragment  # the valid neighbour of a broken entry survives


@pytest.mark.parametrize("name", list(NOTE_CASES))
def test_note_case_pages_are_inert_and_show_every_item(hostile_site, name):
    site, _, _ = hostile_site
    page = (site / "notes" / name / "index.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    assert "<script>alert" not in head
    fragment = article(site, f"notes/{name}")
    assert_inert(fragment)
    assert len(re.findall(r'<h3 id="n-[0-9a-f]{8}"', fragment)) == NOTE_CASES[name][1]


def test_series_cases_render_inert_and_keep_every_entry(hostile_site):
    site, _, _ = hostile_site
    fragment = article(site, "series")
    assert_inert(fragment)
    assert len(re.findall(r'<h2 id="s-', fragment)) == sum(count for _, count in SERIES_CASES.values())


def test_tag_and_listing_pages_built_from_hostile_input_are_inert(hostile_site):
    site, _, _ = hostile_site
    for page in ("tags", "archive", "archive/2025", "notes", ""):
        path = site / page / "index.html"
        text = path.read_text(encoding="utf-8")
        # The archive's chart is our own inline SVG.
        assert_inert(content_of(text), frozenset({"svg"}) if page == "archive" else frozenset())
    for path in (site / "tags").glob("*/index.html"):
        text = path.read_text(encoding="utf-8")
        assert "<img/src=x" not in text[: text.index("</head>")]
        assert_inert(content_of(text))


def test_outbound_links_in_contributor_content_get_noopener(hostile_site):
    site, _, _ = hostile_site
    fragment = article(site, "share/s34-link-with-parentheses")
    links = re.findall(r'<a [^>]*href="https://example.com[^"]*"[^>]*>', fragment)
    assert links and all('rel="noopener noreferrer"' in link for link in links)
    assert "Foo_%28bar%29" in fragment



def test_the_mirror_page_is_inert_shows_every_entry_and_its_problems_are_notices(hostile_site):
    site, log, _ = hostile_site
    fragment = article(site, "share")
    assert_inert(fragment)
    names = mirrored_case_names()
    assert len(re.findall(r'<h3 id="a-[0-9a-f]{8}"', fragment)) == sum(SHARE_CASES[name][1] for name in names)
    assert "WARNING -  docs/share/index.md" not in log
    assert "INFO    -  docs/share/index.md:" in log


def test_front_matter_cannot_pick_the_template_hide_the_page_or_print_into_the_navigation(hostile_site):
    site, _, _ = hostile_site
    page = (site / "notes/n09-front-matter-template-and-hide/index.html").read_text(encoding="utf-8")
    assert "md-status" not in page and "onerror" not in page
    assert 'data-md-component="sidebar" data-md-type="navigation"' in page  # not hidden
    assert "<h1" in page and "筛选笔记" in page[page.index("<article"):]  # its own template, not 404.html
    head = (site / "notes/n10-front-matter-author-script/index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert '<meta name="author" content="&quot;&gt;&lt;script&gt;' in head


# -- strict builds: contributors' cases fail at their line, the same text in the mirror passes -------------------

ISSUE_19_CASES = [(kind, name) for kind, name, *_ in ALL_CASES if name in CONSTRUCT and name not in
                  ("s04-javascript-link", "s12-markdown-image-injection")]


@pytest.fixture(scope="module")
def contributor_build(tmp_path_factory):
    """Each contributor case of issue 19 as a file of its own, built strict."""
    base = tmp_path_factory.mktemp("contributor-cases")
    project = copy_project(base / "project", with_content=False)
    for kind, name in ISSUE_19_CASES:
        target = project / "docs" / ("series/index.md" if kind == "series" else f"{kind}/{name}.md")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(read_case(kind, name), encoding="utf-8")
    return run_mkdocs_build(project, base / "site", strict=True)


@pytest.mark.parametrize("kind, name", ISSUE_19_CASES, ids=[name for _, name in ISSUE_19_CASES])
def test_each_contributor_case_fails_the_strict_build_with_its_file_and_line(contributor_build, kind, name):
    page = "series/index.md" if kind == "series" else f"{kind}/{name}.md"
    source = PARSERS[kind]().parse(f"docs/{page}", page, read_case(kind, name))
    errors = [p for p in source.problems if p.severity == "error"]
    assert errors
    assert contributor_build.returncode != 0
    assert "source errors in strict mode" in contributor_build.stderr
    for error in errors:
        assert f"WARNING -  {error}" in contributor_build.stderr
    assert "Traceback" not in contributor_build.stderr


def test_the_same_cases_in_the_mirror_pass_the_strict_build_as_notices_and_run_nothing(tmp_path):
    project = copy_project(tmp_path / "project", with_content=False)
    (project / "docs/share").mkdir()
    text = mirror_of_cases(mirrored_case_names())
    (project / "docs/share/index.md").write_text(text, encoding="utf-8")
    result = run_mkdocs_build(project, tmp_path / "site", strict=True)
    assert result.returncode == 0, result.stderr[-3000:]
    mirror = ShareListParser(mirror_of="https://example.com/README.md").parse("docs/share/index.md",
                                                                               "share/index.md", text)
    assert mirror.problems and {p.severity for p in mirror.problems} == {"notice"}
    for name in mirrored_case_names():
        expected = SHARE_CASES[name][0]
        assert expected is INERT or any(expected in p.message for p in mirror.problems), name
    for notice in mirror.problems:
        assert f"INFO    -  {notice}" in result.stderr
    fragment = article(tmp_path / "site", "share")
    assert_inert(fragment)
    assert len(re.findall(r'<h3 id="a-[0-9a-f]{8}"', fragment)) == len(mirror.entries)


def test_the_export_carries_none_of_it(tmp_path):
    """``python -m llminfra export`` is built without our hooks: the pages it writes are already clean."""
    import subprocess
    import sys

    from conftest import _base_env

    project = copy_project(tmp_path / "project", with_content=False)
    (project / "docs/share").mkdir()
    names = [name for kind, name in ISSUE_19_CASES if kind == "share"]
    for name in names:
        (project / "docs/share" / f"{name}.md").write_text(read_case("share", name), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "llminfra", "export", str(tmp_path / "out"), "--root",
                             str(project)], capture_output=True, text=True, env=_base_env())
    assert result.returncode == 0, result.stderr
    for name in names:
        exported = (tmp_path / "out/share" / f"{name}.md").read_text(encoding="utf-8")
        for construct in ("onerror=", "onmouseover=", "javascript:", "style=", "#__search", "#__toc",
                          "data-md-component=", "md-search", "#a-00000000", 'data-duration="nan"',
                          'data-duration="inf"', 'data-length="-5"'):
            assert construct not in exported, (name, construct)
