"""The pages of the site plan as markdown head plus body: listings from templates, older parts from sources.

``head`` is the page's front matter and ``# title``; ``listing_body`` renders
a listing page's template (``PlannedPage.template``) with the context that
page kind needs. Under MkDocs the head is the page's file and the body goes
into the page's template (``llminfra/generated-page.html``); the export
writes head and body together as one markdown file.
"""

from __future__ import annotations

import time

import yaml

from llminfra.domain.catalog import Catalog, MonthIndex
from llminfra.domain.episodes import Episode, audio_episodes, format_duration, listening_time
from llminfra.domain.model import Entry, SourceKind
from llminfra.domain.site_plan import (
    LISTEN_PAGE_SIZE,
    TAG_PAGE_SIZE,
    WEEKLY_INDEX_PAGE_SIZE,
    YEAR_FULL_ITEMS,
    PageKind,
    PlannedPage,
    archive_years,
    page_slice,
    tag_page_size,
)
from llminfra.domain.urls import WEEKLY_RSS, listen_page, relative_url, tag_feed_path, tag_page, weekly_page
from llminfra.domain.weeks import WEEK_FULL_ITEMS, WeekIndex
from llminfra.render.markdown_text import escape_markdown
from llminfra.render.source_pages import SourcePageRenderer
from llminfra.render.templates import TemplateRenderer

# The MkDocs page template of listing pages: the theme's page with the rendered body after the title.
LISTING_PAGE_TEMPLATE = "llminfra/generated-page.html"
CHART_MONTHS = 36


class GeneratedPageRenderer:
    def __init__(self, catalog: Catalog, templates: TemplateRenderer, source_pages: SourcePageRenderer):
        self.catalog = catalog
        self.templates = templates
        self.source_pages = source_pages
        self.seconds = 0.0  # spent rendering listing bodies
        self._years: dict[int, tuple[list[MonthIndex], int | None, int | None]] | None = None
        self._episodes: tuple[list[Episode], object] | None = None
        # The template context of each kind of listing.
        self._contexts = {PageKind.TAGS_INDEX: self._tags_index, PageKind.TAG: self._tag,
                          PageKind.ARCHIVE_INDEX: self._archive_index, PageKind.YEAR: self._year,
                          PageKind.NOTES_INDEX: self._notes_index, PageKind.LISTEN: self._listen,
                          PageKind.WEEKLY_INDEX: self._weekly_index, PageKind.WEEK: self._week}

    def head(self, page: PlannedPage, page_template: bool = False) -> str:
        """Front matter and title. ``page_template``: name the MkDocs template that shows the listing body."""
        meta: dict = {"title": page.title, "description": page.description}
        if page.feed:
            meta["feed"] = page.feed  # autodiscovery link in <head>
        if page.is_listing:
            meta["search"] = {"exclude": True}
            if page_template:
                meta["template"] = LISTING_PAGE_TEMPLATE
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        return f"---\n{front}---\n\n# {escape_markdown(page.title)}\n\n"

    def body(self, page: PlannedPage) -> str:
        """The page's body: template HTML for a listing, markdown for an older part."""
        if page.part is not None:
            return self.source_pages.part_markdown(page.part)
        return self.listing_body(page)

    def markdown(self, page: PlannedPage) -> str:
        """The whole page as one markdown file (the export, and ``mkdocs serve --dirty``'s change check)."""
        return f"{self.head(page)}{self.body(page)}\n"

    def listing_body(self, page: PlannedPage) -> str:
        started = time.perf_counter()
        context = self._contexts[page.kind](page)
        html = self.templates.render(page.template, page.src_uri, **context)
        self.seconds += time.perf_counter() - started
        return html

    # -- the context of each kind of listing ------------------------------------

    def _tags_index(self, page: PlannedPage) -> dict:
        tags = sorted(self.catalog.tags.values(), key=lambda t: (-len(t.entries), t.name.casefold()))
        return {"tags": tags, "max_count": max((len(t.entries) for t in tags), default=1)}

    def _tag(self, page: PlannedPage) -> dict:
        tag = page.tag
        size = tag_page_size(len(tag.entries))
        chunk = tag.entries[page_slice(page, size)]
        one_line = size != TAG_PAGE_SIZE
        return {
            "tag": tag, "entries": chunk, "page_number": page.number, "page_count": page.count,
            "one_line": one_line, "year_groups": year_groups(chunk) if one_line else [],
            "page_src": lambda n, slug=tag.slug: tag_page(slug, n),
            "feed_href": relative_url(self.templates.here(page.src_uri), tag_feed_path(tag.slug)),
        }

    def _archive_index(self, page: PlannedPage) -> dict:
        months = self.catalog.months
        return {"months": months, "years": archive_years(months), "chart": month_chart(months[:CHART_MONTHS])}

    def _year(self, page: PlannedPage) -> dict:
        if self._years is None:
            years = archive_years(self.catalog.months)
            self._years = {year: (months, years[i - 1][0] if i > 0 else None,
                                  years[i + 1][0] if i + 1 < len(years) else None)
                           for i, (year, months) in enumerate(years)}
        months, newer, older = self._years[page.year]
        total = sum(len(month.entries) for month in months)
        return {"year": page.year, "months": months, "total": total, "newer": newer, "older": older,
                "one_line": total > YEAR_FULL_ITEMS}

    def _weekly_index(self, page: PlannedPage) -> dict:
        weeks = self.catalog.weeks
        years: list[tuple[int, list[WeekIndex]]] = []
        for week in weeks[page_slice(page, WEEKLY_INDEX_PAGE_SIZE)]:
            if not years or years[-1][0] != week.year:
                years.append((week.year, []))
            years[-1][1].append(week)
        return {"weeks": weeks, "years": years, "total": sum(len(week.entries) for week in weeks),
                "week_src": lambda week: weekly_page(week.key), "arrival_times": arrival_times,
                "page_number": page.number, "page_count": page.count,
                "page_src": lambda number: weekly_page(page_number=number),
                "feed_href": relative_url(self.templates.here(page.src_uri), WEEKLY_RSS)}

    def _week(self, page: PlannedPage) -> dict:
        week = page.week
        return {"week": week, "full": week.entries[:WEEK_FULL_ITEMS], "rest": week.entries[WEEK_FULL_ITEMS:],
                "week_src": lambda other: weekly_page(other.key), "index_src": weekly_page()}

    def _notes_index(self, page: PlannedPage) -> dict:
        notes = []
        for source in self.catalog.sources:
            if source.kind is SourceKind.NOTE:
                meta = source.text.meta
                notes.append({
                    "page": source.page,
                    "title": str(meta.get("title") or source.page),
                    "date": str(meta.get("date") or ""),
                    "description": str(meta.get("description") or ""),
                    "kept": len(source.entries),
                })
        notes.sort(key=lambda n: n["date"], reverse=True)
        return {"notes": notes}

    def _listen(self, page: PlannedPage) -> dict:
        if self._episodes is None:  # the same for every page of 收听
            episodes = audio_episodes(self.catalog)
            self._episodes = (episodes, listening_time(episodes))
        episodes, listening = self._episodes
        return {
            "episodes": episodes[page_slice(page, LISTEN_PAGE_SIZE)], "total": len(episodes),
            "first": (page.number - 1) * LISTEN_PAGE_SIZE + 1, "page_number": page.number,
            "page_count": page.count, "page_src": listen_page, "duration": format_duration,
            "audio_src": lambda clip: self.source_pages.audio_src(page.src_uri, clip.src),
            "listening": listening,
        }

    def release_caches(self) -> None:
        self._years = self._episodes = None


def arrival_times(week: WeekIndex) -> str:
    """A week's arrivals for the "new since your last visit" script: ``1762444249*15 1762300000``.

    Seconds since 1970 UTC, newest first, ``*n`` where n entries share the moment (those of one upstream commit).
    """
    return " ".join(f"{moment}*{count}" if count > 1 else str(moment) for moment, count in week.arrivals)


def year_groups(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """Consecutive entries of the same year, with the year's label (entries without a date come last)."""
    groups: list[tuple[str, list[Entry]]] = []
    for entry in entries:
        label = f"{entry.date.year} 年" if entry.date else "日期未知"
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(entry)
    return groups


def month_chart(months: list[MonthIndex]) -> dict:
    """Bar geometry for the archive chart, oldest month on the left."""
    ordered = list(reversed(months))
    peak = max((len(m.entries) for m in ordered), default=1)
    width, height, gap = 18, 80, 4
    bars = []
    for i, month in enumerate(ordered):
        h = max(2, round(height * len(month.entries) / peak))
        bars.append({"month": month, "x": i * (width + gap), "y": height - h, "w": width, "h": h})
    return {"bars": bars, "width": max(1, len(ordered) * (width + gap) - gap), "height": height, "peak": peak}
