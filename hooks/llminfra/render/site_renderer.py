"""The renderer of the whole site: one object that the MkDocs adapter and the export both use.

It only routes: source pages (and the older parts of long ones) to
``source_pages``, the home and 订阅 pages to ``docs_pages``, the listing
pages of the site plan to ``generated_pages``. The HTML comes from Jinja
templates under ``overrides/llminfra/``; the output is markdown (plus
template HTML), so the same pages can be exported and built without the
hooks (``python -m llminfra export``).
"""

from __future__ import annotations

from pathlib import Path

from llminfra.domain.catalog import Catalog
from llminfra.domain.site_plan import PlannedPage, SitePlan
from llminfra.render.docs_pages import DocsPageRenderer
from llminfra.render.generated_pages import GeneratedPageRenderer
from llminfra.render.options import RenderOptions
from llminfra.render.safe_html import WrittenText
from llminfra.render.source_pages import SourcePageRenderer
from llminfra.render.templates import TemplateRenderer


class SiteRenderer:
    def __init__(self, catalog: Catalog, plan: SitePlan, templates_dir: Path, options: RenderOptions | None = None):
        self.catalog = catalog
        self.plan = plan
        self.options = options or RenderOptions()
        self.templates = TemplateRenderer(catalog, templates_dir, self.options)
        written = WrittenText(self.options.markdown_factory)
        self.source_pages = SourcePageRenderer(catalog, self.templates, written)
        self.docs_pages = DocsPageRenderer(catalog, self.templates, written)
        self.generated = GeneratedPageRenderer(catalog, self.templates, self.source_pages)

    def page_markdown(self, src_uri: str, markdown: str) -> str:
        """The body to convert for the page ``src_uri`` (docs page or older part) whose own body is ``markdown``.

        The hooks and ``python -m llminfra export`` both go through here, so the
        exported pages are the ones the site builds.
        """
        source = self.catalog.source_for(src_uri)
        if source is not None:
            return self.source_pages.source_page_markdown(source)
        planned = self.plan.get(src_uri)
        if planned is not None and planned.part is not None:  # below its title, from the page's file
            return f"{markdown}{self.source_pages.part_markdown(planned.part)}\n"
        body = self.docs_pages.body(src_uri, markdown)
        return markdown if body is None else body

    def listing_body(self, page: PlannedPage) -> str:
        return self.generated.listing_body(page)

    def head(self, page: PlannedPage, page_template: bool = False) -> str:
        return self.generated.head(page, page_template)

    def generated_markdown(self, page: PlannedPage) -> str:
        return self.generated.markdown(page)

    def source_url(self, path: str, line: int | None = None) -> str | None:
        return self.options.source_url(path, line)

    def release_caches(self) -> None:
        """Let cached HTML go once every page is written."""
        self.templates.release_caches()
        self.generated.release_caches()
