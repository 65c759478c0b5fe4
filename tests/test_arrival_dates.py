"""Every entry knows the day it arrived: upstream's 22 versions replayed with their dates.

Each version is synced into a copy of the frozen project with its commit and time (``sync --committed``), whose
ledger must be the replay's (``arrival_replay.replay``: each new entry at its version's commit time). Every version
is checked at the catalog, render and feed level (no MkDocs build: 22 of them took 35 s); the first (an empty list)
and the last are built strictly, and the last one's pages, feeds, weekly pages and ``feeds/weekly.xml`` are read
back. The dates expected are found independently of the parser: an article's date is the commit time of the first
version whose raw text holds its link.
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
from conftest import build_in_process as build_mkdocs_in_process
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
from llminfra.render.excerpts import excerpt_of
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
    from mkdocs.config import load_config

    # strict: Abort on any warning
    build_mkdocs_in_process(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True))


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
    (project / ARRIVALS_FILE).unlink()  # sync builds the ledger afresh, version by version
    results = []
    for number, version in enumerate(versions(), start=1):
        argv = ["--root", str(project), "sync", "--from", str(version.path), "--commit", version.commit,
                "--committed", version.committed.isoformat(), "--no-audio", "--allow-shrink"]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            assert main(argv) == 0, (version.path.name, err.getvalue())
        assert (project / MIRROR).read_bytes() == version.path.read_bytes()
        assert read_arrivals(project) == (replay(number), []), version.path.name  # sync records what the replay says
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
        assert all(excerpt_of(entry) in text for entry in week.entries), week.key
    nov = next(item for item in items if "/weekly/2025-W45/" in item.findtext("link"))
    assert nov.findtext("title") == "第 45 周 · 11月3日–11月9日 · 15 篇"
    assert nov.findtext("pubDate") == "Thu, 06 Nov 2025 23:50:49 +0800"


def test_weekly_pages_join_the_plan_and_the_index_joins_the_navigation(replayed):
    plan = plan_site(replayed.catalog, SiteLayout(replayed.project))
    assert [p.src_uri for p in plan.pages if p.kind is PageKind.WEEK] == [
        f"weekly/{week.key}.md" for week in replayed.catalog.weeks]
    home = (replayed.site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-tabs"'):]
    nav = nav[:nav.index("</nav>")]
    assert 'href="weekly/"' in nav and "每周" in nav
    assert "weekly/2025-W45" not in nav  # the weeks are reached from the index, like tags
    share = [e for e in replayed.catalog.entries if e.kind is SourceKind.SHARE]
    assert len(share) == 36


# -- dates from the sources ---------------------------------------------------------------------------------------

CONTRIBUTED = "docs/share/contributed.md"


def contributed(text: str):
    from llminfra.sources.sharelist import ShareListParser

    return ShareListParser().parse(CONTRIBUTED, "share/contributed.md", text)


def test_a_contributed_entry_is_dated_by_the_line_under_its_heading_with_its_explicit_tags():
    source = contributed("# 补充\n\n## 202511\n\n## [甲](https://e.com/a)\n2025-11-18 | #vllm #KV-cache\n\n摘要甲。\n\n"
                         "## [乙](https://e.com/b)\n\n２０２５-１１-０３\n\n摘要乙。\n")
    assert source.problems == []
    first, second = source.entries
    assert (first.date.iso, first.listed_month.month_key, first.explicit_tags) == ("2025-11-18", "2025-11",
                                                                                  ["vllm", "KV-cache"])
    assert first.summary == "摘要甲。" and first.arrived is None
    assert (second.date.iso, second.summary) == ("2025-11-03", "摘要乙。")  # full-width digits, blank line above
    assert first.published_at == dt.datetime(2025, 11, 18, 12, tzinfo=dt.timezone.utc)  # a day: noon UTC
    assert first.iso_time == "2025-11-18"


@pytest.mark.parametrize("line, message", [
    ("2025-11-31", "date '2025-11-31' does not parse"),
    ("2025-11", "date '2025-11' does not parse"),
    ("2025-11-18 | vllm", "tag 'vllm' does not start with #"),
])
def test_a_bad_date_line_is_an_error_and_not_summary(line, message):
    source = contributed(f"## 202511\n\n## [甲](https://e.com/a)\n{line}\n\n摘要。\n")
    assert [(p.line, p.message, p.severity) for p in source.problems] == [(4, message, "error")]
    assert source.entries[0].summary == "摘要。"


def test_a_contributed_entry_without_a_date_line_is_an_error_that_says_how_to_add_it(tmp_path):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/share/contributed.md").write_text(
        "## 202511\n\n## [有日期](https://e.com/a)\n2025-11-18\n\n摘要。\n\n## [手写的](https://e.com/b)\n\n摘要。\n",
        encoding="utf-8")
    catalog = build_catalog(SiteLayout(tmp_path))
    (problem,) = catalog.problems
    assert (problem.path, problem.line, problem.severity) == (CONTRIBUTED, 8, "error")
    assert problem.message == "entry '手写的' has no valid date line" and "2025-11-18" in problem.hint
    undated = next(e for e in catalog.entries if e.title == "手写的")
    assert undated.date.iso == "2025-11" and undated.page == "share/contributed.md"  # still shown, by its month


def test_the_mirror_never_reads_a_date_line_and_reports_missing_arrivals_once(tmp_path):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / MIRROR).write_text("# 上游\n\n## 202511\n\n## [甲](https://e.com/a)\n2025-11-18\n\n摘要。\n\n"
                                   "## [乙](https://e.com/b)\n\n摘要。\n", encoding="utf-8")
    catalog = build_catalog(SiteLayout(tmp_path))
    first, second = catalog.entries
    assert first.summary.startswith("2025-11-18") and first.date.iso == "2025-11" and first.arrived is None
    (notice,) = catalog.problems
    assert (notice.path, notice.line, notice.severity) == (MIRROR, 5, "notice")
    assert notice.message == "no arrival time in data/arrivals.yml for 2 of its entries"
    assert catalog.weeks == []  # known only to their month: in no week


def test_a_mirror_entry_takes_its_arrival_in_its_own_offset_and_keeps_its_month_heading(tmp_path):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / MIRROR).write_text("# 上游\n\n## 202510\n\n## [甲](https://e.com/a)\n\n摘要。\n", encoding="utf-8")
    when = dt.datetime.fromisoformat("2025-11-01T00:30:00+08:00")  # still October 31 in UTC
    write_arrivals(tmp_path / ARRIVALS_FILE, {"https://e.com/a": when})
    catalog = build_catalog(SiteLayout(tmp_path))
    (entry,) = catalog.entries
    assert (entry.date.iso, entry.listed_month.month_key, entry.arrived) == ("2025-11-01", "2025-10", when)
    assert [m.key for m in catalog.months] == ["2025-11"]  # the archive files it by its date
    assert [w.key for w in catalog.weeks] == ["2025-W44"]
    assert "{#m-2025-10}" in SiteRenderer(catalog, plan_site(catalog, SiteLayout(tmp_path)),
                                          Path(__file__).parents[1] / "overrides").page_markdown("share/index.md", "")


def test_an_article_contributed_before_upstream_listed_it_keeps_the_earlier_date(tmp_path):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / MIRROR).write_text("# 上游\n\n## 202511\n\n## [甲](https://e.com/a)\n\n摘要。\n", encoding="utf-8")
    (tmp_path / "docs/share/contributed.md").write_text("## 202511\n\n## [甲](https://e.com/a)\n2025-11-02\n\n摘要。\n",
                                                       encoding="utf-8")
    upstream_listed = dt.datetime.fromisoformat("2025-11-09T10:00:00+08:00")
    write_arrivals(tmp_path / ARRIVALS_FILE, {"https://e.com/a": upstream_listed})
    (entry,) = build_catalog(SiteLayout(tmp_path)).entries
    assert entry.source.path == MIRROR and entry.date.iso == "2025-11-02" and entry.arrived is None


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+08:00", "2025-11-06",
                                   "2025-11-06T23:50:49", "yesterday", "2025-11-06T23:50:49+25:00"])
def test_a_ledger_time_that_is_not_a_moment_in_the_calendar_is_reported_not_used(tmp_path, value):
    (tmp_path / "data").mkdir()
    (tmp_path / ARRIVALS_FILE).write_text(f"https://e.com/a: '{value}'\n", encoding="utf-8")
    arrivals, problems = read_arrivals(tmp_path)
    assert arrivals == {} and [(p.path, p.line) for p in problems] == [(ARRIVALS_FILE, 1)]


def test_the_site_dates_an_arrival_in_whole_seconds(tmp_path):
    """sync without --committed records its own clock, fractions of a second included; pages, feeds and the script
    compare whole seconds (the ledger keeps what sync wrote)."""
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / MIRROR).write_text("# 上游\n\n## 202511\n\n## [甲](https://e.com/a)\n\n摘要。\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / ARRIVALS_FILE).write_text("https://e.com/a: '2025-11-06T23:50:49.75+08:00'\n", encoding="utf-8")
    assert read_arrivals(tmp_path)[0]["https://e.com/a"].microsecond == 750000
    (entry,) = build_catalog(SiteLayout(tmp_path)).entries
    assert entry.iso_time == "2025-11-06T23:50:49+08:00"


def _entry(kind: SourceKind, date, position: int = 0, arrived: dt.datetime | None = None) -> Entry:
    from llminfra.domain.model import PartialDate, SourceLocation

    return Entry(kind, f"t{position}", None, PartialDate(*date), SourceLocation("x.md", position + 1), "x.md",
                 f"a-{position}", position=position, arrived=arrived)


def test_listings_sort_by_the_day_shown_then_the_moment_then_the_list_order():
    late_evening = dt.datetime.fromisoformat("2025-11-06T23:50:49+08:00")  # 15:50 UTC
    entries = [
        _entry(SourceKind.SHARE, (2025, 11, 6), 0, late_evening),
        _entry(SourceKind.SHARE, (2025, 11, 6), 1, late_evening),
        _entry(SourceKind.NOTE, (2025, 11, 6), 2),  # noon UTC, earlier than 15:50 UTC
        # 07:00 on the 7th in +08:00 is still the 6th in UTC: the day shown decides, not the instant
        _entry(SourceKind.SHARE, (2025, 11, 7), 3, dt.datetime.fromisoformat("2025-11-07T07:00:00+08:00")),
        _entry(SourceKind.SHARE, (2025, 11), 4),  # its month only: after the days of that month
    ]
    order = sorted(entries, key=lambda e: e.sort_key, reverse=True)
    assert [e.position for e in order] == [3, 0, 1, 2, 4]


# -- weeks --------------------------------------------------------------------------------------------------------


def test_iso_weeks_run_monday_to_sunday_and_cross_years_with_their_iso_year():
    from llminfra.domain.weeks import weekly_issues

    days = [(2025, 11, 17), (2025, 11, 23), (2025, 11, 24), (2025, 12, 29), (2026, 1, 4), (2024, 12, 30)]
    weeks = weekly_issues(sorted((_entry(SourceKind.NOTE, day, n) for n, day in enumerate(days)),
                                 key=lambda e: e.sort_key, reverse=True))
    assert [(w.key, len(w.entries)) for w in weeks] == [("2026-W01", 2), ("2025-W48", 1), ("2025-W47", 2),
                                                         ("2025-W01", 1)]
    w47 = weeks[2]
    assert (w47.title, w47.days_label, w47.feed_title) == ("2025 年第 47 周", "11月17日–11月23日",
                                                           "第 47 周 · 11月17日–11月23日 · 2 篇")
    assert weeks[0].days_label == "12月29日–1月4日" and weeks[-1].title == "2025 年第 1 周"
    assert (w47.newer, w47.older) == (weeks[1], weeks[3]) and weeks[0].newer is None and weeks[-1].older is None


def test_a_weeks_arrivals_count_the_entries_of_each_moment():
    from llminfra.domain.weeks import weekly_issues
    from llminfra.render.generated_pages import arrival_times

    commit = dt.datetime.fromisoformat("2025-11-06T23:50:49+08:00")
    entries = [_entry(SourceKind.SHARE, (2025, 11, 6), n, commit) for n in range(15)]
    entries.append(_entry(SourceKind.SERIES, (2025, 11, 4), 15))
    (week,) = weekly_issues(sorted(entries, key=lambda e: e.sort_key, reverse=True))
    noon = dt.datetime(2025, 11, 4, 12, tzinfo=dt.timezone.utc)  # a series date: noon UTC
    assert arrival_times(week) == f"{int(commit.timestamp())}*15 {int(noon.timestamp())}"


def test_the_weekly_feed_escapes_what_titles_and_excerpts_hold(tmp_path):
    from llminfra.publish.weekly_feed import weekly_feed
    from llminfra.render.options import RenderOptions
    from llminfra.render.templates import TemplateRenderer

    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/share/contributed.md").write_text(
        "## 202511\n\n## [标题 ]]> <script>alert(1)</script> & 更多](https://e.com/a?x=1&y=]]>)\n2025-11-18\n\n"
        "摘要 ]]> <b>粗</b> &amp; 完。\n", encoding="utf-8")
    catalog = build_catalog(SiteLayout(tmp_path))
    templates = TemplateRenderer(catalog, Path(__file__).parents[1] / "overrides", RenderOptions())
    xml = weekly_feed(catalog, FeedOptions(site_url="https://example.org/", site_name="站"), templates)
    item = etree.fromstring(xml).find("channel/item")
    content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert "<script>" not in content and "&lt;script&gt;" in content  # the title is text in the item's HTML
    assert item.findtext("title") == "第 47 周 · 11月17日–11月23日 · 1 篇"
    assert etree.fromstring(f"<div>{content}</div>".encode(), etree.HTMLParser()) is not None


def test_the_weekly_index_lists_every_week_once_five_years_a_page(tmp_path):
    from llminfra.domain.site_plan import WEEKLY_INDEX_PAGE_SIZE

    (tmp_path / "docs/share").mkdir(parents=True)
    weeks = WEEKLY_INDEX_PAGE_SIZE + 5
    mondays = [dt.date(2025, 11, 17) - dt.timedelta(weeks=n) for n in range(weeks)]
    lines = []
    for day in mondays:  # newest first, a month heading where the month changes
        heading = f"## {day.year:04d}{day.month:02d}"
        if heading not in lines:
            lines += [heading, ""]
        lines += [f"## [第 {day.isoformat()} 篇](https://e.com/{day.isoformat()})", day.isoformat(), "", "摘要。", ""]
    (tmp_path / "docs/share/contributed.md").write_text("\n".join(lines), encoding="utf-8")
    layout = SiteLayout(tmp_path)
    catalog = build_catalog(layout)
    assert catalog.errors == [] and len(catalog.weeks) == weeks
    plan = plan_site(catalog, layout)
    index = [page for page in plan.pages if page.kind is PageKind.WEEKLY_INDEX]
    assert [page.src_uri for page in index] == ["weekly/index.md", "weekly/2/index.md"]
    renderer = SiteRenderer(catalog, plan, Path(__file__).parents[1] / "overrides")
    first, second = (renderer.listing_body(page) for page in index)
    listed = re.findall(r'<li data-llm-times="[^"]+"><a href="(?:\.\./)?([^"]+)/"', first + second)
    assert listed == [week.key for week in catalog.weeks]
    assert len(re.findall("data-llm-times", first)) == WEEKLY_INDEX_PAGE_SIZE
    assert "data-llm-since" in first and "data-llm-since" not in second  # the count is the newest page's
    assert 'rel="next" href="2/"' in first and 'rel="prev" href="../"' in second
