"""Source pages (share lists, series, notes, and the older parts of long ones) as markdown.

A source page is its own markdown, with each structural line the parser
found (an entry heading, a month heading, an audio block, ...) replaced:
headings get stable anchors and a metadata block, audio blocks become
players, duplicates a notice. Everything else is left to MkDocs' Markdown.
"""

from __future__ import annotations

import bisect

from llminfra.domain.catalog import Catalog
from llminfra.domain.document import LineEdit, ParsedSource
from llminfra.domain.model import Entry, SourceKind, SourceLocation
from llminfra.domain.parts import SourcePart
from llminfra.domain.site_plan import part_labels
from llminfra.render.markdown_text import escape_markdown, markdown_url
from llminfra.render.provenance import insert_after_title
from llminfra.render.safe_html import WrittenText
from llminfra.render.templates import TemplateRenderer


class SourcePageRenderer:
    def __init__(self, catalog: Catalog, templates: TemplateRenderer, written: WrittenText):
        self.catalog = catalog
        self.written = written
        self.templates = templates
        self.options = templates.options
        series = catalog.by_kind(SourceKind.SERIES)
        self._series_neighbours = {
            entry.source: {"previous": series[i - 1] if i > 0 else None,
                           "next": series[i + 1] if i + 1 < len(series) else None,
                           "series_number": i + 1}
            for i, entry in enumerate(series)}
        self._duplicate_of: dict[SourceLocation, Entry] = {dup.source: kept for dup, kept in catalog.duplicates}
        self._anchors: dict[str, frozenset[str]] = {}  # per source page: its entries' anchors
        # Per source page: its edits in order (and their start lines), its parts' labels.
        self._sorted_edits: dict[str, tuple[list[LineEdit], list[int]]] = {}
        self._part_labels: dict[str, dict[SourcePart, str]] = {}

    def source_page_markdown(self, source: ParsedSource) -> str:
        """The body of a source file's own page (its top part)."""
        return self.part_markdown(self.catalog.top_part(source))

    def part_markdown(self, part: SourcePart) -> str:
        """A part of a source file: its own markdown plus metadata and players, and links to the other parts."""
        source = part.source
        out: list[str] = []
        if not part.is_top:
            out += [self._block(self._parts_nav(part)), ""]
        cursor = part.start
        for edit in self._edits_between(source, part.start, part.end):
            if edit.start < cursor:
                continue
            out.extend(self._source_text(source, cursor, edit.start))
            if not (edit.kind == "insert" and edit.start == part.start and part.start > 0):
                out.extend(edit.prefix)  # (a fence left open above a part's start is closed in that part)
            out.extend(self._apply_edit(source, edit, part.page))
            cursor = edit.end + 1
        out.extend(self._source_text(source, cursor, part.end))
        out += [prefix for edit in self._edits_between(source, part.end, part.end + 1)
                if edit.kind == "insert" for prefix in edit.prefix]
        if part.count > 1:
            out += ["", self._block(self._parts_nav(part, listing=part.is_top))]
        if part.is_top and source.kind is SourceKind.SHARE and self.templates.since is not None:
            # "New since your last visit": its count under the title (the provenance line goes above it).
            since = self.templates.render("llminfra/new-since.html", part.page)
            out = insert_after_title(out, self._block(since))
        if part.is_top and source.mirror_of and self.catalog.upstream is not None:
            provenance = self.templates.render("llminfra/upstream-provenance.html", part.page,
                                               upstream=self.catalog.upstream)
            out = insert_after_title(out, self._block(provenance))
        return "\n".join(out) + "\n"

    def _edits_between(self, source: ParsedSource, start: int, end: int) -> list[LineEdit]:
        """The source's edits that start on body lines start..end-1, in order."""
        cached = self._sorted_edits.get(source.page)
        if cached is None:
            ordered = sorted(source.edits, key=lambda e: (e.start, e.end))
            cached = self._sorted_edits[source.page] = (ordered, [e.start for e in ordered])
        ordered, starts = cached
        return ordered[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def _parts_nav(self, part: SourcePart, listing: bool = False) -> str:
        parts = self.catalog.parts[part.source.page]
        labels = self._part_labels.get(part.source.page)
        if labels is None:
            labels = self._part_labels[part.source.page] = part_labels(parts)
        in_file_order = sorted(parts, key=lambda p: p.start)
        position = in_file_order.index(part)
        return self.templates.render(
            "llminfra/parts-nav.html", part.page, part=part,
            above=in_file_order[position - 1] if position > 0 else None,
            below=in_file_order[position + 1] if position + 1 < len(in_file_order) else None,
            parts=in_file_order if listing else [], label=labels.__getitem__,
        )

    def _source_text(self, source: ParsedSource, start: int, end: int) -> list[str]:
        """Body lines ``start``..``end`` (between structural lines) as the page shows them (``WrittenText``)."""
        anchors = self._anchors.get(source.page)
        if anchors is None:
            anchors = self._anchors[source.page] = frozenset(entry.anchor for entry in source.entries)
        return self.written.lines(source.text, start, end, anchors)

    def _apply_edit(self, source: ParsedSource, edit: LineEdit, page: str) -> list[str]:
        if edit.kind in ("drop", "insert"):
            return []
        if edit.kind == "month":
            if edit.month is None:  # reported; shown as written, as inert text
                return ["## " + escape_markdown(source.text.lines[edit.start].lstrip("#"))]
            return [self.options.heading_line(2, edit.month.display, f"m-{edit.month.month_key}")]
        if edit.kind == "audio":
            if edit.clip is None:  # invalid block: reported, never rendered
                return []
            html = self.templates.render("llminfra/audio.html", page, clip=edit.clip, entry=edit.entry,
                                         src=self.audio_src(page, edit.clip.src))
            return ["", self._block(html), ""]
        entry = edit.entry
        assert entry is not None
        kept = self._duplicate_of.get(entry.source)
        if kept is not None:
            html = self.templates.render("llminfra/duplicate.html", page, entry=entry, kept=kept)
            return ["", self._block(html), ""]
        heading = self.options.heading_line(edit.level, self._heading_text(entry), entry.anchor)
        neighbours = self._series_neighbours.get(entry.source, NO_NEIGHBOURS)
        meta = self.templates.render("llminfra/entry-meta.html", page, entry=entry, **neighbours)
        return [heading, "", self._block(meta), ""]

    def _block(self, html: str) -> str:
        """Template HTML for a source page's markdown (or the token that stands for it)."""
        html_block = self.options.html_block
        return html_block(html) if html_block is not None else html

    @staticmethod
    def _heading_text(entry: Entry) -> str:
        """The heading as inert markdown: the title is text, the link a plain URL."""
        if entry.kind is SourceKind.NOTE:
            return escape_markdown(entry.source_heading or entry.title)
        title = escape_markdown(entry.title)
        if entry.link:
            return f"[{title}]({markdown_url(entry.link)})"
        return title

    def audio_src(self, page: str, src: str) -> str:
        """The player's URL for a clip: remote as it is, local relative to ``page``."""
        if "://" in src:
            return src
        return self.templates.relative(self.templates.here(page), src.lstrip("/"))


NO_NEIGHBOURS = {"previous": None, "next": None, "series_number": None}
