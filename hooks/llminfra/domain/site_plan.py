"""The site plan: every page the build generates, with its title, pagination and edit target.

Computed from the catalog alone, without rendering anything, so that the
MkDocs adapter (which adds the pages), ``check`` (which reports files in
docs/ that a generated page would replace) and ``export`` (which writes the
pages out) share one list. Rendering a planned page is
``llminfra.render.generated_pages``.

Two kinds of generated page:

- listing pages (tags, a tag, the archive, a year, the weekly index, a week, the notes index, 收听):
  front matter and title in markdown, the body from a template under
  ``overrides/llminfra/`` (``PlannedPage.template``);
- the older parts of long source files (``PlannedPage.part``): markdown,
  rendered like the source page they come from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from llminfra.domain.catalog import Catalog, MonthIndex, TagIndex
from llminfra.domain.document import ParsedSource
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import month_label
from llminfra.domain.parts import SourcePart
from llminfra.domain.urls import WEEKLY_RSS, listen_page, tag_feed_path, tag_page, weekly_page, year_page
from llminfra.domain.weeks import WeekIndex

TAG_PAGE_SIZE = 50  # a tag with up to this many entries lists them in full on one page
# Longer tags list one line per entry under year headings (no excerpt, no tag
# chips), this many a page: a tag on most of 10,000 entries stays a few small pages.
TAG_LINES_PAGE_SIZE = 1000
LISTEN_PAGE_SIZE = 100  # episodes per page of 收听
# Weeks per page of the weekly index, five years: a site of 10,000 entries spread thin has thousands of weeks.
WEEKLY_INDEX_PAGE_SIZE = 260
# The month archive has a page per year. A year with up to this many entries lists them with their
# excerpts; a busier one lists one line per entry (a page stays well under 300 KB either way).
YEAR_FULL_ITEMS = 150

TAGS_INDEX = "tags/index.md"
ARCHIVE_INDEX = "archive/index.md"


class PageKind(Enum):
    """The kinds of generated page; a listing's value is its body's template under ``overrides/``."""

    TAGS_INDEX = "llminfra/tags-index.html"
    TAG = "llminfra/tag.html"
    ARCHIVE_INDEX = "llminfra/archive-index.html"
    YEAR = "llminfra/year.html"
    WEEKLY_INDEX = "llminfra/weekly-index.html"
    WEEK = "llminfra/week.html"
    NOTES_INDEX = "llminfra/notes-index.html"
    LISTEN = "llminfra/listen.html"
    PART = None  # an older part of a long source file: markdown, rendered like its source page

    @property
    def template(self) -> str | None:
        return self.value


@dataclass(frozen=True, eq=False)
class PlannedPage:
    """One generated page: where it is, what it is called, what it shows and where to edit it."""

    src_uri: str  # docs-relative, e.g. tags/vllm/index.md
    kind: PageKind
    title: str
    description: str
    edit_path: str | None = None  # project-relative file the content comes from, for edit links
    edit_line: int | None = None
    feed: str | None = None  # the page's own feed, announced in <head>
    number: int = 1  # page number among the pages of the same listing
    count: int = 1
    tag: TagIndex | None = None
    year: int | None = None
    week: WeekIndex | None = None
    part: SourcePart | None = None

    @property
    def template(self) -> str | None:
        """The body's template (listing pages); None for source parts."""
        return self.kind.template

    @property
    def is_listing(self) -> bool:
        return self.template is not None


@dataclass
class SitePlan:
    pages: list[PlannedPage]

    def __post_init__(self):
        self.by_src_uri = {page.src_uri: page for page in self.pages}

    def get(self, src_uri: str) -> PlannedPage | None:
        return self.by_src_uri.get(src_uri)


def plan_site(catalog: Catalog, layout: SiteLayout) -> SitePlan:
    templates = layout.templates.rstrip("/")
    pages = [_tags_index(catalog), _archive_index(catalog, templates), _notes_index(layout, templates),
             *_listen_pages(catalog, templates)]
    for parts in catalog.parts.values():
        labels = part_labels(parts) if len(parts) > 1 else {}
        pages.extend(_part_page(part, labels[part]) for part in parts if not part.is_top)
    for tag in catalog.tags.values():
        pages.extend(_tag_pages(catalog, tag))
    pages.extend(_year_page(year, months, templates) for year, months in archive_years(catalog.months))
    pages.extend(_weekly_index(catalog, templates))
    pages.extend(_week_page(week, templates) for week in catalog.weeks)
    return SitePlan(pages)


# -- pagination ------------------------------------------------------------


def tag_page_size(total: int) -> int:
    """Entries per page of a tag with ``total`` entries."""
    return TAG_PAGE_SIZE if total <= TAG_PAGE_SIZE else TAG_LINES_PAGE_SIZE


def tag_page_count(total: int) -> int:
    return max(1, math.ceil(total / tag_page_size(total)))


def listen_page_count(episodes: int) -> int:
    return max(1, math.ceil(episodes / LISTEN_PAGE_SIZE))


def page_slice(page: PlannedPage, size: int) -> slice:
    """The items of a paged listing that ``page`` shows."""
    return slice((page.number - 1) * size, page.number * size)


def archive_years(months: list[MonthIndex]) -> list[tuple[int, list[MonthIndex]]]:
    """The months (newest first) grouped by year, newest year first."""
    years: list[tuple[int, list[MonthIndex]]] = []
    for month in months:
        if not years or years[-1][0] != month.year:
            years.append((month.year, []))
        years[-1][1].append(month)
    return years


# -- titles of source files and their parts ----------------------------------


def source_title(source: ParsedSource) -> str:
    """The title of a source file's page: its front matter's, else its first ``# `` heading."""
    title = source.text.meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for line in source.text.lines:
        if line.startswith("# "):
            return line[2:].strip().rstrip("#").strip()
    return source.page


def part_label(part: SourcePart) -> str:
    """What a part holds, for titles and links: its months, or its entries' numbers."""
    months = sorted(part.months)
    if months:
        first, last = (month_label(int(key[:4]), int(key[5:7])) for key in (months[0], months[-1]))
        return first if first == last else f"{first} — {last}"
    return f"第 {part.number} 部分"


def part_labels(parts: list[SourcePart]) -> dict[SourcePart, str]:
    """Each part's label; a month cut in two gets the parts' numbers to tell them apart."""
    texts = [part_label(p) for p in parts]
    repeated = {t for t in texts if texts.count(t) > 1}
    return {p: f"{t}（第 {p.number} 部分）" if t in repeated else t for p, t in zip(parts, texts)}


# -- the pages ----------------------------------------------------------------


def _template_file(templates: str, kind: PageKind) -> str:
    """The project file of a listing's template: where its page's text is edited."""
    return f"{templates}/{kind.template}"


def _tags_index(catalog: Catalog) -> PlannedPage:
    return PlannedPage(
        TAGS_INDEX, PageKind.TAGS_INDEX, "标签",
        f"按标签浏览全部 {len(catalog.entries)} 个条目，共 {len(catalog.tags)} 个标签。", catalog.taxonomy.path)


def _tag_pages(catalog: Catalog, tag: TagIndex) -> list[PlannedPage]:
    total = len(tag.entries)
    count = tag_page_count(total)
    kinds = "、".join(sorted({e.kind.label for e in tag.entries}))
    description = f"「{tag.name}」标签下的 {total} 个条目（{kinds}），按时间从新到旧排列。"
    return [PlannedPage(tag_page(tag.slug, number), PageKind.TAG,
                        f"标签：{tag.name}" + (f"（第 {number} 页）" if number > 1 else ""), description,
                        catalog.taxonomy.path, tag.taxonomy_line or None,
                        feed=tag_feed_path(tag.slug), number=number, count=count, tag=tag)
            for number in range(1, count + 1)]


def _archive_index(catalog: Catalog, templates: str) -> PlannedPage:
    return PlannedPage(
        ARCHIVE_INDEX, PageKind.ARCHIVE_INDEX, "归档",
        f"按月份浏览：{len(catalog.months)} 个月，共 {len(catalog.entries)} 个条目。",
        _template_file(templates, PageKind.ARCHIVE_INDEX))


def _year_page(year: int, months: list[MonthIndex], templates: str) -> PlannedPage:
    kinds: dict[str, int] = {}
    for month in months:
        for entry in month.entries:
            kinds[entry.kind.label] = kinds.get(entry.kind.label, 0) + 1
    total = sum(kinds.values())
    summary = "、".join(f"{label} {count} 篇" for label, count in kinds.items())
    return PlannedPage(year_page(year), PageKind.YEAR, f"{year} 年",
                       f"{year} 年 {len(months)} 个月收录的 {total} 个条目：{summary}。",
                       _template_file(templates, PageKind.YEAR), year=year)


def weekly_index_page_count(weeks: int) -> int:
    return max(1, math.ceil(weeks / WEEKLY_INDEX_PAGE_SIZE))


def _weekly_index(catalog: Catalog, templates: str) -> list[PlannedPage]:
    total = sum(len(week.entries) for week in catalog.weeks)
    count = weekly_index_page_count(len(catalog.weeks))
    return [PlannedPage(weekly_page(page_number=number), PageKind.WEEKLY_INDEX,
                        "每周新增" + (f"（第 {number} 页）" if number > 1 else ""),
                        f"按周浏览新增条目：{len(catalog.weeks)} 周，共 {total} 个条目；每周一页，也可以用 RSS 订阅。",
                        _template_file(templates, PageKind.WEEKLY_INDEX), feed=WEEKLY_RSS, number=number, count=count)
            for number in range(1, count + 1)]


def _week_page(week: WeekIndex, templates: str) -> PlannedPage:
    return PlannedPage(weekly_page(week.key), PageKind.WEEK, week.title,
                       f"{week.title}（{week.days_label}）新增的 {len(week.entries)} 个条目：{week.kinds_text}。",
                       _template_file(templates, PageKind.WEEK), feed=WEEKLY_RSS, week=week)


def _notes_index(layout: SiteLayout, templates: str) -> PlannedPage:
    return PlannedPage(f"{layout.notes_dir}/index.md", PageKind.NOTES_INDEX, "筛选笔记",
                       "工程筛选笔记：每篇记录保留、待定与丢弃的条目及理由。",
                       _template_file(templates, PageKind.NOTES_INDEX))


def _listen_pages(catalog: Catalog, templates: str) -> list[PlannedPage]:
    episodes = sum(len(entry.audio) for entry in catalog.entries)
    count = listen_page_count(episodes)
    return [PlannedPage(listen_page(number), PageKind.LISTEN, "收听" + (f"（第 {number} 页）" if number > 1 else ""),
                        f"全部 {episodes} 段音频摘要，按时间从新到旧：可调播放速度，按下播放前不下载。",
                        _template_file(templates, PageKind.LISTEN), number=number, count=count)
            for number in range(1, count + 1)]


def _part_page(part: SourcePart, label: str) -> PlannedPage:
    source = part.source
    title = source_title(source)
    return PlannedPage(part.page, PageKind.PART, f"{title}（{label}）",
                       f"{title}：{label}，{len(part.entries)} 个条目（共 {part.count} 页）。",
                       edit_path=source.path, edit_line=source.text.line_number(part.start),
                       number=part.number, count=part.count, part=part)
