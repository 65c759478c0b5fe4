"""Every entry knows the day it arrived: upstream's 22 versions replayed with their dates.

Each version is synced into a copy of the frozen project, with the ledger as sync records it
(``arrival_replay.replay``: each new entry at its version's commit time). Every version is checked at the catalog,
render and feed level (no MkDocs build: 22 of them took 35 s); the first (an empty list) and the last are built
strictly, and the last one's pages, feeds, weekly pages and ``feeds/weekly.xml`` are read back. The dates expected
are found independently of the parser: an article's date is the commit time of the first version whose raw text
holds its link.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from arrival_replay import MIRROR, replay, versions
from conftest import FROZEN, copy_frozen_project
from lxml import etree

from llminfra.authoring.arrivals_file import write_arrivals
from llminfra.commands.cli import main
from llminfra.domain.episodes import audio_episodes
from llminfra.domain.layout import SiteLayout
from llminfra.domain.links import canonical_url
from llminfra.domain.model import Entry, SourceKind
from llminfra.domain.site_plan import PageKind, plan_site
from llminfra.domain.urls import page_url
from llminfra.publish.feeds import FeedOptions, FeedWriter
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.arrivals import ARRIVALS_FILE, read_arrivals
from llminfra.sources.loading import build_catalog

# Independent of the parser: a collector heading is "## [" … "](" url ")" with the link last on the line.
COLLECTOR_HEADING = re.compile(r"^## \[(.*)\]\((https?://\S+)\)\s*$")
DATED_SHARE = re.compile(r'<h3 id="(a-[0-9a-f]{8}[-\d]*)".*?<p class="llm-entry-meta__line"><time datetime="([^"]+)">'
                         r"([^<]+)</time></p>", re.S)
WEEKS_IN_FEED = 12


def raw_links(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    return [canonical_url(match.group(2)) for match in map(COLLECTOR_HEADING.match, text.split("\n")) if match]


def first_seen() -> dict[str, dt.datetime]:
    """Canonical link -> commit time of the first version whose text lists it."""
    seen: dict[str, dt.datetime] = {}
    for version in versions():
        for link in raw_links(version.path):
            seen.setdefault(link, version.committed)
    return seen


def build_in_process(project: Path, site: Path) -> None:
    """A strict MkDocs build in this interpreter (a new one costs seconds of start-up)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True))  # Abort on any warning


@dataclass
class VersionResult:
    name: str
    headings: list[str]  # canonical links, as the raw text lists them
    catalog: object
    share_markdown: str
    feed_dates: dict[str, dt.datetime] = field(default_factory=dict)  # entry anchor -> date of its feed item


@dataclass
class Replay:
    project: Path
    site: Path
    empty_site: Path  # the first version, which lists nothing yet
    results: list[VersionResult]
    expected: dict[str, dt.datetime]

    @property
    def catalog(self):
        return self.results[-1].catalog

    def mirrored(self, result: VersionResult | None = None) -> list[Entry]:
        catalog = (result or self.results[-1]).catalog
        return [e for e in catalog.entries if e.source.path == MIRROR]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory) -> Replay:
    base = tmp_path_factory.mktemp("replay")
    project = copy_frozen_project(base / "project")
    config = project / "mkdocs.yml"  # every entry in the feeds, so that every date can be checked there
    config.write_text(config.read_text(encoding="utf-8").replace("      limit: 50\n      tag_limit: 20\n",
                                                                  "      limit: 0\n      tag_limit: 0\n"),
                      encoding="utf-8")
    results = []
    for number, version in enumerate(versions(), start=1):
        argv = ["--root", str(project), "sync", "--from", str(version.path), "--commit", version.commit,
                "--committed", version.committed.isoformat(), "--no-audio", "--allow-shrink"]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            assert main(argv) == 0, (version.path.name, err.getvalue())
        assert (project / MIRROR).read_bytes() == version.path.read_bytes()
        write_arrivals(project / ARRIVALS_FILE, replay(number))  # what sync records (arrival_replay)
        catalog = build_catalog(SiteLayout(project))
        plan = plan_site(catalog, SiteLayout(project))
        renderer = SiteRenderer(catalog, plan, project / "overrides")
        for page in plan.pages:  # every generated page renders
            assert renderer.generated_markdown(page), page.src_uri
        writer = FeedWriter(catalog, FeedOptions(site_url="https://example.org/", site_name="站"))
        results.append(VersionResult(
            version.path.name, raw_links(version.path), catalog,
            renderer.page_markdown("share/index.md", ""),
            {e.anchor: writer.item(e).published for e in catalog.entries if e.source.path == MIRROR}))
        if number == 1:
            build_in_process(project, base / "empty-site")
    build_in_process(project, base / "site")
    return Replay(project, base / "site", base / "empty-site", results, first_seen())


# -- the ledger ---------------------------------------------------------------------------------------------------


def test_the_frozen_projects_ledger_is_the_replay_of_the_22_versions():
    ledger, problems = read_arrivals(FROZEN)
    assert problems == [] and ledger == replay()
    days = Counter(when.date().isoformat() for when in ledger.values())
    assert days == {"2025-09-12": 1, "2025-09-13": 6, "2025-09-25": 12, "2025-09-27": 2, "2025-11-06": 15}


# -- every version ------------------------------------------------------------------------------------------------


def test_every_version_dates_every_entry_by_its_first_commit_and_loses_none(replayed):
    assert len(replayed.results) == 22
    for version, result in zip(versions(), replayed.results):
        name, catalog = result.name, result.catalog
        assert len(result.headings) == version.headings, name
        mirrored = replayed.mirrored(result)
        duplicates = sum(1 for duplicate, _ in catalog.duplicates if duplicate.source.path == MIRROR)
        assert len(mirrored) + duplicates == len(result.headings), name  # every heading is an entry
        assert {e.link for e in mirrored} == set(result.headings), name  # what upstream lists, no more, no less
        assert [p for p in catalog.problems if p.severity == "error"] == [], name  # so a strict build passes
        assert not [p for p in catalog.problems if "arrival" in p.message], name  # the ledger knows every entry
        anchors = Counter(re.findall(r"\{#(a-[0-9a-f]{8}[-\d]*)\}", result.share_markdown))
        assert all(anchors[e.anchor] == 1 for e in mirrored), name  # each shown exactly once
        for entry in mirrored:
            arrived = replayed.expected[entry.link]
            assert entry.arrived == arrived and entry.date.iso == arrived.date().isoformat(), (name, entry.title)
            assert result.feed_dates[entry.anchor] == arrived, (name, entry.title)  # with the commit's time of day
            assert f'<time datetime="{arrived.isoformat()}">{arrived.date().isoformat()}</time>' in \
                result.share_markdown, (name, entry.title)
        week_of = {entry.anchor: week.key for week in catalog.weeks for entry in week.entries}
        for entry in mirrored:
            year, number, _ = replayed.expected[entry.link].date().isocalendar()
            assert week_of[entry.anchor] == f"{year}-W{number:02d}", (name, entry.title)


def test_an_article_keeps_its_first_date_while_later_versions_list_it(replayed):
    dates: dict[str, set[str]] = {}
    for result in replayed.results:
        for entry in replayed.mirrored(result):
            dates.setdefault(entry.link, set()).add(entry.date.iso)
    assert all(len(days) == 1 for days in dates.values())
    assert Counter(next(iter(days)) for days in dates.values()) == {
        "2025-09-12": 1, "2025-09-13": 6, "2025-09-25": 12, "2025-09-27": 2, "2025-11-06": 15}


# -- the built site of the last version ---------------------------------------------------------------------------


def test_the_first_version_lists_nothing_and_still_builds(replayed):
    html = (replayed.empty_site / "share/index.html").read_text(encoding="utf-8")
    assert 'class="llm-entry-meta__line"' not in html
    assert (replayed.empty_site / "weekly/index.html").is_file()
    assert (replayed.empty_site / "feeds/weekly.xml").is_file()


def test_every_share_entry_shows_its_date_on_its_page(replayed):
    html = (replayed.site / "share/index.html").read_text(encoding="utf-8")
    shown = {anchor: (moment, text) for anchor, moment, text in DATED_SHARE.findall(html)}
    for entry in replayed.mirrored():
        arrived = replayed.expected[entry.link]
        assert shown[entry.anchor] == (arrived.isoformat(), arrived.date().isoformat()), entry.title
    assert len(shown) == len(replayed.mirrored()) == 36


def site_path(url: str, home: str) -> str:
    assert url.startswith(home), (url, home)
    return url[len(home):]


def site_root(replayed) -> str:
    """The site's address, as the feeds write it (the site feed's <link> is the home page)."""
    return etree.parse(str(replayed.site / "feeds/feed.xml")).getroot().find("channel").findtext("link")


def entries_by_site_url(replayed) -> dict[str, Entry]:
    return {f"{page_url(e.page)}#{e.anchor}": e for e in replayed.catalog.entries}


def rss_dates(path: Path) -> dict[str, dt.datetime]:
    """guid -> pubDate of an RSS feed."""
    channel = etree.parse(str(path)).getroot().find("channel")
    return {item.findtext("guid"): parsedate_to_datetime(item.findtext("pubDate")) for item in channel.iter("item")}


def assert_dated_like_their_entries(replayed, dates: dict[str, dt.datetime], feed: str) -> set[str]:
    entries, home = entries_by_site_url(replayed), site_root(replayed)
    seen = set()
    for url, published in dates.items():
        entry = entries[site_path(url, home)]
        assert published == entry.published_at, (feed, entry.title)
        if entry.source.path == MIRROR:
            assert published == replayed.expected[entry.link], (feed, entry.title)  # the commit's date and time
            assert published.utcoffset() == dt.timedelta(hours=8), feed  # in the commit's own offset
        seen.add(entry.anchor)
    return seen


def test_rss_atom_and_json_feeds_date_every_entry_by_its_arrival(replayed):
    mirrored = {e.anchor for e in replayed.mirrored()}
    rss = rss_dates(replayed.site / "feeds/feed.xml")
    assert mirrored <= assert_dated_like_their_entries(replayed, rss, "RSS")
    atom = etree.parse(str(replayed.site / "feeds/atom.xml")).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    atom_dates = {entry.findtext("a:id", namespaces=ns): dt.datetime.fromisoformat(entry.findtext("a:published",
                                                                                                  namespaces=ns))
                  for entry in atom.findall("a:entry", ns)}
    assert mirrored <= assert_dated_like_their_entries(replayed, atom_dates, "Atom")
    data = json.loads((replayed.site / "feeds/feed.json").read_text(encoding="utf-8"))
    json_dates = {item["id"]: dt.datetime.fromisoformat(item["date_published"]) for item in data["items"]}
    assert mirrored <= assert_dated_like_their_entries(replayed, json_dates, "JSON")
    newest = max(e.published_at for e in replayed.catalog.entries)
    channel = etree.parse(str(replayed.site / "feeds/feed.xml")).getroot().find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == newest


def test_every_tag_feed_dates_its_entries_by_their_arrival(replayed):
    seen = set()
    for tag in replayed.catalog.tags.values():
        dates = rss_dates(replayed.site / "feeds/tags" / f"{tag.slug}.xml")
        assert len(dates) == len(tag.entries), tag.slug
        seen |= assert_dated_like_their_entries(replayed, dates, tag.slug)
    assert {e.anchor for e in replayed.mirrored()} <= seen


def test_podcast_episodes_are_dated_by_their_entries_arrival(replayed):
    channel = etree.parse(str(replayed.site / "feeds/podcast.xml")).getroot().find("channel")
    dates = {item.findtext("link"): parsedate_to_datetime(item.findtext("pubDate")) for item in channel.iter("item")}
    seen = assert_dated_like_their_entries(replayed, dates, "podcast")
    with_audio = {e.anchor for e in replayed.mirrored() if e.audio}
    assert with_audio and with_audio <= seen
    assert len(dates) == len({episode.entry.anchor for episode in audio_episodes(replayed.catalog)})


def test_each_week_has_a_page_listing_its_entries_newest_first_with_its_neighbours(replayed):
    weeks = replayed.catalog.weeks
    expected: dict[str, list[Entry]] = {}
    for entry in sorted(replayed.catalog.entries, key=lambda e: e.sort_key, reverse=True):
        if entry.date is not None and entry.date.day is not None:
            year, number, _ = dt.date.fromisoformat(entry.date.iso).isocalendar()
            expected.setdefault(f"{year}-W{number:02d}", []).append(entry)
    assert [week.key for week in weeks] == sorted(expected, reverse=True)
    assert {e.anchor for e in replayed.mirrored()} <= {e.anchor for w in weeks for e in w.entries}
    index = (replayed.site / "weekly/index.html").read_text(encoding="utf-8")
    for position, week in enumerate(weeks):
        page = (replayed.site / "weekly" / week.key / "index.html").read_text(encoding="utf-8")
        start = page.index('<ol class="llm-list">')
        body = page[start:page.index("</ol>", start)]
        assert re.findall(r'class="llm-item__title" href="[^"#]*#([^"]+)"', body) == [
            e.anchor for e in expected[week.key]], week.key
        older = weeks[position + 1] if position + 1 < len(weeks) else None
        newer = weeks[position - 1] if position else None
        for rel, neighbour in (("prev", older), ("next", newer)):
            assert re.findall(f'<a rel="{rel}" href="([^"]+)"', page) == (
                [f"../{neighbour.key}/"] * 2 if neighbour else []), (week.key, rel)  # above and below the list
        assert f'href="{week.key}/">{week.label} · {week.days_label}</a> <span class="llm-count">' \
               f'{len(week.entries)} 篇</span>' in index
    nov = next(w for w in weeks if w.key == "2025-W45")
    assert (nov.title, nov.days_label, len(nov.entries)) == ("2025 年第 45 周", "11月3日–11月9日", 15)


def test_the_weekly_feed_has_one_item_per_week_titled_and_listing_its_entries(replayed):
    weeks = replayed.catalog.weeks
    channel = etree.parse(str(replayed.site / "feeds/weekly.xml")).getroot().find("channel")
    items = list(channel.iter("item"))
    root = channel.findtext("link").rsplit("weekly/", 1)[0]
    assert len(items) == min(len(weeks), WEEKS_IN_FEED)
    content_ns = "{http://purl.org/rss/1.0/modules/content/}encoded"
    for week, item in zip(weeks, items):
        monday = dt.date.fromisocalendar(week.year, week.number, 1)
        sunday = monday + dt.timedelta(days=6)
        assert item.findtext("title") == (f"第 {week.number} 周 · {monday.month}月{monday.day}日–{sunday.month}月"
                                          f"{sunday.day}日 · {len(week.entries)} 篇")
        assert item.findtext("link").endswith(f"/weekly/{week.key}/") and item.findtext("guid") == item.findtext("link")
        assert parsedate_to_datetime(item.findtext("pubDate")) == max(e.published_at for e in week.entries)
        content = item.findtext(content_ns)
        listed = [html.unescape(href) for href in re.findall(r'<li><a href="([^"]+)"', content)]
        assert listed == [e.link or f"{root}{page_url(e.page)}#{e.anchor}" for e in week.entries], week.key
        text = html.unescape(content)
        assert all(entry.excerpt in text for entry in week.entries), week.key
    nov = next(item for item in items if "/weekly/2025-W45/" in item.findtext("link"))
    assert nov.findtext("title") == "第 45 周 · 11月3日–11月9日 · 15 篇"
    assert nov.findtext("pubDate") == "Thu, 06 Nov 2025 23:50:49 +0800"


def test_weekly_pages_join_the_plan_and_the_index_joins_the_navigation(replayed):
    plan = plan_site(replayed.catalog, SiteLayout(replayed.project))
    assert [p.src_uri for p in plan.pages if p.kind is PageKind.WEEK] == [
        f"weekly/{week.key}/index.md" for week in replayed.catalog.weeks]
    home = (replayed.site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-tabs"'):]
    nav = nav[:nav.index("</nav>")]
    assert 'href="weekly/"' in nav and "每周" in nav
    assert "weekly/2025-W45" not in nav  # the weeks are reached from the index, like tags
    share = [e for e in replayed.catalog.entries if e.kind is SourceKind.SHARE]
    assert len(share) == 36
