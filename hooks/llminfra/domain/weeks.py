"""Weekly issues: the entries of each ISO week (Monday to Sunday), by the day each entry is dated.

A week is named by its ISO year and number (``2025-W47``): its page is ``weekly/2025-W47/``, its feed item is
titled 「第 47 周 · 11月17日–11月23日 · 16 篇」. Only entries dated to a day belong to a week; a mirror entry
known only to its month (missing from ``data/arrivals.yml``) is in no week, and the catalog reports it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from llminfra.domain.model import Entry

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
# A week with up to this many entries lists them with their excerpts, on its page and in its feed item; a busier
# one (a first sync of a long list) lists the rest by title, so that neither grows without bound.
WEEK_FULL_ITEMS = 150


@dataclass(eq=False)  # one object per week, linked to its neighbours
class WeekIndex:
    year: int  # ISO year (the week 2026-W01 starts on 2025-12-29)
    number: int  # ISO week, 1–53
    entries: list[Entry]  # newest first
    newer: WeekIndex | None = field(default=None, repr=False)  # the next week that has entries
    older: WeekIndex | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-W{self.number:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 7)

    @property
    def days_label(self) -> str:
        """``11月17日–11月23日``."""
        return f"{_day_label(self.monday)}–{_day_label(self.sunday)}"

    @property
    def label(self) -> str:
        """``第 47 周``: the week among its year's (the page title adds the year)."""
        return f"第 {self.number} 周"

    @property
    def title(self) -> str:
        """The week's page: ``2025 年第 47 周``."""
        return f"{self.year} 年第 {self.number} 周"

    @property
    def feed_title(self) -> str:
        """The week's item in feeds/weekly.xml: ``第 47 周 · 11月17日–11月23日 · 16 篇``."""
        return f"{self.label} · {self.days_label} · {len(self.entries)} 篇"

    @property
    def kinds(self) -> list[tuple[str, int]]:
        """(source label, entries) in the order the kinds first appear, newest first."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.kind.label] = counts.get(entry.kind.label, 0) + 1
        return list(counts.items())

    @property
    def kinds_text(self) -> str:
        """``好文分享 15 篇、系列文章 1 篇``."""
        return "、".join(f"{label} {count} 篇" for label, count in self.kinds)

    @property
    def arrivals(self) -> list[tuple[int, int]]:
        """(seconds since 1970 UTC, entries) of each moment entries arrived this week, newest first.

        Entries that one upstream commit added share a moment, and days without a time share noon: a week has
        a few moments however many entries it has. The "new since your last visit" script counts with them.
        """
        counts: dict[int, int] = {}
        for entry in self.entries:
            moment = epoch_seconds(entry.published_at)
            counts[moment] = counts.get(moment, 0) + 1
        return sorted(counts.items(), reverse=True)


def _day_label(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def epoch_seconds(moment: dt.datetime) -> int:
    """Whole seconds since 1970 UTC (arrival times are whole seconds)."""
    return (moment - EPOCH) // dt.timedelta(seconds=1)


def iso_week(entry: Entry) -> tuple[int, int] | None:
    """(ISO year, week) of the day the entry is dated; None without a day."""
    date = entry.date
    if date is None or date.day is None:
        return None
    year, week, _ = dt.date(date.year, date.month, date.day).isocalendar()
    return year, week


def weekly_issues(newest_first: Iterable[Entry]) -> list[WeekIndex]:
    """The weeks that have entries, newest first, each with its entries newest first and its neighbours."""
    grouped: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    for entry in newest_first:
        week = iso_week(entry)
        if week is not None:
            grouped[week].append(entry)
    weeks = [WeekIndex(year, number, grouped[(year, number)]) for year, number in sorted(grouped, reverse=True)]
    for newer, older in zip(weeks, weeks[1:]):
        newer.older, older.newer = older, newer
    return weeks
