"""Hostile and broken input: every case renders inert or fails strict builds with path:line.

Each fixture under tests/fixtures/hostile/ is one case; the table below says what
must happen to it. All cases are also built together into one site (non-strict),
whose pages must hold no script, no event handler and no unsafe URL, and must
still show every entry, the broken ones included.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from llminfra.domain.layout import SiteLayout
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
}
SERIES_CASES = {
    "r01-script-in-description": (INERT, 2),
    "r02-javascript-series-link": ("is not an http(s) URL", 2),
    "r03-tag-with-html": (INERT, 1),
    "r04-title-with-html": (INERT, 1),
    "r05-description-unclosed-details": (INERT, 2),
}
NOTE_CASES = {
    "n01-script-in-item-body": (INERT, 2),
    "n02-html-in-front-matter-title": (INERT, 1),
    "n03-javascript-source-link": ("href with the scheme 'javascript' is not allowed on <a>", 2),
    "n04-unclosed-fence-in-item": ("code block is not closed before the next heading", 2),
    "n05-html-in-item-heading": (INERT, 1),
    "n06-iframe-in-section": (INERT, 1),
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


def test_ten_thousand_tags_on_one_entry_are_capped_and_reported(tmp_path):
    tags = " ".join(f"#tag{i}" for i in range(10_000))
    docs = tmp_path / "docs/series"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(f"## [很多标签](https://example.com/1)\n2026-04-22 | a | {tags}\n\n描述。\n",
                                   encoding="utf-8")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    catalog = build_catalog(SiteLayout(tmp_path))
    assert [p.message for p in catalog.errors] == ["entry has 10000 tags; only the first 40 are kept"]
    assert len(catalog.entries[0].tags) == 40 and len(catalog.tags) == 40


def test_an_entry_of_one_megabyte_is_parsed_whole(tmp_path):
    summary = ("长摘要，" * 20_000 + "\n\n") * 6  # about 1 MB of UTF-8
    text = f"## 202509\n\n## [很长的条目](https://example.com/long)\n\n{summary}## [下一条](https://example.com/next)\n\n短。\n"
    assert len(text.encode()) > 1_000_000
    source = ShareListParser().parse("docs/share/index.md", "share/index.md", text)
    assert source.problems == [] and len(source.entries) == 2
    assert len(source.entries[0].summary) > 400_000 and len(source.entries[0].excerpt) <= 140


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


def assert_inert(fragment: str, allowed_active: frozenset = frozenset()) -> None:
    """No element that runs code, no event handler, no URL with an unsafe scheme."""
    parser = _Elements()
    parser.feed(fragment)
    for tag, attrs in parser.tags:
        assert tag not in ACTIVE_TAGS - allowed_active, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
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

