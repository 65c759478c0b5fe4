"""The 收听 page in a browser: speed control remembered and applied across instant navigation."""

from __future__ import annotations

import re

import pytest
from browser_support import serve_directory
from conftest import copy_project, run_mkdocs_build
from playwright.sync_api import expect

from llminfra.domain.episodes import audio_episodes

pytestmark = pytest.mark.browser

WIDE = {"width": 1600, "height": 900}  # wide enough for Material's navigation tabs
RATES = "players => players.map(player => player.playbackRate)"


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory):
    """The site built for the address it is served at.

    Material's instant navigation only follows links listed in its sitemap,
    whose absolute URLs come from site_url (port included).
    """
    project = copy_project(tmp_path_factory.mktemp("listen-project"))
    site = tmp_path_factory.mktemp("listen-site")
    with serve_directory(site) as base:
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"^site_url: .*$", f"site_url: {base}", text, count=1, flags=re.M), encoding="utf-8")
        result = run_mkdocs_build(project, site)
        assert result.returncode == 0, result.stderr[-3000:]
        yield base


def test_speed_control_is_remembered_and_applied_to_every_player(open_reader, instant_site, catalog):
    reader = open_reader(WIDE, base=instant_site)
    page = reader.page
    reader.open("listen/")
    control = page.locator("[data-llm-speed-control]")
    expect(control).to_be_visible()  # hidden in the HTML, shown by the script
    expect(page.locator('[data-llm-speed="1"]')).to_have_attribute("aria-pressed", "true")

    page.click('[data-llm-speed="1.5"]')
    assert page.eval_on_selector_all("audio", RATES) == [1.5] * len(audio_episodes(catalog))
    assert page.evaluate("localStorage.getItem('llminfra.playbackRate')") == "1.5"
    expect(page.locator('[data-llm-speed="1.5"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator('[data-llm-speed="1"]')).to_have_attribute("aria-pressed", "false")

    # Instant navigation (no reload) to the share list: its players take the remembered speed.
    page.evaluate("window.__sameDocument = true")
    page.click('.md-tabs a[href$="/share/"]')
    reader.wait_for_path("share/")
    page.wait_for_function("document.querySelectorAll('audio').length > 0 && "
                           "[...document.querySelectorAll('audio')].every(p => p.playbackRate === 1.5)")
    assert page.evaluate("window.__sameDocument === true")  # it was an instant navigation

    # A new visit shows the remembered choice; another choice replaces it.
    reader.open("listen/")
    expect(page.locator('[data-llm-speed="1.5"]')).to_have_attribute("aria-pressed", "true")
    assert set(page.eval_on_selector_all("audio", RATES)) == {1.5}
    page.click('[data-llm-speed="2"]')
    assert page.evaluate("localStorage.getItem('llminfra.playbackRate')") == "2"
    assert set(page.eval_on_selector_all("audio", RATES)) == {2}

    # preload="none": no audio was fetched; no 404s (e.g. Material's sitemap look-ups beside feed links).
    assert not [url for url in reader.log.urls() if url.endswith(".mp3")]
    reader.assert_clean()


def test_playing_one_summary_uses_the_remembered_speed(open_reader):
    reader = open_reader(WIDE)
    page = reader.page
    reader.open("listen/")
    page.click('[data-llm-speed="1.25"]')
    # A player whose rate was reset (e.g. by a script or the browser) gets the chosen speed back on play.
    rate = page.evaluate("""() => {
        const player = document.querySelector('audio');
        player.playbackRate = 1;
        player.dispatchEvent(new Event('play'));
        return player.playbackRate;
    }""")
    assert rate == 1.25
