"""The pages of the site plan as MkDocs files.

Every generated page is a MkDocs page like any other, with one lifecycle:

- its file holds the front matter and ``# title`` (``SiteRenderer.head``);
- an older part of a long source file then gets its markdown body in
  ``on_page_markdown``, like the source page it comes from;
- a listing page names the template ``llminfra/generated-page.html`` in its
  front matter; ``on_page_context`` renders the body into the template's
  context (``LISTING_BODY``), as Material's blog plugin does for its views.

Under ``mkdocs serve --dirty`` the files live on disk instead
(``ServeCache``), rewritten only when the page would change, since a dirty
build rebuilds only files newer than their output.
"""

from __future__ import annotations

import logging

from mkdocs.structure.files import File

from llminfra.domain.site_plan import PlannedPage
from llminfra.mkdocs_adapter.serve_cache import ServeCache
from llminfra.render.site_renderer import SiteRenderer

log = logging.getLogger("mkdocs.plugins.llminfra")

LISTING_BODY = "llminfra_body"  # the template context variable overrides/llminfra/generated-page.html prints


def add_generated_file(files, config, page: PlannedPage, renderer: SiteRenderer, serve_cache: ServeCache | None):
    existing = files.get_file_from_path(page.src_uri)
    if existing is not None and not existing.generated_by:
        log.warning(f"docs/{page.src_uri}: this page is generated at build time; remove the file from docs/")
        files.remove(existing)
    head = renderer.head(page, page_template=True)
    if serve_cache is None:
        files.append(File.generated(config, page.src_uri, content=head))
        return
    # The body decides whether the page changed; it is rendered again when the page is built.
    path = serve_cache.generated_file(page.src_uri, head, fingerprint=renderer.generated.body(page))
    files.append(File.generated(config, page.src_uri, abs_src_path=path))
