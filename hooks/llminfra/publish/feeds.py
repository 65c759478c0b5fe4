"""Subscriptions: the site feed (RSS 2.0, Atom, JSON Feed 1.1) and one RSS feed per tag.

Input is the catalog and a ``FeedOptions``; output is files under the built
site (``write_feeds``). XML is produced by feedgen, never by hand.

Feeds must be byte-identical from one build to the next, so nothing here
reads the clock: every date is derived from the entry (``entry_datetime``)
and the feed-level ``updated``/``lastBuildDate`` is the newest entry's date.

Item summaries are the entry's excerpt (``render.excerpts.excerpt_of``): the short plain text listings
show too. It keeps feed items small and bounded,
needs no markdown renderer in this MkDocs-free package, and passes no HTML
from the sources into feed readers; the full summary is one link away.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# feedgen.feed first: it imports lxml.etree, which feedgen.util (pulled in
# by the extensions) uses without importing it.
from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from llminfra.domain.catalog import Catalog, TagIndex
from llminfra.domain.model import UNDATED, Entry, SourceLocation
from llminfra.domain.site_options import FeedSettings, SiteSettings
from llminfra.domain.urls import (
    SITE_ATOM,
    SITE_JSON,
    SITE_RSS,
    absolute_url,
    page_url,
    tag_feed_path,
    tag_page,
)
from llminfra.render.excerpts import excerpt_of

LANGUAGE = "zh-cn"
GENERATOR = "llminfra"


# Material's instant navigation fetches "sitemap.xml" next to every
# <link rel="alternate"> of a page (meant for language versions). An empty
# one beside the feeds answers that request instead of a 404 on every page view.
EMPTY_SITEMAP = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
SITEMAP_STUBS = ("feeds/sitemap.xml", "feeds/tags/sitemap.xml")

@dataclass(frozen=True)
class FeedOptions:
    """The site's fields that feeds need, and its validated ``extra.llminfra.feeds`` block."""

    site_url: str  # absolute, e.g. https://example.org/site/
    site_name: str
    site_description: str = ""
    site_author: str = ""
    use_directory_urls: bool = True
    settings: FeedSettings = field(default_factory=FeedSettings)

    @classmethod
    def for_site(cls, settings: SiteSettings) -> "FeedOptions":
        """The feeds of the site that ``settings`` describe (the hooks and the export alike)."""
        return cls(site_url=settings.site_url, site_name=settings.site_name,
                   site_description=settings.site_description, site_author=settings.site_author,
                   use_directory_urls=settings.use_directory_urls, settings=settings.options.feeds)

    @property
    def limit(self) -> int:
        return self.settings.limit  # items of the site feeds; 0 = every entry

    @property
    def tag_limit(self) -> int:
        return self.settings.tag_limit  # items per tag feed; 0 = every entry

    @property
    def owner_email(self) -> str:
        return self.settings.owner_email  # the podcast's itunes:owner (directories write to it; never shown)

    @property
    def author_name(self) -> str:
        return self.settings.author or self.site_author or self.site_name

    def url(self, path: str, anchor: str | None = None) -> str:
        return absolute_url(self.site_url, path, anchor)

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        """Absolute URL of a docs page (``tags/vllm/index.md``)."""
        return self.url(page_url(src_uri, self.use_directory_urls), anchor)

    def entry_url(self, entry: Entry) -> str:
        """The entry's place on the site."""
        return self.page(entry.page, entry.anchor)

    def canonical_url(self, entry: Entry) -> str:
        """The article itself; entries without a known link use their place on the site."""
        return entry.link or self.entry_url(entry)

    def newest(self, entries: list[Entry], limit: int | None = None) -> list[Entry]:
        limit = self.limit if limit is None else limit
        return entries[:limit] if limit else entries


def entry_datetime(entry: Entry) -> datetime:
    """A stable publication time for the entry (never the build time): a share entry's arrival, with the time
    of day of the upstream commit; else its day at noon UTC (``Entry.published_at``)."""
    return entry.published_at


def feed_updated(entries: list[Entry]) -> datetime:
    """Feed-level updated/lastBuildDate: the newest entry's date."""
    return max((entry_datetime(e) for e in entries), default=UNDATED)


@dataclass(frozen=True)
class FeedItem:
    """What every feed format says about one entry, computed once per build."""

    title: str
    link: str  # canonical outbound link, or the site URL when unknown
    site_url: str  # the entry's place on the site
    published: datetime
    categories: tuple[str, ...]  # tag display names
    summary: str
    has_outbound_link: bool


class _NoFeedExtension(BaseExtension):
    """feedgen wants a feed-level class for every extension; this one adds nothing."""


class RelatedLinkExtension(BaseEntryExtension):
    """Atom ``<link rel="related">`` to the entry's place on the site.

    feedgen 1.0 writes Atom entry links without their ``rel`` attribute, which
    would turn this link into a second ``alternate``; so it is added here.
    RSS has a single item link: there the site URL is the permalink ``guid``.
    """

    def __init__(self):
        self.href: str | None = None

    def related(self, href: str) -> None:
        self.href = href

    def extend_atom(self, entry):
        if self.href:
            xml_elem("link", entry, href=self.href, rel="related")
        return entry


class FeedWriter:
    """Writes the site feeds and the tag feeds of one catalog."""

    def __init__(self, catalog: Catalog, options: FeedOptions):
        self.catalog = catalog
        self.options = options
        self._items: dict[SourceLocation, FeedItem] = {}  # by where the entry is written
        self._feed_entries: dict[SourceLocation, FeedEntry] = {}

    def item(self, entry: Entry) -> FeedItem:
        item = self._items.get(entry.source)
        if item is None:
            item = FeedItem(
                title=entry.title,
                link=self.options.canonical_url(entry),
                site_url=self.options.entry_url(entry),
                published=entry_datetime(entry),
                categories=tuple(self._tag_name(slug) for slug in entry.tags),
                summary=excerpt_of(entry),
                has_outbound_link=bool(entry.link),
            )
            self._items[entry.source] = item
        return item

    def _tag_name(self, slug: str) -> str:
        tag = self.catalog.tags.get(slug)
        return tag.name if tag else slug

    # -- output -------------------------------------------------------------

    def write(self, site_dir: Path) -> list[Path]:
        options = self.options
        entries = options.newest(self.catalog.newest_first)
        title = options.site_name
        description = options.site_description or options.site_name
        home = options.url("")
        written = [
            _write(site_dir / SITE_RSS, self.rss(entries, title, description, home, options.url(SITE_RSS))),
            _write(site_dir / SITE_ATOM, self.atom(entries, title, description, home, options.url(SITE_ATOM))),
            _write(site_dir / SITE_JSON, self.json_feed(entries, title, description, home, options.url(SITE_JSON))),
        ]
        for tag in self.catalog.tags.values():
            written.append(self.write_tag(tag, site_dir))
        for stub in SITEMAP_STUBS:
            if site_dir / stub not in written:  # a tag may be called "sitemap"
                written.append(_write(site_dir / stub, EMPTY_SITEMAP))
        return written

    def write_tag(self, tag: TagIndex, site_dir: Path) -> Path:
        options = self.options
        path = tag_feed_path(tag.slug)
        description = tag.description or f"「{tag.name}」标签下的条目，按时间从新到旧。"
        xml = self.rss(options.newest(tag.entries, options.tag_limit), f"{options.site_name} · 标签：{tag.name}",
                       description, options.page(tag_page(tag.slug)), options.url(path))
        return _write(site_dir / path, xml)

    def _generator(self, entries: list[Entry], title: str, description: str, home: str, self_url: str) -> FeedGenerator:
        feed = FeedGenerator()
        feed.register_extension("site_links", _NoFeedExtension, RelatedLinkExtension, atom=True, rss=False)
        feed.id(self_url)
        feed.title(title)
        feed.description(description)
        # feedgen's RSS <link> is the last link given: the home page, not the feed.
        feed.link(href=self_url, rel="self")
        feed.link(href=home, rel="alternate")
        feed.language(LANGUAGE)
        feed.author({"name": self.options.author_name})
        feed.generator(GENERATOR)  # replaces feedgen's name and version
        feed.lastBuildDate(feed_updated(entries))  # also Atom <updated>; feedgen defaults to now
        for entry in entries:
            feed.add_entry(self._feed_entry(entry), order="append")
        return feed

    def _feed_entry(self, entry: Entry) -> FeedEntry:
        """One feedgen entry per catalog entry, shared by every feed that lists it."""
        feed_entry = self._feed_entries.get(entry.source)
        if feed_entry is not None:
            return feed_entry
        item = self.item(entry)
        feed_entry = self._feed_entries[entry.source] = FeedEntry()
        feed_entry.register_extension("site_links", RelatedLinkExtension, atom=True, rss=False)
        feed_entry.title(item.title)
        # The site URL identifies the item and is a permalink to it.
        feed_entry.guid(item.site_url, permalink=True)
        feed_entry.link(href=item.link, rel="alternate")
        if item.has_outbound_link:
            feed_entry.site_links.related(item.site_url)
        feed_entry.published(item.published)
        feed_entry.updated(item.published)  # feedgen defaults to now
        if item.summary:
            feed_entry.description(item.summary, isSummary=True)
        if item.categories:
            feed_entry.category([{"term": name} for name in item.categories])
        return feed_entry

    def rss(self, entries, title, description, home, self_url) -> bytes:
        return self._generator(entries, title, description, home, self_url).rss_str(pretty=True)

    def atom(self, entries, title, description, home, self_url) -> bytes:
        return self._generator(entries, title, description, home, self_url).atom_str(pretty=True)

    def json_feed(self, entries, title, description, home, self_url) -> bytes:
        items = []
        for entry in entries:
            item = self.item(entry)
            data = {"id": item.site_url, "url": item.site_url}
            if item.has_outbound_link:
                data["external_url"] = item.link
            data.update({
                "title": item.title,
                "content_text": item.summary or item.title,
                "date_published": item.published.isoformat(),
                "tags": list(item.categories),
            })
            items.append(data)
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": home,
            "feed_url": self_url,
            "description": description,
            "language": "zh-CN",
            "authors": [{"name": self.options.author_name}],
            "items": items,
        }
        return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_feeds(catalog: Catalog, options: FeedOptions, site_dir: Path) -> list[Path]:
    """Write the site feeds and every tag feed under ``site_dir``; returns the files."""
    return FeedWriter(catalog, options).write(Path(site_dir))


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
