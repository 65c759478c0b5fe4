"""Hand-written docs pages whose body the renderer completes: the home page and the 订阅 page."""

from __future__ import annotations

import re

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import SourceKind
from llminfra.domain.urls import FEED_PATHS, SUBSCRIBE_PAGE, absolute_url, tag_feed_path
from llminfra.render.templates import TemplateRenderer

HOME_PAGE = "index.md"
HOME_LATEST = 12
# Comments in the hand-written 订阅 page that are replaced by feed addresses.
SUBSCRIBE_MARKER = re.compile(r"<!--\s*llminfra:subscribe\s+(site|podcast|tags)\s*-->")


class DocsPageRenderer:
    def __init__(self, catalog: Catalog, templates: TemplateRenderer):
        self.catalog = catalog
        self.templates = templates

    def body(self, src_uri: str, markdown: str) -> str | None:
        """The completed body of ``src_uri``, or None for a page the renderer leaves alone."""
        if src_uri == HOME_PAGE:
            return self.home_markdown(markdown)
        if src_uri == SUBSCRIBE_PAGE:
            return self.subscribe_markdown(markdown)
        return None

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
