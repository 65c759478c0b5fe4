"""The weekly feed (``feeds/weekly.xml``): one RSS item per ISO week, the digest of that week's new entries.

Each item is titled like the week (「第 47 周 · 11月17日–11月23日 · 16 篇」), links to the week's page and holds
the entries with their links and excerpts as HTML (``overrides/llminfra/weekly-feed-item.html``). An item is
dated by the newest entry of its week, so, like the other feeds, nothing depends on the build time.
"""

from __future__ import annotations

from pathlib import Path

from feedgen.feed import FeedGenerator  # before feedgen.util, see feeds.py

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import UNDATED
from llminfra.domain.urls import WEEKLY_RSS, weekly_page
from llminfra.domain.weeks import WEEK_FULL_ITEMS, WeekIndex
from llminfra.publish.feeds import GENERATOR, LANGUAGE, FeedOptions
from llminfra.render.excerpts import excerpt_of
from llminfra.render.templates import TemplateRenderer

# The newest weeks in the feed: a digest's reader follows it week by week; the weekly pages keep every week.
WEEKLY_FEED_WEEKS = 12
ITEM_TEMPLATE = "llminfra/weekly-feed-item.html"


def week_description(week: WeekIndex) -> str:
    """The item's plain-text summary: ``11月17日–11月23日新增 16 篇：好文分享 15 篇、系列文章 1 篇。``"""
    return f"{week.days_label}新增 {len(week.entries)} 篇：{week.kinds_text}。"


def weekly_feed(catalog: Catalog, options: FeedOptions, templates: TemplateRenderer) -> bytes:
    weeks = catalog.weeks[:WEEKLY_FEED_WEEKS]
    feed_url = options.url(WEEKLY_RSS)
    home = options.page(weekly_page())
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(f"{options.site_name} · 每周新增")
    feed.description("每周一期：这一周新增的好文分享、系列文章和筛选笔记条目，附链接与摘要。")
    feed.link(href=feed_url, rel="self")
    feed.link(href=home, rel="alternate")  # last link: the RSS <link>
    feed.language(LANGUAGE)
    feed.author({"name": options.author_name})
    feed.generator(GENERATOR)
    newest = [max(entry.published_at for entry in week.entries) for week in weeks]
    feed.lastBuildDate(max(newest, default=UNDATED))  # feedgen defaults to now
    for week, published in zip(weeks, newest):
        url = options.page(weekly_page(week.key))
        item = feed.add_entry(order="append")
        item.title(week.feed_title)
        item.guid(url, permalink=True)
        item.link(href=url, rel="alternate")
        item.published(published)
        item.updated(published)  # feedgen defaults to now
        entries = [{"entry": entry, "link": options.canonical_url(entry), "site_url": options.entry_url(entry),
                    "excerpt": excerpt_of(entry) if number < WEEK_FULL_ITEMS else ""}
                   for number, entry in enumerate(week.entries)]
        item.content(templates.render_absolute(ITEM_TEMPLATE, week=week, entries=entries))
        item.description(week_description(week))
    return feed.rss_str(pretty=True)


def write_weekly_feed(catalog: Catalog, options: FeedOptions, site_dir: Path, templates: TemplateRenderer) -> Path:
    """Write ``feeds/weekly.xml`` under ``site_dir``."""
    target = Path(site_dir) / WEEKLY_RSS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(weekly_feed(catalog, options, templates))
    return target
