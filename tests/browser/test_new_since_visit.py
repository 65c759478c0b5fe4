""""New since your last visit": two visits with a sync between them mark exactly the new entries, with their
count, on the home page, the share page and the weekly index; nothing moves as the marks appear; no cookie, no
request; without scripts there are no marks.

The site is the frozen project at upstream's version 21 and then 22 (15 new entries, 2025-11-06), served at one
address so that the reader's localStorage carries over. Its series and notes are moved back to 2024 here: in the
frozen content they are dated 2026, after every share entry, which no real sync would meet.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from urllib.parse import urlsplit

import pytest
from arrival_replay import MIRROR, replay, versions
from browser_support import serve_directory
from conftest import copy_frozen_project, run_mkdocs_build

from browser.conftest import DESKTOP, PHONE
from browser.reader import site_path
from llminfra.authoring.arrivals_file import write_arrivals
from llminfra.sources.arrivals import ARRIVALS_FILE

pytestmark = pytest.mark.browser

FIRST_VISIT = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
SECOND_VISIT = FIRST_VISIT + dt.timedelta(days=8)  # a new visit: more than half an hour later
SHIFTS = """() => new Promise(resolve => {
    new PerformanceObserver(list => resolve(list.getEntries().filter(e => !e.hadRecentInput)
        .map(e => ({value: e.value, nodes: e.sources.map(s => s.node && s.node.nodeName)}))))
        .observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve([]), 1000);
})"""


class TwoVersions:
    """The frozen project synced to one upstream version after another, served from the same folder.

    Each version is built once (into a folder of its own) and copied into the served folder when a test brings it:
    the tests of this module reuse the two builds instead of building again for each visit.
    """

    def __init__(self, base):
        self.project = copy_frozen_project(base / "project")
        self.site = base / "site"
        self.built: dict[int, object] = {}
        for path in (self.project / "docs/series/index.md", *(self.project / "docs/notes").glob("2026-*.md")):
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"^2026(-\d\d-\d\d \|)", r"2024\1", text, flags=re.M)  # series dates
            path.write_text(re.sub(r"^date: 2026", "date: 2024", text, flags=re.M), encoding="utf-8")

    def build(self, number: int) -> None:
        if number not in self.built:
            version = versions()[number - 1]
            (self.project / MIRROR).write_bytes(version.path.read_bytes())
            write_arrivals(self.project / ARRIVALS_FILE, replay(number))  # as sync records it
            built = self.site.parent / f"site-{number}"
            result = run_mkdocs_build(self.project, built)
            assert result.returncode == 0, result.stderr[-3000:]
            self.built[number] = built
        # What a deploy does to the served folder: the new site replaces the old one whole, at the same address.
        for child in list(self.site.iterdir()) if self.site.is_dir() else ():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(self.built[number], self.site, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    return TwoVersions(tmp_path_factory.mktemp("visits"))


def new_entries() -> list:
    """The share entries version 22 added to version 21, newest first as the share page lists them."""
    known = {e.link for e in versions()[20].parse().entries}
    return [e for e in versions()[21].parse().entries if e.link not in known]


def visit(reader, path: str, when: dt.datetime, late_script: bool = False) -> dict:
    page = reader.page
    page.clock.set_system_time(when)
    if late_script:
        def arrive_late(route):  # as on a slow connection: the script runs well after the first paint
            time.sleep(0.6)
            route.continue_()
        page.route("**/assets/llminfra-new.js", arrive_late)
    reader.open(path)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => { const l = document.querySelector('[data-llm-since]'); return l && !l.hidden; }")
    state = page.evaluate("""() => ({
        line: document.querySelector('[data-llm-since]').textContent,
        marked: [...document.querySelectorAll('.llm-new')].map(el => el.closest('.llm-entry-meta') ?
            el.closest('.llm-entry-meta').previousElementSibling.id : el.closest('li').querySelector('a').href),
        weeks: [...document.querySelectorAll('.llm-weeks > li.llm-new')].map(li => li.dataset.llmNew),
        badge: [...document.querySelectorAll('.llm-new')].map(el => getComputedStyle(el, '::after').content),
        cookies: document.cookie,
    })""")
    state["marked"] = [site_path(mark, reader.base) + (f"#{urlsplit(mark).fragment}" if "#" in mark else "")
                       if "://" in mark else mark for mark in state["marked"]]
    if late_script:
        state["shifts"] = page.evaluate(SHIFTS)
    return state


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_second_visit_after_a_sync_marks_exactly_the_new_entries_with_their_count(synced, open_reader, viewport):
    fresh = new_entries()
    assert len(fresh) == 15
    synced.build(21)
    with serve_directory(synced.site) as base:
        options = {"is_mobile": True, "has_touch": True} if viewport == "phone" else {}
        reader = open_reader(PHONE if viewport == "phone" else DESKTOP, base=base, **options)
        first = visit(reader, "", FIRST_VISIT)
        assert first["marked"] == [] and first["line"] == "已记下本次访问，下次来时会标出新条目。"
        stored = reader.page.evaluate("() => JSON.parse(localStorage.getItem('llminfra.visits'))")
        newest_v21 = max(replay(21).values())
        assert stored["seen"] == newest_v21.timestamp() * 1000 and stored["before"] is None
        assert visit(reader, "share/", FIRST_VISIT + dt.timedelta(minutes=5))["marked"] == []  # the same visit

        synced.build(22)  # the daily sync brought upstream's version 22

        reader.log.clear()
        home = visit(reader, "", SECOND_VISIT, late_script=True)
        share = visit(reader, "share/", SECOND_VISIT + dt.timedelta(minutes=2), late_script=True)
        weekly = visit(reader, "weekly/", SECOND_VISIT + dt.timedelta(minutes=4), late_script=True)
        # Back on the home page within the same visit: still marked against the previous visit; and on to the
        # share page through the theme's instant navigation, which swaps the page without reloading the script.
        again = visit(reader, "", SECOND_VISIT + dt.timedelta(minutes=6))
        reader.page.locator("article a[href$='share/']").first.click()  # the theme makes hrefs absolute
        reader.wait_for_path("share/")
        reader.page.wait_for_function("() => document.querySelectorAll('.llm-entry-meta__line.llm-new').length === 15")
        reader.assert_clean()
        # Nothing is sent: the only requests for data are the theme's (sitemap, search index, pages it navigates to).
        sent = [url for kind, url in reader.log.requests if kind in ("xhr", "fetch", "ping")
                and not url.endswith(("/", "/sitemap.xml", "/search_index.json"))]
        assert sent == []

    anchors = [entry.anchor for entry in fresh]
    assert share["marked"] == anchors  # exactly the 15, in page order
    assert share["line"] == "上次访问以来，本页有 15 篇新条目。"
    assert home["marked"] == [f"share/#{anchor}" for anchor in anchors[:12]] == again["marked"]  # the latest 12
    assert home["line"] == "上次访问以来，最新条目里有 12 篇新条目。"
    assert weekly["marked"] == ["weekly/2025-W45/"] and weekly["weeks"] == ["15"]
    assert weekly["line"] == "上次访问以来新增 15 篇，见标「新」的周。"
    assert set(home["badge"]) == set(share["badge"]) == {'"新"'} and weekly["badge"] == ['"新 15"']
    for state in (home, share, weekly):
        assert sum(shift["value"] for shift in state["shifts"]) == 0, state["shifts"]
        assert state["cookies"] == ""


def test_without_scripts_there_are_no_marks_and_no_line(synced, open_reader):
    synced.build(22)
    with serve_directory(synced.site) as base:
        reader = open_reader(base=base, java_script_enabled=False)
        for path in ("", "share/", "weekly/"):
            reader.open(path)
            line = reader.page.locator("[data-llm-since]")
            assert line.count() == 1 and not line.is_visible(), path
            assert reader.page.locator(".llm-new").count() == 0
            assert line.bounding_box() is None, path  # not laid out: no empty line either
