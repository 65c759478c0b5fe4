"""The podcast feed, its artwork, local audio measurement and the 收听 page."""

from __future__ import annotations

import importlib.util
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import mutagen
import pytest
from conftest import FROZEN, ROOT, copy_frozen_project, copy_project, run_mkdocs_build

from llminfra.domain.episodes import audio_episodes, format_duration
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import AudioClip
from llminfra.publish.artwork import podcast_artwork_png
from llminfra.publish.feeds import FeedOptions
from llminfra.publish.podcast import podcast_guid
from llminfra.render.excerpts import excerpt_of
from llminfra.sources.audio_files import measure_clip
from llminfra.sources.loading import build_catalog

SITE_URL = re.search(r'site_url: !ENV \[SITE_URL, "([^"]+)"\]', (ROOT / "mkdocs.yml").read_text()).group(1)
FIXTURE_AUDIO = ROOT / "tests/fixtures/audio"
SILENCE = FIXTURE_AUDIO / "silence.mp3"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
REMOTE_DECLARED = "https://example.org/audio/declared.m4a"


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(SiteLayout(FROZEN))


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _load_fixture_maker():
    spec = importlib.util.spec_from_file_location("make_silence", FIXTURE_AUDIO / "make_silence.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the fixture file ---------------------------------------------------------


def test_silence_fixture_is_reproducible_small_and_readable_by_mutagen():
    assert SILENCE.read_bytes() == _load_fixture_maker().silent_mp3_bytes()
    assert SILENCE.stat().st_size <= 8 * 1024
    audio = mutagen.File(SILENCE)
    assert audio is not None and audio.info.length > 0.5


def test_measure_clip_reads_size_and_duration_from_the_file(tmp_path):
    clip, problem = measure_clip(AudioClip("audio/silence.mp3", length_bytes=1, duration_seconds=999.0), SILENCE)
    assert clip.length_bytes == SILENCE.stat().st_size and problem is None
    assert clip.duration_seconds == pytest.approx(mutagen.File(SILENCE).info.length)
    not_audio = tmp_path / "notes.mp3"
    not_audio.write_bytes(b"not audio at all")
    kept, _ = measure_clip(AudioClip("audio/notes.mp3", duration_seconds=12.0), not_audio)
    assert kept.length_bytes == 16 and kept.duration_seconds == 12.0
    missing = AudioClip("audio/missing.mp3")
    assert measure_clip(missing, tmp_path / "missing.mp3") == (missing, None)


def test_durations_are_formatted_for_itunes():
    assert format_duration(None) is None and format_duration(0) is None
    assert format_duration(0.3) == "0:01"
    assert format_duration(61.4) == "1:01"
    assert format_duration(3725) == "1:02:05"


# -- the podcast feed of the real site --------------------------------------


def test_podcast_has_one_episode_per_clip_with_its_enclosure(built_site, catalog):
    feed = parse(built_site.path / "feeds/podcast.xml")
    episodes = audio_episodes(catalog)
    assert episodes and len(feed.entries) == len(episodes)
    options = FeedOptions(site_url=SITE_URL, site_name="s")
    for item, episode in zip(feed.entries, episodes):
        assert len(item.enclosures) == 1
        enclosure = item.enclosures[0]
        assert enclosure.href == episode.clip.src  # remote: the share list's address, encoded once
        assert enclosure.type == episode.clip.mime_type
        assert enclosure.length == str(episode.clip.length_bytes or 0)  # 0: size unknown
        assert item.get("itunes_duration") == format_duration(episode.clip.duration_seconds)  # unknown: omitted
        assert item.title == episode.entry.title
        assert item.link == options.entry_url(episode.entry)
        assert item.id == f"{episode.entry.link}#audio-1"
        assert excerpt_of(episode.entry)[:40] in item.summary and episode.entry.link in item.summary
    xml = (built_site.path / "feeds/podcast.xml").read_text(encoding="utf-8")
    assert xml.count('<guid isPermaLink="false">') == len(episodes)


def test_podcast_channel_has_itunes_metadata_and_absolute_artwork(built_site):
    xml = (built_site.path / "feeds/podcast.xml").read_text(encoding="utf-8")
    feed = parse(built_site.path / "feeds/podcast.xml")
    assert feed.version == "rss20" and f'xmlns:itunes="{ITUNES}"' in xml
    assert feed.feed.language == "zh-cn"
    assert feed.feed.author  # itunes:author
    assert '<itunes:category text="Technology"/>' in xml
    assert "<itunes:explicit>false</itunes:explicit>" in xml
    artwork = SITE_URL + "feeds/podcast.png"
    assert feed.feed.image.href == artwork
    assert f'<itunes:image href="{artwork}"/>' in xml
    assert f"<podcast:guid>{podcast_guid(SITE_URL + 'feeds/podcast.xml')}</podcast:guid>" in xml
    assert feed.feed.link == SITE_URL + "listen/"
    png = (built_site.path / "feeds/podcast.png").read_bytes()
    assert png == podcast_artwork_png()


def test_artwork_is_a_valid_square_png_of_podcast_size():
    png = podcast_artwork_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 64 * 1024
    width, height = struct.unpack(">II", png[16:24])
    assert width == height and 1400 <= width <= 3000
    # Every chunk's CRC is right and the image data inflates to the full picture.
    offset, data = 8, b""
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, body = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        data += body if kind == b"IDAT" else b""
        offset += 12 + length
    raw = zlib.decompress(data)
    assert len(raw) == height * (width + 1)
    assert len(set(raw[1 : width + 1])) == 1 and len(set(raw[(height // 2) * (width + 1) + 1 :][:width])) > 1


def test_podcast_guid_is_a_uuid5_of_the_feed_url_without_scheme():
    assert podcast_guid("https://example.org/feeds/podcast.xml") == podcast_guid("http://example.org/feeds/podcast.xml/")
    assert podcast_guid("https://example.org/feeds/podcast.xml") != podcast_guid("https://example.org/other.xml")


# -- the 收听 page -------------------------------------------------------------


def test_listen_page_lists_every_clip_newest_first_without_preloading(built_site, catalog):
    html = built_site.page("listen/")
    players = re.findall(r"<audio[^>]*>", html)
    assert len(players) == len(audio_episodes(catalog)) > 0
    assert all('preload="none"' in player for player in players)
    sources = re.findall(r'<audio[^>]*><source src="([^"]+)"', html)
    assert sources == [e.clip.src for e in audio_episodes(catalog)]
    links = re.findall(r'class="llm-item__title" href="([^"]+)"', html)
    assert links == [f"../share/#{e.entry.anchor}" for e in audio_episodes(catalog)]
    for rate in ("1", "1.25", "1.5", "2"):
        assert f'data-llm-speed="{rate}"' in html
    assert re.search(r'<div class="llm-speed"[^>]*\bhidden\b', html)  # shown by the script
    assert 'src="../assets/llminfra-listen.js"' in html


# -- a variant site with local audio -----------------------------------------


LOCAL_ENTRY = """## [静音测试：本地音频](https://example.org/silence-test)

一段只用于测试的摘要：本地音频文件的大小和时长由构建读取。

<audio controls>
  <source src="audio/silence.mp3" type="audio/mp3">
</audio>

## [声明了大小和时长的远程音频](https://example.org/declared-test)

远程音频可以在源文件里声明大小和时长。

<audio controls>
  <source src="{remote}" type="audio/mp4" data-length="123456" data-duration="61.4">
</audio>

"""


@pytest.fixture(scope="module")
def local_audio_site(tmp_path_factory):
    # The frozen content (never synced: its mirror has no recorded provenance, so an added entry is no hand edit).
    project = copy_frozen_project(tmp_path_factory.mktemp("podcast-project"))
    share = project / "docs/share/index.md"
    text = share.read_text(encoding="utf-8")
    month = re.search(r"^## \d{6}\n\n", text, re.M)
    share.write_text(text[: month.end()] + LOCAL_ENTRY.format(remote=REMOTE_DECLARED) + text[month.end():],
                     encoding="utf-8")
    (project / "docs/audio").mkdir()
    (project / "docs/audio/silence.mp3").write_bytes(SILENCE.read_bytes())
    site = tmp_path_factory.mktemp("podcast-site")
    result = run_mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def test_local_audio_gets_absolute_url_size_and_duration_from_the_file(local_audio_site):
    feed = parse(local_audio_site / "feeds/podcast.xml")
    assert len(feed.entries) == len(audio_episodes(build_catalog(SiteLayout(FROZEN)))) + 2
    local, declared = feed.entries[0], feed.entries[1]
    assert local.title == "静音测试：本地音频"
    enclosure = local.enclosures[0]
    assert enclosure.href == SITE_URL + "audio/silence.mp3"
    assert enclosure.length == str(SILENCE.stat().st_size) and enclosure.type == "audio/mpeg"
    assert local.itunes_duration == format_duration(mutagen.File(SILENCE).info.length) == "0:01"
    assert (local_audio_site / "audio/silence.mp3").read_bytes() == SILENCE.read_bytes()
    assert local.id == "https://example.org/silence-test#audio-1"

    assert declared.enclosures[0].href == REMOTE_DECLARED
    assert declared.enclosures[0].length == "123456" and declared.enclosures[0].type == "audio/mp4"
    assert declared.itunes_duration == "1:01"


def test_listen_page_shows_known_durations_and_plays_local_files(local_audio_site):
    html = (local_audio_site / "listen/index.html").read_text(encoding="utf-8")
    first = html[html.index('class="llm-list llm-playlist"'):]  # the playlist itself, not a style rule naming it
    first = first[: first.index("</li>")]
    assert "⏱ 0:01" in first and "静音测试：本地音频" in first
    src = re.search(r'<source src="([^"]+)"', first).group(1)
    target = urlsplit(urljoin("https://site.test/listen/", src)).path.lstrip("/")
    assert (local_audio_site / target).read_bytes() == SILENCE.read_bytes()
    frozen = audio_episodes(build_catalog(SiteLayout(FROZEN)))
    unknown = sum(1 for e in frozen if e.clip.duration_seconds is None)
    assert html.count("⏱ 时长未知") == unknown and html.count("⏱") == len(frozen) + 2  # every player says


# -- a frozen project: the required tags, the URL rule, unknown metadata ------------


ENCODED_LOCAL = "audio/%E6%91%98%E8%A6%81%20%E9%9D%99%E9%9F%B3.mp3"  # "audio/摘要 静音.mp3" encoded once
REMOTE_RAW = "https://cdn.example.org/播客/第 1 集.mp3"
REMOTE_ENCODED = "https://cdn.example.org/%E6%92%AD%E5%AE%A2/%E7%AC%AC%201%20%E9%9B%86.mp3"
REMOTE_UNKNOWN = "https://cdn.example.org/a%2Bb.mp3"
OWNER_EMAIL = "podcast@example.org"
FROZEN_SHARE = f"""# 分享


## 202509

## [本地音频：文件名有空格和中文](https://example.org/local-raw)

本地文件，源文件里写的是原样的文件名。

<audio controls>
  <source src="audio/摘要 静音.mp3" type="audio/mp3">
</audio>


## [同一文件的百分号编码写法](https://example.org/local-encoded)

同一个文件，写成百分号编码。

<audio controls>
  <source src="{ENCODED_LOCAL}" type="audio/mp3">
</audio>


## [远程音频：已测量](https://example.org/remote-measured)

远程文件，大小和时长在 data/audio.yml 里。

<audio controls>
  <source src="{REMOTE_RAW}" type="audio/mp3">
</audio>


## [远程音频：未测量](https://example.org/remote-unknown)

远程文件，没有记录。

<audio controls>
  <source src="{REMOTE_UNKNOWN}" type="audio/mp3">
</audio>
"""
FROZEN_RECORD = f"""{REMOTE_ENCODED}:
  bytes: 4321000
  duration: 754.2
  mime: audio/mpeg
  sha256: {"ab" * 32}
  etag: '"v1"'
"""
# What Apple Podcasts and the Podcast Index require (or reject a feed without), written out.
REQUIRED_CHANNEL = ["title", "link", "description", "language", "itunes:image", "itunes:category",
                    "itunes:explicit", "itunes:author", "itunes:owner/itunes:name", "itunes:owner/itunes:email"]
REQUIRED_ITEM = ["title", "enclosure", "guid", "pubDate", "itunes:duration"]
URI = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})+$")


@pytest.fixture(scope="module")
def frozen_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("frozen-podcast"), with_content=False)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config.replace('!ENV [PODCAST_OWNER_EMAIL, ""]', OWNER_EMAIL),
                                        encoding="utf-8")
    (project / "docs/share").mkdir()
    (project / "docs/share/index.md").write_text(FROZEN_SHARE, encoding="utf-8")
    (project / "docs/audio").mkdir()
    (project / "docs/audio/摘要 静音.mp3").write_bytes(SILENCE.read_bytes())
    (project / "data/audio.yml").write_text(FROZEN_RECORD, encoding="utf-8")
    site = tmp_path_factory.mktemp("frozen-podcast-site")
    result = run_mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site, result.stderr


def test_frozen_podcast_has_every_required_tag(frozen_site):
    site, _ = frozen_site
    from lxml import etree

    tree = etree.parse(str(site / "feeds/podcast.xml"))
    namespaces = {"itunes": ITUNES}
    channel = tree.find("channel")
    missing = [tag for tag in REQUIRED_CHANNEL if channel.find(tag, namespaces) is None]
    measured_items = channel.findall("item")[:3]  # the unmeasured one is checked below
    missing += [f"item {i}: {tag}" for i, item in enumerate(measured_items) for tag in REQUIRED_ITEM
                if item.find(tag, namespaces) is None]
    assert missing == []
    feed = parse(site / "feeds/podcast.xml")
    assert feed.feed.language == "zh-cn" and channel.find("itunes:explicit", namespaces).text == "false"
    assert feed.feed.publisher_detail.email == OWNER_EMAIL and feed.feed.author
    assert feed.feed.tags[0].term == "Technology"
    artwork = urlsplit(feed.feed.image.href).path.lstrip("/")
    width, height = struct.unpack(">II", (site / artwork).read_bytes()[16:24])
    assert width == height and 1400 <= width <= 3000
    for item in feed.entries:
        assert item.id and item.published_parsed and item.enclosures[0].type == "audio/mpeg"


def test_frozen_podcast_items_have_true_lengths_durations_and_urls_encoded_once(frozen_site):
    site, _ = frozen_site
    feed = parse(site / "feeds/podcast.xml")
    raw_local, encoded_local, remote, unknown = feed.entries
    local_url = SITE_URL + ENCODED_LOCAL
    for item in (raw_local, encoded_local):  # raw and encoded spellings: the same file, the same URL
        assert item.enclosures[0].href == local_url
        assert item.enclosures[0].length == str(SILENCE.stat().st_size) and item.itunes_duration == "0:01"
    assert remote.enclosures[0].href == REMOTE_ENCODED
    assert remote.enclosures[0].length == "4321000" and remote.itunes_duration == "12:34"
    # Unknown metadata: the episode stays (its audio plays), length 0, no itunes:duration, said in the notes.
    assert unknown.enclosures[0].href == REMOTE_UNKNOWN  # %2B stays %2B: not decoded, not encoded again
    assert unknown.enclosures[0].length == "0" and "itunes_duration" not in unknown
    assert "时长未知" in unknown.summary and "时长：" not in unknown.summary and "时长：12:34" in remote.summary
    xml = (site / "feeds/podcast.xml").read_text(encoding="utf-8")
    for url in re.findall(r'<enclosure url="([^"]+)"', xml):
        assert URI.match(url) and "%25" not in url, url


def test_frozen_pages_show_duration_and_size_before_play_with_urls_encoded_once(frozen_site):
    site, log = frozen_site
    share = (site / "share/index.html").read_text(encoding="utf-8")
    players = re.findall(r'<figure class="llm-audio".*?</figure>', share, re.S)
    assert len(players) == 4
    assert "⏱ 0:01" in players[0] and "下载音频（4 KB）" in players[0]
    assert "⏱ 12:34" in players[2] and "下载音频（4.1 MB）" in players[2]
    assert "⏱ 时长未知" in players[3] and ">下载音频</a>" in players[3]
    srcs = re.findall(r'(?:src|href)="([^"]+\.mp3)"', share)
    assert srcs[:2] == ["../" + ENCODED_LOCAL] * 2 and srcs[4] == srcs[5] == REMOTE_ENCODED
    assert all(URI.match(src.replace("&amp;", "&")) and "%25" not in src for src in srcs)
    listen = (site / "listen/index.html").read_text(encoding="utf-8")
    assert "总时长 <span class=\"llm-listening-total\">12:36（另有 1 段时长未知）</span>" in listen
    assert [m for m in re.findall(r"⏱ ([^<]+)<", listen)] == ["0:01", "0:01", "12:34", "时长未知"]
    # The unmeasured clip is a notice that names its file and line.
    assert "docs/share/index.md:37: audio https://cdn.example.org/a%2Bb.mp3 has no measured size" in log
    assert (site / "audio/摘要 静音.mp3").read_bytes() == SILENCE.read_bytes()
