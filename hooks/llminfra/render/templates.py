"""Jinja templates (``overrides/llminfra/``) and the helpers every template gets: links, tag names, listings."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import Entry, month_label
from llminfra.domain.urls import month_location, page_url, relative_url, tag_page, year_page
from llminfra.domain.weeks import epoch_seconds
from llminfra.render.excerpts import excerpt_of
from llminfra.render.options import RenderOptions

LISTING_TAG_CHIPS = 4  # tags shown with an entry in listings; its own page shows them all


@functools.lru_cache(maxsize=8)
def template_environment(templates_dir: str) -> jinja2.Environment:
    """One Jinja environment per templates folder for the whole process.

    ``mkdocs serve`` rebuilds reuse it and so its compiled templates; each
    build first drops those whose file changed (``TemplateRenderer``). Not
    Jinja's ``auto_reload``, which stats a template's file at every include
    of every render (~60,000 stats a build at 10,000 entries).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    env.filters["month_label"] = lambda key: month_label(int(key[:4]), int(key[5:7]))
    env.filters["year_page"] = year_page
    return env


def _forget_changed_templates(env: jinja2.Environment) -> None:
    """Drop the compiled templates whose file changed since they were loaded: once a build, not once a render."""
    for key, template in list(env.cache.items()) if env.cache is not None else ():
        if not template.is_up_to_date:
            del env.cache[key]


class TemplateRenderer:
    """Renders a template for one page, with links relative to that page.

    Listings show each entry on ~10 pages: its HTML is rendered once per
    (entry, folder depth, variant) and reused. Relative links repeat as well.
    """

    def __init__(self, catalog: Catalog, templates_dir: Path, options: RenderOptions):
        self.catalog = catalog
        self.options = options
        self.env = template_environment(str(templates_dir))
        _forget_changed_templates(self.env)
        self._listing_items: dict[tuple, Markup] = {}
        self._relative_links: dict[tuple[str, str, bool], str] = {}

    @functools.cached_property
    def since(self) -> int | None:
        """When the newest entry dated to a day was published (seconds since 1970 UTC): what a reader has seen
        once they have seen the site. "New since your last visit" (``macros.since_line``) compares with it."""
        newest = self.catalog.newest_dated
        return epoch_seconds(newest.published_at) if newest is not None else None

    def url_of(self, src_uri: str, anchor: str | None = None) -> str:
        url = page_url(src_uri, self.options.use_directory_urls)
        return f"{url}#{anchor}" if anchor else url

    def here(self, src_uri: str) -> str:
        return page_url(src_uri, self.options.use_directory_urls)

    def tag_name(self, slug: str) -> str:
        return self.catalog.tags[slug].name if slug in self.catalog.tags else slug

    def relative(self, here: str, url: str) -> str:
        # Cached per target page, not per anchor: entry links (related reading) differ in their #fragment only.
        # With a fragment, what is cached is what relative_url writes before it ("#" alone on the same page).
        path, _, fragment = url.partition("#")
        key = (here, path, bool(fragment))
        prefix = self._relative_links.get(key)
        if prefix is None:
            prefix = relative_url(here, f"{path}#x")[:-1] if fragment else relative_url(here, path)
            self._relative_links[key] = prefix
        return prefix + fragment

    def render(self, template: str, current_page: str, **context) -> str:
        here = self.here(current_page)

        def link(target_src: str, anchor: str | None = None) -> str:
            return self.relative(here, self.url_of(target_src, anchor))

        return self.env.get_template(template).render(
            since=self.since,
            link=link,
            entry_link=lambda e: link(e.page, e.anchor),
            tag_link=lambda slug: link(tag_page(slug)),
            month_link=lambda key: link(*month_location(key)),
            tag_name=self.tag_name,
            listing_item=lambda entry, excerpt=True, line=False, archive=False: self.listing_item(
                entry, here, excerpt, line, archive),
            source_url=self.options.source_url,
            **context,
        ).strip()

    def render_absolute(self, template: str, **context) -> str:
        """A template for outside the site (a feed item): no page, so no relative-link helpers."""
        return self.env.get_template(template).render(**context).strip()

    def listing_item(self, entry: Entry, here: str, excerpt: bool = True, line: bool = False,
                     archive: bool = False) -> Markup:
        """An entry in a listing: ``macros.entry_item`` (tag, archive and home pages) or ``entry_line``.

        In the archive, under its month's heading, an entry shows no tag chips and no date.

        Its links go up to the site root and down again (``../../share/#a-…``),
        so the HTML depends only on the page's folder depth and is reused on
        every listing at that depth.
        """
        root = "../" * here.count("/")
        key = (entry.source, root, excerpt, line, archive)  # an entry is where it is written
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

                html = macros.entry_item(entry, entry_link, tag_link, self.tag_name,
                                         excerpt=excerpt_of(entry) if excerpt else "",
                                         chips=0 if archive else LISTING_TAG_CHIPS)
            self._listing_items[key] = html
        return html

    def release_caches(self) -> None:
        """Let the listings' cached HTML go once every page is rendered."""
        self._listing_items.clear()
        self._relative_links.clear()


def _root_relative(root: str, url: str) -> str:
    """``url`` (site-root relative) seen from a page ``root`` (``../../``) below the site root."""
    path, _, fragment = url.partition("#")
    target = quote(root + path, safe="/.-_~%") or "./"
    return f"{target}#{fragment}" if fragment else target
