"""Validity and link integrity of the built site."""

from __future__ import annotations

import shutil

from conftest import ROOT
from site_checks import internal_link_problems, vnu_messages

VNU_JAR = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"

# Errors the Nu HTML Checker reports on markup that Material for MkDocs itself
# writes (search form, navigation drawer). Listed by message so a new one fails.
THEME_VNU_ERRORS = {
    # <input class="md-search__input" type="text" autocomplete="off"> in partials/search.html
    "Attribute “autocomplete” is only allowed when the input type is",
    # <label class="md-nav__link" for="__nav_N" tabindex=""> in partials/nav-item.html
    "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer.",
    # <label class="md-nav__title" for="__toc"> where the TOC toggle is hidden, partials/toc.html
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control.",
}


def test_no_broken_internal_links_or_missing_anchors(built_site):
    assert internal_link_problems(built_site.path) == []


def test_the_link_checker_finds_broken_links_and_missing_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="a/#here">ok</a><a href="b/">gone</a>'
                                         '<a href="a/#nowhere">no anchor</a><a href="https://x.org/">out</a>')
    (tmp_path / "a/index.html").write_text('<h2 id="here">h</h2><a href="../#top">top</a>')
    assert internal_link_problems(tmp_path) == [
        "a/index.html:1: ../#top (no anchor #top)",
        "index.html:1: b/ (no such file)",
        "index.html:1: a/#nowhere (no anchor #nowhere)",
    ]


def test_the_nu_html_checker_reports_no_error_from_our_markup(built_site):
    assert shutil.which("java"), "the Nu HTML Checker needs Java: scripts/test installs default-jre-headless"
    assert VNU_JAR.is_file(), "vnu-jar is installed by scripts/test (npm ci)"
    messages = vnu_messages(built_site.path, VNU_JAR)
    assert messages, "vnu reported nothing at all: the theme errors below should show up"
    ours = [f"{m['url'].rsplit('/site', 1)[-1]}:{m.get('lastLine')}: {m['message']} {m.get('extract', '')!r}"
            for m in messages if not any(m["message"].startswith(known) for known in THEME_VNU_ERRORS)]
    assert ours == []
    # Every allow-listed theme error still occurs; otherwise the list is stale and should shrink.
    seen = {known for known in THEME_VNU_ERRORS if any(m["message"].startswith(known) for m in messages)}
    assert seen == THEME_VNU_ERRORS
