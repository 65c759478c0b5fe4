"""Hand-written docs pages: their own text made safe to show (like a source page's), and the home and 订阅 pages
completed with what the catalog knows."""

from __future__ import annotations

import re

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import SourceKind
from llminfra.domain.urls import FEED_PATHS, SUBSCRIBE_PAGE, absolute_url, tag_feed_path
from llminfra.render.markdown_text import has_raw_html
from llminfra.render.safe_html import WrittenText
from llminfra.render.templates import TemplateRenderer

HOME_PAGE = "index.md"
HOME_LATEST = 12
# Comments in the hand-written 订阅 page that are replaced by feed addresses.
SUBSCRIBE_MARKER = re.compile(r"<!--\s*llminfra:subscribe\s+(site|podcast|tags)\s*-->")


class DocsPageRenderer:
    def __init__(self, catalog: Catalog, templates: TemplateRenderer, written: WrittenText):
        self.catalog = catalog
        self.templates = templates
        self.written = written

    def body(self, src_uri: str, markdown: str) -> str | None:
        """The body of the hand-written page ``src_uri`` (its text as the catalog read it; ``markdown`` where the
        catalog has none), or None for a page the renderer leaves alone (none of its text needs a change)."""
        page = self.catalog.docs_pages.get(src_uri)
        if src_uri == SUBSCRIBE_PAGE:
            return self.subscribe_markdown(self._shown(page, markdown, keep=SUBSCRIBE_MARKER))
        if src_uri == HOME_PAGE:
            return self.home_markdown(self._shown(page, markdown))
        if page is None or (not page.unsafe_lines and not has_raw_html(page.lines)):
            return None
        return self._shown(page, markdown)

    def _shown(self, page, markdown: str, keep: re.Pattern | None = None) -> str:
        """The page's own text with raw HTML and what the HTML policy refuses made inert (``WrittenText``);
        lines matching ``keep`` (the renderer's own markers) are left as they are."""
        if page is None:
            return markdown
        out: list[str] = []
        start = 0
        markers = [i for i, line in enumerate(page.lines) if keep is not None and keep.fullmatch(line.strip())]
        for marker in [*markers, len(page.lines)]:
            out += self.written.lines(page, start, marker)
            if marker < len(page.lines):
                out.append(page.lines[marker])
            start = marker + 1
        return "\n".join(out) + "\n"

    def home_markdown(self, intro: str, page: str = HOME_PAGE) -> str:
        catalog = self.catalog
        counts = {kind: len(catalog.by_kind(kind)) for kind in SourceKind}
        body = self.templates.render(
            "llminfra/home.html", page,
            latest=catalog.newest_first[:HOME_LATEST],
            counts=counts,
            total=len(catalog.entries),
            tag_count=len(catalog.tags),
            month_count=len(catalog.months),
            audio_count=sum(1 for e in catalog.entries if e.audio),
            newest_month=catalog.months[0] if catalog.months else None,
            newest_week=catalog.weeks[0] if catalog.weeks else None,
            top_tags=sorted(catalog.tags.values(), key=lambda t: (-len(t.entries), t.name))[:24],
            SourceKind=SourceKind,
        )
        return intro.rstrip() + "\n\n" + body + "\n"

    def subscribe_markdown(self, text: str, page: str = SUBSCRIBE_PAGE) -> str:
        """The 订阅 page: its own markdown, with each ``<!-- llminfra:subscribe … -->`` filled in."""
        tags = sorted(self.catalog.tags.values(), key=lambda t: (-len(t.entries), t.name.casefold()))
        site_url = self.templates.options.site_url
        return SUBSCRIBE_MARKER.sub(lambda match: self.templates.render(
            "llminfra/subscribe.html", page, part=match.group(1), tags=tags, paths=FEED_PATHS,
            feed_url=lambda path: absolute_url(site_url, path), tag_feed_path=tag_feed_path,
        ), text)
