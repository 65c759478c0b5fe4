"""Rendering: source pages and generated pages as markdown + template HTML.

The catalog is built once; this module turns it into page bodies. The HTML
comes from Jinja templates under ``overrides/llminfra/``; this module only
prepares what they show. The output is plain markdown, so the same pages can
be exported and built without the hooks (``python -m llminfra export``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from .catalog import Catalog, MonthIndex, TagIndex
from .model import Entry, SourceKind
from .sources.document import LineEdit, ParsedSource
from .urls import month_page, page_url, relative_url, tag_page

TAG_PAGE_SIZE = 50
HOME_LATEST = 12
CHART_MONTHS = 36


@dataclass
class GeneratedPage:
    src_uri: str  # docs-relative, e.g. tags/vllm/index.md
    markdown: str
    edit_path: str | None = None  # project-relative source of the content, for edit links
    edit_line: int | None = None


@dataclass
class RenderOptions:
    use_directory_urls: bool = True
    site_url: str = ""
    # e.g. https://github.com/owner/repo/blob/main/ ; entries link to their source line
    repo_blob_url: str | None = None


class SiteRenderer:
    def __init__(self, catalog: Catalog, templates_dir: Path, options: RenderOptions | None = None):
        self.catalog = catalog
        self.options = options or RenderOptions()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["compact"] = _compact
        self._series = catalog.by_kind(SourceKind.SERIES)
        self._series_index = {id(e): i for i, e in enumerate(self._series)}
        self.duplicate_of = {id(dup): kept for dup, kept in catalog.duplicates}

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

    def _render(self, template: str, current_page: str, **context) -> str:
        here = page_url(current_page, self.options.use_directory_urls)

        def link(target_src: str, anchor: str | None = None) -> str:
            return relative_url(here, self.url_of(target_src, anchor))

        return self.env.get_template(template).render(
            link=link,
            entry_link=lambda e: link(e.page, e.anchor),
            tag_link=lambda slug: link(tag_page(slug)),
            month_link=lambda key: link(month_page(key)),
            tag_name=lambda slug: self.catalog.tags[slug].name if slug in self.catalog.tags else slug,
            source_url=self.source_url,
            **context,
        ).strip()

    # -- source pages -----------------------------------------------------

    def source_page_markdown(self, source: ParsedSource) -> str:
        """The page body for a source file: its own markdown plus metadata and players."""
        lines = source.text.lines
        edits = sorted(source.edits, key=lambda e: e.start)
        out: list[str] = []
        cursor = 0
        for edit in edits:
            if edit.start < cursor:
                continue
            out.extend(lines[cursor : edit.start])
            out.extend(self._apply_edit(source, edit))
            cursor = edit.end + 1
        out.extend(lines[cursor:])
        return "\n".join(out) + "\n"

    def _apply_edit(self, source: ParsedSource, edit: LineEdit) -> list[str]:
        page = source.page
        if edit.kind == "drop":
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
            return ["", html, ""]
        entry = edit.entry
        assert entry is not None
        kept = self.duplicate_of.get(id(entry))
        if kept is not None:
            html = self._render("llminfra/duplicate.html", page, entry=entry, kept=kept)
            return [html, ""]
        heading = "#" * edit.level + " " + self._heading_text(entry) + f" {{#{entry.anchor}}}"
        meta = self._render("llminfra/entry-meta.html", page, entry=entry, **self._series_neighbours(entry))
        return [heading, "", meta, ""]

    def _heading_text(self, entry: Entry) -> str:
        if entry.kind is SourceKind.NOTE:
            return entry.source_heading or entry.title
        title = entry.title
        if entry.link:
            return f"[{title}]({entry.link})"
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
        pages = [self._tags_index(), self._archive_index(), self._notes_index()]
        for tag in self.catalog.tags.values():
            pages.extend(self._tag_pages(tag))
        for month in self.catalog.months:
            pages.append(self._month_page(month))
        return pages

    def _page(self, src: str, meta: dict, template: str, edit: tuple[str | None, int | None] = (None, None),
              **context) -> GeneratedPage:
        front = yaml.safe_dump({**meta, "search": {"exclude": True}}, allow_unicode=True, sort_keys=False)
        body = self._render(template, src, **context)
        markdown = f"---\n{front}---\n\n# {_escape_markdown(meta['title'])}\n\n{body}\n"
        return GeneratedPage(src, markdown, *edit)

    def _tags_index(self) -> GeneratedPage:
        tags = sorted(self.catalog.tags.values(), key=lambda t: (-len(t.entries), t.name.casefold()))
        return self._page(
            "tags/index.md",
            {"title": "标签", "description": f"按标签浏览全部 {len(self.catalog.entries)} 个条目，共 {len(tags)} 个标签。"},
            "llminfra/tags-index.html",
            (self.catalog.taxonomy.path, None),
            tags=tags,
            max_count=max((len(t.entries) for t in tags), default=1),
        )

    def _tag_pages(self, tag: TagIndex) -> list[GeneratedPage]:
        total = len(tag.entries)
        page_count = max(1, math.ceil(total / TAG_PAGE_SIZE))
        pages = []
        for number in range(1, page_count + 1):
            chunk = tag.entries[(number - 1) * TAG_PAGE_SIZE : number * TAG_PAGE_SIZE]
            title = f"标签：{tag.name}" + (f"（第 {number} 页）" if number > 1 else "")
            kinds = sorted({e.kind.label for e in tag.entries})
            pages.append(self._page(
                tag_page(tag.slug, number),
                {"title": title,
                 "description": f"「{tag.name}」标签下的 {total} 个条目（{'、'.join(kinds)}），按时间从新到旧排列。"},
                "llminfra/tag.html",
                (self.catalog.taxonomy.path, tag.taxonomy_line or None),
                tag=tag, entries=chunk, page_number=number, page_count=page_count,
                page_src=lambda n, slug=tag.slug: tag_page(slug, n),
            ))
        return pages

    def _archive_index(self) -> GeneratedPage:
        months = self.catalog.months
        chart = _month_chart(months[:CHART_MONTHS])
        years: dict[int, list[MonthIndex]] = {}
        for month in months:
            years.setdefault(month.year, []).append(month)
        return self._page(
            "archive/index.md",
            {"title": "归档", "description": f"按月份浏览：{len(months)} 个月，共 {len(self.catalog.entries)} 个条目。"},
            "llminfra/archive-index.html",
            months=months, years=years, chart=chart,
        )

    def _month_page(self, month: MonthIndex) -> GeneratedPage:
        kinds: dict[str, int] = {}
        for entry in month.entries:
            kinds[entry.kind.label] = kinds.get(entry.kind.label, 0) + 1
        summary = "、".join(f"{label} {count} 篇" for label, count in kinds.items())
        return self._page(
            month_page(month.key),
            {"title": f"{month.label}", "description": f"{month.label}收录的 {len(month.entries)} 个条目：{summary}。"},
            "llminfra/month.html",
            month=month, entries=month.entries,
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
            notes=notes,
        )


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


def _compact(text: str) -> str:
    return " ".join(str(text).split())


def _escape_markdown(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#" else c for c in text)
