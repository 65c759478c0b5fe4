"""Audio summaries: nothing is downloaded before play, local files play, one player at a time."""

from __future__ import annotations

import re

import mutagen
import pytest
from browser_support import serve_directory
from conftest import ROOT, copy_project, run_mkdocs_build

from llminfra.domain.model import SourceKind, format_duration, format_size
from llminfra.domain.urls import month_location, page_url

pytestmark = pytest.mark.browser

# About one second of MPEG-1 Layer III silence (see make_silence.py next to it). MP3 frames stand
# alone, so repeating the file makes a longer valid clip: long enough to still be playing when the
# second player starts.
SILENCE = ROOT / "tests/fixtures/audio/silence.mp3"
CLIP_REPEATS = 5
AUDIO_FILE = re.compile(r"\.(mp3|m4a|aac|ogg|oga|wav|webm)(\?|$)", re.IGNORECASE)
SHARE_WITH_LOCAL_AUDIO = """# 好文分享

## 202509

## [第一篇有音频的好文](https://example.com/first)

第一篇的摘要。

<audio controls>
  <source src="audio/first.mp3" type="audio/mp3">
</audio>

## [第二篇有音频的好文](https://example.com/second)

第二篇的摘要。文件名有空格和中文，源文件里写的是原样。

<audio controls>
  <source src="audio/第二 段.mp3" type="audio/mp3">
</audio>
"""


def audio_requests(reader) -> list[str]:
    return [url for kind, url in reader.log.requests if kind == "media" or AUDIO_FILE.search(url)]


def scroll_through(reader) -> None:
    """Scroll to the bottom and back, so players scrolled into view get their chance to preload."""
    reader.page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    reader.page.wait_for_load_state("networkidle")
    reader.page.evaluate("() => window.scrollTo(0, 0)")
    reader.page.wait_for_timeout(300)


def test_share_page_downloads_no_audio_before_play(reader, catalog):
    clips = [clip for entry in catalog.by_kind(SourceKind.SHARE) for clip in entry.audio]
    reader.open("share/")
    scroll_through(reader)
    players = reader.page.locator("audio")
    assert players.count() == len(clips) == 7
    assert players.evaluate_all("players => players.every(p => p.preload === 'none')")
    assert audio_requests(reader) == []
    reader.assert_clean()


def test_month_archive_downloads_no_audio(reader, catalog):
    month = next(m for m in catalog.months if any(e.audio for e in m.entries))
    page, _ = month_location(month.key)
    reader.open(page_url(page))
    scroll_through(reader)
    year = [e for m in catalog.months if m.year == month.year for e in m.entries]
    assert reader.page.locator(".llm-has-audio").count() == sum(1 for e in year if e.audio) > 0
    assert audio_requests(reader) == []
    reader.assert_clean()


@pytest.fixture(scope="module")
def audio_site(tmp_path_factory):
    """A small site whose share list has two entries with local audio files."""
    work = tmp_path_factory.mktemp("audio-site")
    project = copy_project(work / "project", with_content=False)
    (project / "docs/audio").mkdir()
    for name in ("first", "第二 段"):
        (project / f"docs/audio/{name}.mp3").write_bytes(SILENCE.read_bytes() * CLIP_REPEATS)
    (project / "docs/share").mkdir()
    (project / "docs/share/index.md").write_text(SHARE_WITH_LOCAL_AUDIO, encoding="utf-8")
    result = run_mkdocs_build(project, work / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    with serve_directory(work / "site") as base:
        yield base


def press_play(reader, player) -> None:
    """Click the play button of the browser's own controls (left end of the player)."""
    player.scroll_into_view_if_needed()
    box = player.bounding_box()
    player.click(position={"x": 18, "y": box["height"] / 2})


def wait_until_playing(reader, index: int) -> None:
    reader.page.wait_for_function(
        "i => { const p = document.querySelectorAll('audio')[i]; return !p.paused && p.currentTime > 0.2 }",
        arg=index, timeout=10_000)


def test_local_audio_loads_only_when_played_and_then_plays(open_reader, audio_site):
    reader = open_reader(base=audio_site)
    reader.open("share/")
    players = reader.page.locator("audio")
    assert players.count() == 2
    # As wide as the text column (the theme would shrink the figure around it): room to seek.
    assert players.first.bounding_box()["width"] >= 400
    reader.page.wait_for_load_state("networkidle")
    assert audio_requests(reader) == []

    press_play(reader, players.nth(0))
    wait_until_playing(reader, 0)
    requested = audio_requests(reader)
    assert requested and all(url.endswith("/audio/first.mp3") for url in requested), requested
    start = players.nth(0).evaluate("p => p.currentTime")
    reader.page.wait_for_timeout(400)
    assert players.nth(0).evaluate("p => p.currentTime") > start
    reader.assert_clean()


def test_starting_one_player_pauses_the_other(open_reader, audio_site):
    reader = open_reader(base=audio_site)
    reader.open("share/")
    players = reader.page.locator("audio")
    press_play(reader, players.nth(0))
    wait_until_playing(reader, 0)

    press_play(reader, players.nth(1))
    wait_until_playing(reader, 1)
    first = players.nth(0).evaluate("p => ({paused: p.paused, ended: p.ended, time: p.currentTime})")
    assert first["paused"] and not first["ended"], first
    assert 0 < first["time"] < CLIP_REPEATS
    reader.assert_clean()


SECOND_URL_PATH = "/audio/%E7%AC%AC%E4%BA%8C%20%E6%AE%B5.mp3"  # "第二 段.mp3", encoded once


def test_players_tell_duration_and_size_before_fetching_any_audio(open_reader, audio_site, tmp_path):
    clip = tmp_path / "clip.mp3"
    clip.write_bytes(SILENCE.read_bytes() * CLIP_REPEATS)
    duration = format_duration(mutagen.File(clip).info.length)
    size = format_size(clip.stat().st_size)
    reader = open_reader(base=audio_site)
    for path in ("share/", "listen/"):
        reader.open(path)
        scroll_through(reader)
        assert reader.page.locator(".llm-duration").all_inner_texts() == [f"⏱ {duration}"] * 2
        assert reader.page.locator(".llm-audio__download").all_inner_texts() == [f"下载音频（{size}）"] * 2
        players = reader.page.locator("audio")
        assert players.evaluate_all("ps => ps.every(p => p.preload === 'none' && p.readyState === 0)")
        assert audio_requests(reader) == [], path
    total = reader.page.locator(".llm-listening-total").inner_text()
    assert total == format_duration(2 * mutagen.File(clip).info.length)
    before = len(audio_requests(reader))
    press_play(reader, reader.page.locator("audio").nth(1))  # the second entry: the Chinese-named file
    wait_until_playing(reader, 1)
    after = audio_requests(reader)
    assert before == 0 and after and all(url.endswith(SECOND_URL_PATH) for url in after), after
    print(f"media requests before play: {before}, after play: {len(after)}")
    reader.assert_clean()
