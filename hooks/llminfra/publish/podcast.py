"""The podcast: every audio summary as an episode of an RSS 2.0 + iTunes feed.

- the episodes are ``llminfra.domain.episodes.audio_episodes``: the 收听 page
  and the feed show the same list;
- ``write_podcast`` writes the feed and its artwork into the built site.

Like the other feeds, nothing depends on the build time.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator  # before feedgen.util, see feeds.py
from feedgen.util import xml_elem

from llminfra.domain.catalog import Catalog
from llminfra.domain.episodes import Episode, audio_episodes, format_duration
from llminfra.domain.model import UNKNOWN_DURATION, AudioClip
from llminfra.domain.urls import PODCAST_ARTWORK, PODCAST_RSS, listen_page
from llminfra.publish.artwork import podcast_artwork_png
from llminfra.publish.feeds import (
    GENERATOR,
    LANGUAGE,
    FeedOptions,
    entry_datetime,
    feed_updated,
)
from llminfra.render.excerpts import excerpt_of

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# Podcasting 2.0: the channel GUID is a UUIDv5 of the feed URL without scheme.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CATEGORY = "Technology"
# An episode whose clip was never measured stays in the feed (the audio is real and plays): its
# enclosure says length="0", which the RSS Advisory Board's best practices name for an unknown size
# and clients treat as "not known", and it has no itunes:duration rather than a wrong one.
UNKNOWN_LENGTH = 0


# -- the feed ----------------------------------------------------------------


class PodcastChannelExtension(BaseExtension):
    """What feedgen's podcast extension cannot write.

    ``<itunes:explicit>false</itunes:explicit>`` (feedgen only knows the
    retired yes/no/clean values) and the Podcasting 2.0 ``<podcast:guid>``.
    """

    def __init__(self):
        self.guid: str | None = None

    def extend_ns(self):
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "false"
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        return rss_feed


class _NoEntryExtension(BaseEntryExtension):
    pass


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 channel GUID for ``feed_url``."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def episode_guid(options: FeedOptions, episode: Episode) -> str:
    """Stable across builds: the entry's canonical URL plus the clip number."""
    canonical = options.canonical_url(episode.entry)
    separator = ":" if "#" in canonical else "#"
    return f"{canonical}{separator}audio-{episode.index + 1}"


def enclosure_url(options: FeedOptions, clip: AudioClip) -> str:
    """A valid absolute URI, encoded once: ``clip.src`` already is; a local path is decoded, then encoded."""
    return options.url(clip.site_path) if clip.is_local else clip.src


def episode_description(options: FeedOptions, episode: Episode) -> str:
    entry = episode.entry
    duration = format_duration(episode.clip.duration_seconds)
    lines = [excerpt_of(entry) or entry.title, "", f"时长：{duration}" if duration else UNKNOWN_DURATION]
    if entry.link:
        lines.append(f"原文：{entry.link}")
    lines.append(f"本站条目：{options.entry_url(entry)}")
    return "\n".join(lines)


def podcast_feed(catalog: Catalog, options: FeedOptions) -> bytes:
    episodes = audio_episodes(catalog)
    feed_url = options.url(PODCAST_RSS)
    home = options.page(listen_page())  # the 收听 page is the podcast's home
    title = f"{options.site_name} · 音频摘要"
    description = "阅读站条目的音频摘要：每集讲一篇文章的要点，按时间从新到旧；节目说明附文字摘要、原文和本站条目链接。"
    artwork = options.url(PODCAST_ARTWORK)

    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("llminfra_podcast", PodcastChannelExtension, _NoEntryExtension, atom=False, rss=True)
    feed.llminfra_podcast.guid = podcast_guid(feed_url)
    feed.title(title)
    feed.description(description)
    feed.link(href=feed_url, rel="self")
    feed.link(href=home, rel="alternate")  # last link: the RSS <link>
    feed.language(LANGUAGE)
    feed.generator(GENERATOR)
    feed.lastBuildDate(feed_updated([e.entry for e in episodes]))
    feed.image(url=artwork, title=title, link=home)
    feed.podcast.itunes_author(options.author_name)
    if options.owner_email:
        feed.podcast.itunes_owner(name=options.author_name, email=options.owner_email)
    feed.podcast.itunes_summary(description)
    feed.podcast.itunes_category(CATEGORY)
    feed.podcast.itunes_image(artwork)
    feed.podcast.itunes_type("episodic")
    for episode in episodes:
        clip = episode.clip
        item = feed.add_entry(order="append")
        item.title(episode.title)
        item.guid(episode_guid(options, episode), permalink=False)
        item.link(href=options.entry_url(episode.entry), rel="alternate")
        item.description(episode_description(options, episode))
        item.published(entry_datetime(episode.entry))
        item.updated(entry_datetime(episode.entry))  # feedgen defaults to now
        item.enclosure(enclosure_url(options, clip), str(clip.length_bytes or UNKNOWN_LENGTH), clip.mime_type)
        duration = format_duration(clip.duration_seconds)
        if duration:
            item.podcast.itunes_duration(duration)
    return feed.rss_str(pretty=True)


def write_podcast(catalog: Catalog, options: FeedOptions, site_dir: Path) -> list[Path]:
    """Write the podcast feed and its artwork under ``site_dir``."""
    site_dir = Path(site_dir)
    written = []
    for path, data in ((PODCAST_RSS, podcast_feed(catalog, options)), (PODCAST_ARTWORK, podcast_artwork_png())):
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
