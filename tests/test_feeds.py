"""Site feeds (RSS, Atom, JSON Feed), tag feeds, autodiscovery and the 订阅 page."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import feedparser
import pytest
from conftest import FROZEN, ROOT, copy_project, run_mkdocs_build

from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import Entry, PartialDate, SourceKind, SourceLocation
from llminfra.domain.site_options import FeedSettings, SiteOptions, SiteSettings
from llminfra.domain.urls import absolute_url, tag_feed_path
from llminfra.publish.feeds import (
    FeedOptions,
    entry_datetime,
    feed_updated,
    write_feeds,
)
from llminfra.render.excerpts import excerpt_of
from llminfra.sources.loading import build_catalog

SITE_URL = re.search(r'site_url: !ENV \[SITE_URL, "([^"]+)"\]', (ROOT / "mkdocs.yml").read_text()).group(1)
CHINESE_TAG = "向量检索实践"
# The feeds' default limits (mkdocs.yml does not set them in the test projects).
FEED_LIMIT, TAG_FEED_LIMIT = FeedSettings().limit, FeedSettings().tag_limit
ALTERNATE = re.compile(r'<link rel="alternate feed" type="([^"]+)" title="([^"]*)" href="([^"]+)">')


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(SiteLayout(FROZEN))


@pytest.fixture(scope="module")
def options():
    return FeedOptions(site_url=SITE_URL, site_name="大模型基础设施工程 · 阅读站")


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def feed_dates(xml: str) -> list[datetime]:
    """Every date a feed states, RSS (RFC 822) or Atom (RFC 3339)."""
    rfc822 = re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)<", xml)
    rfc3339 = re.findall(r"<(?:updated|published)>([^<]+)<", xml)
    return [parsedate_to_datetime(d) for d in rfc822] + [datetime.fromisoformat(d) for d in rfc3339]


# -- the site feeds -----------------------------------------------------------


def test_site_rss_and_atom_hold_the_newest_entries_newest_first(built_site, catalog, options):
    expected = [options.entry_url(e) for e in catalog.newest_first[:FEED_LIMIT]]
    assert len(catalog.entries) > FEED_LIMIT  # the cap is exercised
    for name in ("feed.xml", "atom.xml"):
        parsed = parse(built_site.path / "feeds" / name)
        assert [item.id for item in parsed.entries] == expected, name
        dates = [item.published_parsed for item in parsed.entries]
        assert dates == sorted(dates, reverse=True)
    assert parse(built_site.path / "feeds/feed.xml").version == "rss20"
    assert parse(built_site.path / "feeds/atom.xml").version == "atom10"


def test_items_carry_outbound_link_site_link_date_tags_and_excerpt(built_site, catalog, options):
    rss = {item.id: item for item in parse(built_site.path / "feeds/feed.xml").entries}
    atom = {item.id: item for item in parse(built_site.path / "feeds/atom.xml").entries}
    for entry in catalog.newest_first[:FEED_LIMIT]:
        site_link = options.entry_url(entry)
        assert site_link.startswith(SITE_URL) and site_link.endswith(f"#{entry.anchor}")
        names = [catalog.tags[slug].name for slug in entry.tags]
        for item in (rss[site_link], atom[site_link]):
            assert item.title == entry.title
            assert item.link == (entry.link or site_link)
            assert [tag.term for tag in item.tags] == names
            assert item.summary == excerpt_of(entry)
        assert rss[site_link].guidislink is False  # the item link is the article, the guid the site
        related = [link.href for link in atom[site_link].links if link.rel == "related"]
        assert related == ([site_link] if entry.link else [])
        assert datetime.fromisoformat(atom[site_link].published) == entry_datetime(entry)


def test_rss_guid_is_a_permalink_to_the_entry_on_the_site(built_site):
    xml = (built_site.path / "feeds/feed.xml").read_text(encoding="utf-8")
    guids = re.findall(r'<guid isPermaLink="true">([^<]+)</guid>', xml)
    assert len(guids) == FEED_LIMIT
    path, _, anchor = guids[0][len(SITE_URL):].partition("#")
    assert anchor and (built_site.path / path / "index.html").is_file()
    assert f'id="{anchor}"' in built_site.page(path)


def test_feed_dates_come_from_entries_never_from_the_build(built_site, catalog):
    allowed = {entry_datetime(e) for e in catalog.entries}
    newest = feed_updated(catalog.entries)
    for path in (built_site.path / "feeds").rglob("*.xml"):
        if path.name == "sitemap.xml":
            continue
        xml = path.read_text(encoding="utf-8")
        dates = feed_dates(xml)
        assert dates and set(dates) <= allowed, path.name
    site = (built_site.path / "feeds/feed.xml").read_text(encoding="utf-8")
    assert parsedate_to_datetime(re.search(r"<lastBuildDate>([^<]+)<", site).group(1)) == newest
    atom = (built_site.path / "feeds/atom.xml").read_text(encoding="utf-8")
    assert datetime.fromisoformat(re.search(r"<updated>([^<]+)<", atom).group(1)) == newest
    assert "python-feedgen" not in site + atom


def test_json_feed_follows_json_feed_1_1(built_site, catalog, options):
    feed = json.loads((built_site.path / "feeds/feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == SITE_URL + "feeds/feed.json" and feed["home_page_url"] == SITE_URL
    entries = catalog.newest_first[:FEED_LIMIT]
    assert [item["id"] for item in feed["items"]] == [options.entry_url(e) for e in entries]
    for item, entry in zip(feed["items"], entries):
        assert item["url"] == options.entry_url(entry)
        assert item.get("external_url") == entry.link
        assert item["content_text"] and item["title"] == entry.title
        assert datetime.fromisoformat(item["date_published"]) == entry_datetime(entry)
        assert item["tags"] == [catalog.tags[slug].name for slug in entry.tags]


def test_every_tag_has_a_feed_with_exactly_its_entries(built_site, catalog, options):
    for tag in catalog.tags.values():
        parsed = parse(built_site.path / tag_feed_path(tag.slug))
        expected = [options.entry_url(e) for e in tag.entries[:TAG_FEED_LIMIT]]
        assert [item.id for item in parsed.entries] == expected, tag.slug
        assert parsed.feed.link == SITE_URL + f"tags/{tag.slug}/"
        assert tag.name in parsed.feed.title
    written = {p.name for p in (built_site.path / "feeds/tags").iterdir()}
    assert written == {f"{slug}.xml" for slug in catalog.tags} | {"sitemap.xml"}


def test_material_finds_a_sitemap_beside_every_announced_feed(built_site):
    # Material fetches sitemap.xml relative to each <link rel="alternate">; without one, every page view logs 404s.
    for folder in ("feeds", "feeds/tags"):
        sitemap = (built_site.path / folder / "sitemap.xml").read_text(encoding="utf-8")
        assert "<urlset" in sitemap and "<url>" not in sitemap


def test_two_builds_give_byte_identical_feeds(built_site, tmp_path):
    again = tmp_path / "site"
    result = run_mkdocs_build(built_site.project, again)
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = ({p.relative_to(site): p.read_bytes() for p in (site / "feeds").rglob("*") if p.is_file()}
                     for site in (built_site.path, again))
    assert len(first) > 140 and first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_feeds_are_written_to_the_site_only_and_timed(built_site):
    assert not (ROOT / "docs/feeds").exists()
    assert re.search(r"llminfra timing: .*\bfeeds=\d+\.\d+s", built_site.log)


# -- dates and options --------------------------------------------------------


def _entry(date: PartialDate | None, position: int) -> Entry:
    return Entry(SourceKind.SHARE, "t", None, date, SourceLocation("docs/share/index.md", 1), "share/index.md",
                 f"a-{position}", position=position)


def test_month_entries_are_dated_on_the_1st_in_list_order_day_entries_at_noon_utc():
    september = [_entry(PartialDate(2025, 9), position) for position in (14, 15, 40)]
    dates = [entry_datetime(e) for e in september]
    assert all(d.date() == datetime(2025, 9, 1).date() and d.tzinfo == timezone.utc for d in dates)
    assert dates[0] > dates[1] > dates[2]
    day = entry_datetime(_entry(PartialDate(2025, 9, 1), 0))
    assert day == datetime(2025, 9, 1, 12, tzinfo=timezone.utc) and day > dates[0]
    # Sorting by date agrees with the catalog's order, even for a long list.
    many = [_entry(PartialDate(2025, 9), p) for p in range(0, 20000, 7)]
    assert sorted(many, key=entry_datetime, reverse=True) == sorted(many, key=lambda e: e.sort_key, reverse=True)
    assert entry_datetime(_entry(PartialDate(2025, 9), 10**6)).month == 9


def test_feed_limits_and_author_come_from_the_site_options():
    # Validation of the values is the options block's (tests/test_site_options.py).
    site = SiteSettings(site_url=SITE_URL, site_name="站名", site_author="site author")
    default = FeedOptions.for_site(site)
    assert (default.limit, default.tag_limit, default.author_name) == (50, 20, "site author")
    block = FeedSettings(limit=0, tag_limit=5, author="编辑部", owner_email="podcast@example.org")
    options = FeedOptions.for_site(replace(site, options=SiteOptions(feeds=block)))
    assert (options.limit, options.tag_limit, options.author_name, options.owner_email) == (
        0, 5, "编辑部", "podcast@example.org")
    assert FeedOptions.for_site(replace(site, site_author="")).author_name == "站名"


def test_tag_feeds_hold_the_newest_tag_limit_entries(catalog, tmp_path):
    options = FeedOptions(site_url="https://example.org/", site_name="s", settings=FeedSettings(limit=50, tag_limit=3))
    write_feeds(catalog, options, tmp_path)
    vllm = parse(tmp_path / tag_feed_path("vllm"))
    assert len(catalog.tags["vllm"].entries) > 3
    assert [e.id for e in vllm.entries] == [options.entry_url(e) for e in catalog.tags["vllm"].entries[:3]]
    assert len(parse(tmp_path / "feeds/feed.xml").entries) == min(50, len(catalog.entries))


def test_limit_zero_writes_the_whole_archive(catalog, tmp_path):
    options = FeedOptions(site_url="https://example.org/base/", site_name="s",
                          settings=FeedSettings(limit=0, tag_limit=0))
    write_feeds(catalog, options, tmp_path)
    assert len(parse(tmp_path / "feeds/feed.xml").entries) == len(catalog.entries)
    assert len(parse(tmp_path / "feeds/atom.xml").entries) == len(catalog.entries)
    vllm = parse(tmp_path / tag_feed_path("vllm"))
    assert len(vllm.entries) == len(catalog.tags["vllm"].entries)
    assert vllm.entries[0].id.startswith("https://example.org/base/")


def test_absolute_urls_percent_encode_chinese_paths():
    assert absolute_url("https://x.org/s/", "feeds/tags/向量.xml") == "https://x.org/s/feeds/tags/%E5%90%91%E9%87%8F.xml"
    assert absolute_url("https://x.org", "share/", "a-1") == "https://x.org/share/#a-1"


# -- autodiscovery and pages --------------------------------------------------


def _alternates(html: str) -> dict[str, str]:
    head = html[: html.index("</head>")]
    return {href: kind for kind, _title, href in ALTERNATE.findall(head)}


def test_every_page_announces_the_site_feeds(built_site):
    pages = list(built_site.path.rglob("*.html"))
    assert len(pages) > 150
    for page in pages:
        found = _alternates(page.read_text(encoding="utf-8"))
        base = "https://site.test/" + page.relative_to(built_site.path).as_posix()
        if page.name == "404.html":  # served from any depth: root-relative
            base = "https://site.test/"
        targets = {urlsplit(urljoin(base, href)).path: kind for href, kind in found.items()}
        assert targets.get("/feeds/feed.xml") == "application/rss+xml", page
        assert targets.get("/feeds/atom.xml") == "application/atom+xml", page
        assert targets.get("/feeds/podcast.xml") == "application/rss+xml", page


def test_tag_pages_announce_and_link_their_own_feed(built_site):
    html = built_site.page("tags/vllm/")
    found = _alternates(html)
    assert list(found)[0] == "../../feeds/tags/vllm.xml"  # the tag's feed comes first
    assert 'class="llm-feed-link" href="../../feeds/tags/vllm.xml"' in html
    assert "../../feeds/tags/vllm.xml" not in _alternates(built_site.page("tags/sglang/"))


def test_subscribe_page_lists_absolute_addresses_in_copyable_code_blocks(built_site, catalog):
    html = built_site.page("subscribe/")
    code_block = r'<div class="highlight"><span class="filename">[^<]+</span><pre>.*?<code>(.*?)</code>'
    blocks = re.findall(code_block, html, re.S)
    urls = [re.sub(r"<[^>]+>", "", block).strip() for block in blocks]
    assert urls == [SITE_URL + p for p in ("feeds/feed.xml", "feeds/atom.xml", "feeds/feed.json", "feeds/weekly.xml",
                                           "feeds/podcast.xml")]
    for tag in catalog.tags.values():
        assert f"<code>{SITE_URL}feeds/tags/{quote(tag.slug)}.xml</code>" in html
    assert "llminfra:subscribe" not in html
    nav = built_site.page("")
    assert re.search(r'href="subscribe/"[^>]*>\s*订阅', nav) and re.search(r'href="listen/"[^>]*>\s*收听', nav)


# -- a tag with a Chinese slug ----------------------------------------------


@pytest.fixture(scope="module")
def chinese_tag_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("feeds-project"))
    series = project / "docs/series/index.md"
    text = series.read_text(encoding="utf-8")
    first_tags = re.search(r"^\d{4}-\d{2}-\d{2} \|.*$", text, re.M)
    series.write_text(text[: first_tags.end()] + f" #{CHINESE_TAG}" + text[first_tags.end():], encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("    limit: 50\n", "    limit: 0\n"), encoding="utf-8")
    site = tmp_path_factory.mktemp("feeds-site")
    result = run_mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site, build_catalog(SiteLayout(project))


def test_chinese_tags_get_a_feed_linked_with_an_encoded_url(chinese_tag_site):
    site, catalog = chinese_tag_site
    tag = next(t for t in catalog.tags.values() if t.name == CHINESE_TAG)
    assert tag.slug == CHINESE_TAG and len(tag.entries) == 1
    feed = parse(site / f"feeds/tags/{CHINESE_TAG}.xml")
    options = FeedOptions(site_url=SITE_URL, site_name="s")
    assert [item.id for item in feed.entries] == [options.entry_url(tag.entries[0])]
    assert [t.term for t in feed.entries[0].tags].count(CHINESE_TAG) == 1
    assert feed.feed.link == SITE_URL + "tags/" + quote(CHINESE_TAG) + "/"

    html = (site / "tags" / CHINESE_TAG / "index.html").read_text(encoding="utf-8")
    encoded = "../../feeds/tags/" + quote(CHINESE_TAG) + ".xml"
    assert list(_alternates(html))[0] == encoded
    assert f'class="llm-feed-link" href="{encoded}"' in html
    target = urljoin(f"https://site.test/tags/{quote(CHINESE_TAG)}/", encoded)
    assert (site / unquote(urlsplit(target).path).lstrip("/")).is_file()


def test_full_archive_option_in_mkdocs_yml(chinese_tag_site):
    site, catalog = chinese_tag_site
    assert len(parse(site / "feeds/feed.xml").entries) == len(catalog.entries) > FEED_LIMIT
