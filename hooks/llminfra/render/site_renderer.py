"""Rendering: source pages and generated pages as markdown + template HTML.

The catalog is built once; this module turns it into page bodies. The HTML
comes from Jinja templates under ``overrides/llminfra/``; this module only
prepares what they show. The output is plain markdown, so the same pages can
be exported and built without the hooks (``python -m llminfra export``).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
import markdown
import yaml
from markupsafe import Markup

from llminfra.domain.catalog import Catalog, MonthIndex, TagIndex
from llminfra.domain.document import LineEdit, ParsedSource
from llminfra.domain.episodes import audio_episodes, format_duration
from llminfra.domain.model import Entry, SourceKind
from llminfra.domain.parts import SourcePart
from llminfra.domain.urls import (
    FEED_PATHS,
    SUBSCRIBE_PAGE,
    absolute_url,
    listen_page,
    month_location,
    page_url,
    relative_url,
    tag_feed_path,
    tag_page,
    year_page,
)
from llminfra.render.safe_html import SafeLinksExtension, sanitize_html

HOME_PAGE = "index.md"
TAG_PAGE_SIZE = 50  # a tag with up to this many entries lists them in full on one page
# Longer tags list one line per entry under year headings (no excerpt, no tag
# chips), this many a page: a tag on most of 10,000 entries stays a few small pages.
TAG_LINES_PAGE_SIZE = 1000
# The start of raw HTML (a tag, comment or declaration), but not an autolink
# such as <https://…> or <name@example.com>, which markdown handles safely.
RAW_HTML = re.compile(r"<(?!(?:https?|ftp)://[^<>\s]*>)(?![\w.+-]+@[\w.-]+>)[A-Za-z!/?]")
FENCE_LINE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HOME_LATEST = 12
LISTING_TAG_CHIPS = 4  # tags shown with an entry in listings; its own page shows them all
LISTEN_PAGE_SIZE = 100  # episodes per page of 收听
# The month archive has a page per year. A year with up to this many entries lists them with their
# excerpts; a busier one lists one line per entry (a page stays well under 300 KB either way).
YEAR_FULL_ITEMS = 150
CHART_MONTHS = 36
# Comments in the hand-written 订阅 page that are replaced by feed addresses.
SUBSCRIBE_MARKER = re.compile(r"<!--\s*llminfra:subscribe\s+(site|podcast|tags)\s*-->")


@dataclass
class GeneratedPage:
    """A page made from the catalog: front matter and title, then template HTML.

    The HTML is rendered when asked for (``render_body``), so a build can
    render each page just before MkDocs writes it instead of holding every
    page at once.
    """

    src_uri: str  # docs-relative, e.g. tags/vllm/index.md
    head: str  # front matter and the ``# title`` line
    edit_path: str | None = None  # project-relative source of the content, for edit links
    edit_line: int | None = None
    render_body: Callable[[], str] = lambda: ""
    # False: the body is template HTML, spliced in after the Markdown conversion (llminfra.prerendered).
    # True: the body is markdown for MkDocs to convert (the older parts of long source files).
    is_markdown: bool = False

    @property
    def markdown(self) -> str:
        return f"{self.head}{self.render_body()}\n"


@dataclass
class RenderOptions:
    use_directory_urls: bool = True
    site_url: str = ""
    # e.g. https://github.com/owner/repo/blob/main/ ; entries link to their source line
    repo_blob_url: str | None = None
    # Project-relative templates folder: pages assembled from every source
    # (archive, months, notes index) point their edit link at their template.
    templates_path: str = "overrides"
    # Builds the Markdown converter used for source text that contains raw HTML;
    # the hook passes one configured like the site's own.
    markdown_factory: Callable[[], markdown.Markdown] | None = None
    # What stands for a block of template HTML in a source page's markdown. The MkDocs adapter
    # passes a one-line token that its Markdown extension swaps back (llminfra.mkdocs_adapter.fragments);
    # by default (export) the HTML itself.
    html_block: Callable[[str], str] | None = None


class SiteRenderer:
    def __init__(self, catalog: Catalog, templates_dir: Path, options: RenderOptions | None = None):
        self.catalog = catalog
        self.options = options or RenderOptions()
        self.env = template_environment(str(templates_dir))
        self._series = catalog.by_kind(SourceKind.SERIES)
        self._series_index = {id(e): i for i, e in enumerate(self._series)}
        self.duplicate_of = {id(dup): kept for dup, kept in catalog.duplicates}
        self._markdown: markdown.Markdown | None = None
        # Listings show each entry on ~10 pages: its HTML is rendered once per
        # (entry, folder depth, variant). Relative links repeat as well.
        self._listing_items: dict[tuple, Markup] = {}
        self.generated_seconds = 0.0  # spent rendering generated pages' bodies
        self._relative_links: dict[tuple[str, str, bool], str] = {}
        self._sorted_edits: dict[int, list[LineEdit]] = {}
        self._labels: dict[int, dict[SourcePart, str]] = {}
        self._edit_starts: dict[int, list[int]] = {}

    # -- helpers for templates -------------------------------------------

    def url_of(self, src_uri: str, anchor: str | None = None) -> str:
        url = page_url(src_uri, self.options.use_directory_urls)
        return f"{url}#{anchor}" if anchor else url

    def entry_url(self, entry: Entry) -> str:
        return self.url_of(entry.page, entry.anchor)

    def source_url(self, path: str, line: int | None = None) -> str | None:
        if not self.options.repo_blob_url:
            return None
        url = self.options.repo_blob_url.rstrip("/") + "/" + path
        return f"{url}#L{line}" if line else url

    def _tag_name(self, slug: str) -> str:
        return self.catalog.tags[slug].name if slug in self.catalog.tags else slug

    def _relative(self, here: str, url: str) -> str:
        # Cached per target page, not per anchor: entry links (related reading) differ in their #fragment only.
        # With a fragment, what is cached is what relative_url writes before it ("#" alone on the same page).
        path, _, fragment = url.partition("#")
        key = (here, path, bool(fragment))
        prefix = self._relative_links.get(key)
        if prefix is None:
            prefix = relative_url(here, f"{path}#x")[:-1] if fragment else relative_url(here, path)
            self._relative_links[key] = prefix
        return prefix + fragment

    def _listing_item(self, entry: Entry, here: str, excerpt: bool = True, line: bool = False,
                      archive: bool = False) -> Markup:
        """An entry in a listing: ``macros.entry_item`` (tag, archive and home pages) or ``entry_line``.

        In the archive, under its month's heading, an entry shows no tag chips and no date.

        Its links go up to the site root and down again (``../../share/#a-…``),
        so the HTML depends only on the page's folder depth and is reused on
        every listing at that depth.
        """
        root = "../" * here.count("/")
        key = (id(entry), root, excerpt, line, archive)
        html = self._listing_items.get(key)
        if html is None:
            def entry_link(e: Entry) -> str:
                return _root_relative(root, self.url_of(e.page, e.anchor))

            macros = self.env.get_template("llminfra/macros.html").module
            if line:
                html = macros.entry_line(entry, entry_link, dated=not archive)
            else:
                def tag_link(slug: str) -> str:
                    return _root_relative(root, self.url_of(tag_page(slug)))

                html = macros.entry_item(entry, entry_link, tag_link, self._tag_name, show_excerpt=excerpt,
                                         chips=0 if archive else LISTING_TAG_CHIPS)
            self._listing_items[key] = html
        return html

    def _render(self, template: str, current_page: str, **context) -> str:
        here = page_url(current_page, self.options.use_directory_urls)

        def link(target_src: str, anchor: str | None = None) -> str:
            return self._relative(here, self.url_of(target_src, anchor))

        return self.env.get_template(template).render(
            link=link,
            entry_link=lambda e: link(e.page, e.anchor),
            tag_link=lambda slug: link(tag_page(slug)),
            month_link=lambda key: link(*month_location(key)),
            tag_name=self._tag_name,
            listing_item=lambda entry, excerpt=True, line=False, archive=False: self._listing_item(
                entry, here, excerpt, line, archive),
            source_url=self.source_url,
            **context,
        ).strip()

    # -- pages of docs/ ---------------------------------------------------

    def page_markdown(self, src_uri: str, markdown: str) -> str:
        """The body to convert for the docs page ``src_uri``, whose own body (no front matter) is ``markdown``.

        The hooks and ``python -m llminfra export`` both go through here, so the
        exported pages are the ones the site builds.
        """
        source = self.catalog.source_for(src_uri)
        if source is not None:
            return self.source_page_markdown(source)
        if src_uri == HOME_PAGE:
            return self.home_markdown(markdown)
        if src_uri == SUBSCRIBE_PAGE:
            return self.subscribe_markdown(markdown)
        return markdown

    # -- source pages -----------------------------------------------------

    def source_page_markdown(self, source: ParsedSource) -> str:
        """The body of a source file's own page (its top part)."""
        return self.part_markdown(self.catalog.top_part(source))

    def part_markdown(self, part: SourcePart) -> str:
        """A part of a source file: its own markdown plus metadata and players, and links to the other parts."""
        source = part.source
        lines = source.text.lines
        out: list[str] = []
        if not part.is_top:
            out += [self._block(self._parts_nav(part)), ""]
        cursor = part.start
        for edit in self._edits_between(source, part.start, part.end):
            if edit.start < cursor:
                continue
            out.extend(self._source_text(lines[cursor : edit.start]))
            if not (edit.kind == "insert" and edit.start == part.start and part.start > 0):
                out.extend(edit.prefix)  # (a fence left open above a part's start is closed in that part)
            out.extend(self._apply_edit(source, edit, part.page))
            cursor = edit.end + 1
        out.extend(self._source_text(lines[cursor : part.end]))
        out += [prefix for edit in self._edits_between(source, part.end, part.end + 1)
                if edit.kind == "insert" for prefix in edit.prefix]
        if part.count > 1:
            out += ["", self._block(self._parts_nav(part, listing=part.is_top))]
        return "\n".join(out) + "\n"

    def _edits_between(self, source: ParsedSource, start: int, end: int) -> list[LineEdit]:
        """The source's edits that start on body lines start..end-1, in order."""
        key = id(source)
        ordered = self._sorted_edits.get(key)
        if ordered is None:
            ordered = self._sorted_edits[key] = sorted(source.edits, key=lambda e: (e.start, e.end))
            self._edit_starts[key] = [e.start for e in ordered]
        starts = self._edit_starts[key]
        return ordered[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def _parts_nav(self, part: SourcePart, listing: bool = False) -> str:
        parts = self.catalog.parts[part.source.page]
        in_file_order = sorted(parts, key=lambda p: p.start)
        position = in_file_order.index(part)
        return self._render(
            "llminfra/parts-nav.html", part.page, part=part,
            above=in_file_order[position - 1] if position > 0 else None,
            below=in_file_order[position + 1] if position + 1 < len(in_file_order) else None,
            parts=in_file_order if listing else [], label=self._part_labels(parts).__getitem__,
        )

    def _part_labels(self, parts: list[SourcePart]):
        """Each part's label; a month cut in two gets the parts' numbers to tell them apart."""
        key = id(parts)
        labels = self._labels.get(key)
        if labels is None:
            texts = [part_label(p) for p in parts]
            repeated = {t for t in texts if texts.count(t) > 1}
            labels = self._labels[key] = {
                p: f"{t}（第 {p.number} 部分）" if t in repeated else t for p, t in zip(parts, texts)}
        return labels

    def _source_text(self, lines: list[str]) -> list[str]:
        """Source text between structural lines, kept as markdown unless a block holds raw HTML.

        A block (paragraphs, lists and tables between blank lines) with raw HTML
        is rendered on its own and sanitised, so an unclosed or hostile tag can
        neither run nor swallow the entries that follow it. Code blocks are
        left alone: markdown escapes them.
        """
        if not any(RAW_HTML.search(line) for line in lines):
            return lines
        out: list[str] = []
        for block, is_code in _blocks(lines):
            if is_code or not any(RAW_HTML.search(line) for line in block):
                out.extend(block)
                continue
            converter = self._converter()
            converter.reset()
            html = sanitize_html(converter.convert("\n".join(block)))
            out.extend(["", f'<div class="llm-rich">{html}</div>', ""])
        return out

    def _converter(self) -> markdown.Markdown:
        if self._markdown is None:
            factory = self.options.markdown_factory
            self._markdown = factory() if factory else markdown.Markdown(
                extensions=["tables", "attr_list", "def_list", "abbr", SafeLinksExtension()])
        return self._markdown

    def _apply_edit(self, source: ParsedSource, edit: LineEdit, page: str) -> list[str]:
        if edit.kind in ("drop", "insert"):
            return []
        if edit.kind == "month":
            if edit.month is None:
                return [source.text.lines[edit.start]]
            key = edit.month.month_key
            return [f"## {edit.month.display} {{#m-{key}}}"]
        if edit.kind == "audio":
            if edit.clip is None:  # invalid block: reported, never rendered
                return []
            html = self._render("llminfra/audio.html", page, clip=edit.clip, entry=edit.entry,
                                src=self._audio_src(page, edit.clip.src))
            return ["", self._block(html), ""]
        entry = edit.entry
        assert entry is not None
        kept = self.duplicate_of.get(id(entry))
        if kept is not None:
            html = self._render("llminfra/duplicate.html", page, entry=entry, kept=kept)
            return ["", self._block(html), ""]
        heading = "#" * edit.level + " " + self._heading_text(entry) + f" {{#{entry.anchor}}}"
        meta = self._render("llminfra/entry-meta.html", page, entry=entry, **self._series_neighbours(entry))
        return [heading, "", self._block(meta), ""]

    def _block(self, html: str) -> str:
        """Template HTML for a source page's markdown (or the token that stands for it)."""
        html_block = self.options.html_block
        return html_block(html) if html_block is not None else html

    def _heading_text(self, entry: Entry) -> str:
        """The heading as inert markdown: the title is text, the link a plain URL."""
        if entry.kind is SourceKind.NOTE:
            return escape_markdown(entry.source_heading or entry.title)
        title = escape_markdown(entry.title)
        if entry.link:
            return f"[{title}]({markdown_url(entry.link)})"
        return title

    def _audio_src(self, page: str, src: str) -> str:
        if "://" in src:
            return src
        here = page_url(page, self.options.use_directory_urls)
        return relative_url(here, src.lstrip("/"))

    def _series_neighbours(self, entry: Entry) -> dict:
        index = self._series_index.get(id(entry))
        if index is None:
            return {"previous": None, "next": None, "series_number": None}
        return {
            "previous": self._series[index - 1] if index > 0 else None,
            "next": self._series[index + 1] if index + 1 < len(self._series) else None,
            "series_number": index + 1,
        }

    # -- generated pages --------------------------------------------------

    def home_markdown(self, intro: str, page: str = "index.md") -> str:
        catalog = self.catalog
        counts = {kind: len(catalog.by_kind(kind)) for kind in SourceKind}
        body = self._render(
            "llminfra/home.html", page,
            latest=catalog.newest_first[:HOME_LATEST],
            counts=counts,
            total=len(catalog.entries),
            tag_count=len(catalog.tags),
            month_count=len(catalog.months),
            audio_count=sum(1 for e in catalog.entries if e.audio),
            newest_month=catalog.months[0] if catalog.months else None,
            top_tags=sorted(catalog.tags.values(), key=lambda t: (-len(t.entries), t.name))[:24],
            SourceKind=SourceKind,
        )
        return intro.rstrip() + "\n\n" + body + "\n"

    def generated_pages(self) -> list[GeneratedPage]:
        pages = [self._tags_index(), self._archive_index(), self._notes_index(), *self._listen_pages()]
        pages.extend(self._part_page(part) for part in self.catalog.older_parts)
        for tag in self.catalog.tags.values():
            pages.extend(self._tag_pages(tag))
        years = archive_years(self.catalog.months)
        for index, (year, months) in enumerate(years):
            newer = years[index - 1][0] if index > 0 else None
            older = years[index + 1][0] if index + 1 < len(years) else None
            pages.append(self._year_page(year, months, newer, older))
        return pages

    def release_caches(self) -> None:
        """Let the listings' cached HTML go once every page is rendered."""
        self._listing_items.clear()
        self._relative_links.clear()

    def _page(self, src: str, meta: dict, template: str, edit: tuple[str | None, int | None] = (None, None),
              **context) -> GeneratedPage:
        front = yaml.safe_dump({**meta, "search": {"exclude": True}}, allow_unicode=True, sort_keys=False)
        head = f"---\n{front}---\n\n# {escape_markdown(meta['title'])}\n\n"

        def render_body() -> str:
            started = time.perf_counter()
            body = self._render(template, src, **context)
            self.generated_seconds += time.perf_counter() - started
            return body

        return GeneratedPage(src, head, *edit, render_body=render_body)

    def _part_page(self, part: SourcePart) -> GeneratedPage:
        source = part.source
        label = self._part_labels(self.catalog.parts[source.page])[part]
        title = f"{source_title(source)}（{label}）"
        meta = {"title": title,
                "description": f"{source_title(source)}：{label}，{len(part.entries)} 个条目（共 {part.count} 页）。"}
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        head = f"---\n{front}---\n\n# {escape_markdown(title)}\n\n"
        return GeneratedPage(part.page, head, source.path, source.text.line_number(part.start),
                             render_body=lambda: self.part_markdown(part), is_markdown=True)

    def _template_path(self, template: str) -> str:
        return f"{self.options.templates_path.rstrip('/')}/{template}"

    def _tags_index(self) -> GeneratedPage:
        tags = sorted(self.catalog.tags.values(), key=lambda t: (-len(t.entries), t.name.casefold()))
        return self._page(
            "tags/index.md",
            {"title": "标签",
             "description": f"按标签浏览全部 {len(self.catalog.entries)} 个条目，共 {len(tags)} 个标签。"},
            "llminfra/tags-index.html",
            (self.catalog.taxonomy.path, None),
            tags=tags,
            max_count=max((len(t.entries) for t in tags), default=1),
        )

    def _tag_pages(self, tag: TagIndex) -> list[GeneratedPage]:
        total = len(tag.entries)
        page_count = tag_page_count(total)
        size = tag_page_size(total)
        pages = []
        kinds = sorted({e.kind.label for e in tag.entries})  # once per tag, not per page
        for number in range(1, page_count + 1):
            chunk = tag.entries[(number - 1) * size : number * size]
            title = f"标签：{tag.name}" + (f"（第 {number} 页）" if number > 1 else "")
            pages.append(self._page(
                tag_page(tag.slug, number),
                {"title": title,
                 "description": f"「{tag.name}」标签下的 {total} 个条目（{'、'.join(kinds)}），按时间从新到旧排列。",
                 "feed": tag_feed_path(tag.slug)},  # autodiscovery link in <head>
                "llminfra/tag.html",
                (self.catalog.taxonomy.path, tag.taxonomy_line or None),
                tag=tag, entries=chunk, page_number=number, page_count=page_count, one_line=size != TAG_PAGE_SIZE,
                year_groups=year_groups(chunk) if size != TAG_PAGE_SIZE else [],
                page_src=lambda n, slug=tag.slug: tag_page(slug, n),
                feed_href=relative_url(page_url(tag_page(tag.slug, number), self.options.use_directory_urls),
                                       tag_feed_path(tag.slug)),
            ))
        return pages

    def _archive_index(self) -> GeneratedPage:
        months = self.catalog.months
        chart = _month_chart(months[:CHART_MONTHS])
        years = archive_years(months)
        return self._page(
            "archive/index.md",
            {"title": "归档",
             "description": f"按月份浏览：{len(months)} 个月，共 {len(self.catalog.entries)} 个条目。"},
            "llminfra/archive-index.html",
            (self._template_path("llminfra/archive-index.html"), None),
            months=months, years=years, chart=chart,
        )

    def _year_page(self, year: int, months: list[MonthIndex], newer: int | None, older: int | None) -> GeneratedPage:
        total = sum(len(month.entries) for month in months)
        kinds: dict[str, int] = {}
        for month in months:
            for entry in month.entries:
                kinds[entry.kind.label] = kinds.get(entry.kind.label, 0) + 1
        summary = "、".join(f"{label} {count} 篇" for label, count in kinds.items())
        return self._page(
            year_page(year),
            {"title": f"{year} 年", "description": f"{year} 年 {len(months)} 个月收录的 {total} 个条目：{summary}。"},
            "llminfra/year.html",
            (self._template_path("llminfra/year.html"), None),
            year=year, months=months, total=total, newer=newer, older=older,
            one_line=total > YEAR_FULL_ITEMS,
        )

    def _notes_index(self) -> GeneratedPage:
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
        return self._page(
            "notes/index.md",
            {"title": "筛选笔记", "description": "工程筛选笔记：每篇记录保留、待定与丢弃的条目及理由。"},
            "llminfra/notes-index.html",
            (self._template_path("llminfra/notes-index.html"), None),
            notes=notes,
        )

    def _listen_pages(self) -> list[GeneratedPage]:
        episodes = audio_episodes(self.catalog)
        page_count = listen_page_count(len(episodes))
        pages = []
        for number in range(1, page_count + 1):
            src = listen_page(number)
            chunk = episodes[(number - 1) * LISTEN_PAGE_SIZE : number * LISTEN_PAGE_SIZE]
            pages.append(self._page(
                src,
                {"title": "收听" + (f"（第 {number} 页）" if number > 1 else ""),
                 "description": f"全部 {len(episodes)} 段音频摘要，按时间从新到旧：可调播放速度，按下播放前不下载。"},
                "llminfra/listen.html",
                (self._template_path("llminfra/listen.html"), None),
                episodes=chunk, total=len(episodes), first=(number - 1) * LISTEN_PAGE_SIZE + 1,
                page_number=number, page_count=page_count, page_src=listen_page, duration=format_duration,
                audio_src=lambda clip, src=src: self._audio_src(src, clip.src),
            ))
        return pages

    def subscribe_markdown(self, text: str, page: str = SUBSCRIBE_PAGE) -> str:
        """The 订阅 page: its own markdown, with each ``<!-- llminfra:subscribe … -->`` filled in."""
        tags = sorted(self.catalog.tags.values(), key=lambda t: (-len(t.entries), t.name.casefold()))
        return SUBSCRIBE_MARKER.sub(lambda match: self._render(
            "llminfra/subscribe.html", page, part=match.group(1), tags=tags, paths=FEED_PATHS,
            feed_url=lambda path: absolute_url(self.options.site_url, path), tag_feed_path=tag_feed_path,
        ), text)


def _blocks(lines: list[str]):
    """Split lines into (block, is_code) at blank lines; a fenced code block is one block."""
    block: list[str] = []
    fence: str | None = None
    for line in lines:
        match = FENCE_LINE.match(line)
        if fence is None and match:
            if block:
                yield block, False
            block, fence = [line], match.group(1)[0] * len(match.group(1))
            continue
        if fence is not None:
            block.append(line)
            if match and match.group(1).startswith(fence):
                yield block, True
                block, fence = [], None
            continue
        if line.strip():
            block.append(line)
        else:
            if block:
                yield block, False
            yield [line], False
            block = []
    if block:
        yield block, fence is not None


def _month_chart(months: list[MonthIndex]) -> dict:
    """Bar geometry for the archive chart, oldest month on the left."""
    ordered = list(reversed(months))
    peak = max((len(m.entries) for m in ordered), default=1)
    width, height, gap = 18, 80, 4
    bars = []
    for i, month in enumerate(ordered):
        h = max(2, round(height * len(month.entries) / peak))
        bars.append({"month": month, "x": i * (width + gap), "y": height - h, "w": width, "h": h})
    return {"bars": bars, "width": max(1, len(ordered) * (width + gap) - gap), "height": height, "peak": peak}


@functools.lru_cache(maxsize=8)
def template_environment(templates_dir: str) -> jinja2.Environment:
    """One Jinja environment per templates folder for the whole process.

    ``mkdocs serve`` rebuilds reuse it and so its compiled templates; it
    still reloads a template whose file changed.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["month_label"] = _month_label
    env.filters["year_page"] = year_page
    return env


def tag_page_size(total: int) -> int:
    """Entries per page of a tag with ``total`` entries."""
    return TAG_PAGE_SIZE if total <= TAG_PAGE_SIZE else TAG_LINES_PAGE_SIZE


def listen_page_count(episodes: int) -> int:
    return max(1, math.ceil(episodes / LISTEN_PAGE_SIZE))


def tag_page_count(total: int) -> int:
    return max(1, math.ceil(total / tag_page_size(total)))


def _root_relative(root: str, url: str) -> str:
    """``url`` (site-root relative) seen from a page ``root`` (``../../``) below the site root."""
    path, _, fragment = url.partition("#")
    target = quote(root + path, safe="/.-_~%") or "./"
    return f"{target}#{fragment}" if fragment else target


def archive_years(months: list[MonthIndex]) -> list[tuple[int, list[MonthIndex]]]:
    """The months (newest first) grouped by year, newest year first."""
    years: list[tuple[int, list[MonthIndex]]] = []
    for month in months:
        if not years or years[-1][0] != month.year:
            years.append((month.year, []))
        years[-1][1].append(month)
    return years


def year_groups(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """Consecutive entries of the same year, with the year's label (entries without a date come last)."""
    groups: list[tuple[str, list[Entry]]] = []
    for entry in entries:
        label = f"{entry.date.year} 年" if entry.date else "日期未知"
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(entry)
    return groups


def part_label(part: SourcePart) -> str:
    """What a part holds, for titles and links: its months, or its entries' numbers."""
    months = sorted(part.months)
    if months:
        first, last = _month_label(months[0]), _month_label(months[-1])
        return first if first == last else f"{first} — {last}"
    return f"第 {part.number} 部分"


def source_title(source: ParsedSource) -> str:
    """The title of a source file's page: its front matter's, else its first ``# `` heading."""
    title = source.text.meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for line in source.text.lines:
        if line.startswith("# "):
            return line[2:].strip().rstrip("#").strip()
    return source.page


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(year)} 年 {int(month)} 月"


MARKDOWN_SPECIALS = set("\\`*_[]{}()#+-.!")
HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: str) -> str:
    """Title text as inert markdown: no emphasis, links, attributes or raw HTML."""
    text = " ".join(text.split())
    return "".join(HTML_SPECIALS.get(c) or ("\\" + c if c in MARKDOWN_SPECIALS else c) for c in text)


def markdown_url(url: str) -> str:
    """A URL safe inside ``(...)``: spaces and parentheses percent-encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
