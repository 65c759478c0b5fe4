"""What the site does at each MkDocs event; ``hooks/site_hooks.py`` only dispatches here.

State lives on objects, never in this module: a ``Session`` from ``on_startup`` to ``on_shutdown`` (one
``mkdocs build``, or one ``mkdocs serve`` with all its rebuilds) holds the command and the ``serve --dirty``
cache; a ``BuildState`` per build, made by ``on_config``, is kept on that build's config object, which MkDocs
hands to every later event. A build driven from Python, without ``on_startup``, is a session of its own, so
no build ever sees another's state.
"""


from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup
from material.plugins.search.plugin import SearchPlugin
from mkdocs.exceptions import PluginError

from llminfra.domain.catalog import Catalog
from llminfra.domain.layout import SiteLayout
from llminfra.domain.page_meta import escaped_page_meta
from llminfra.domain.site_options import SiteOptions, SiteSettings
from llminfra.domain.site_plan import SitePlan, plan_site
from llminfra.domain.urls import site_feed_links
from llminfra.mkdocs_adapter.files_index import IndexedFiles
from llminfra.mkdocs_adapter.fragments import TrustedFragments, TrustedFragmentsExtension
from llminfra.mkdocs_adapter.generated_files import LISTING_BODY, add_generated_file
from llminfra.mkdocs_adapter.nav import (
    chain_pages,
    drop_from_nav,
    link_generated_pages,
    make_nav_inert,
    trim_nav_sections,
)
from llminfra.mkdocs_adapter.page_output import (
    body_anchor_ids,
    compact_html,
    limit_toc,
    release_markdown,
)
from llminfra.mkdocs_adapter.search_worker import ShardedSearchIndex, worker_index_wanted
from llminfra.mkdocs_adapter.serve_cache import ServeCache, mark_for_rebuild
from llminfra.mkdocs_adapter.site_config import docs_dir_name, site_options, site_settings
from llminfra.publish.feeds import FeedOptions, write_feeds
from llminfra.publish.podcast import write_podcast
from llminfra.publish.weekly_feed import write_weekly_feed
from llminfra.render.options import render_options
from llminfra.render.safe_html import HtmlPolicyExtension
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.front_matter import markdown_for_mkdocs
from llminfra.sources.loading import build_catalog
from llminfra.sources.project_links import escaping_links

log = logging.getLogger("mkdocs.plugins.llminfra")


@dataclass
class BuildState:
    layout: SiteLayout
    options: SiteOptions
    catalog: Catalog | None = None
    renderer: SiteRenderer | None = None
    plan: SitePlan | None = None  # every page the build generates
    timings: dict[str, float] = field(default_factory=dict)
    search_index: ShardedSearchIndex | None = None  # in the search plugin's place
    # Template HTML in source pages, kept out of the Markdown text until conversion.
    fragments: TrustedFragments = field(default_factory=TrustedFragments)
    serve_cache: ServeCache | None = None  # the session's, under `mkdocs serve --dirty`


@dataclass
class Session:
    """What outlives a build: from ``on_startup`` to ``on_shutdown``."""

    command: str | None = None  # build, gh-deploy or serve; None when MkDocs is driven from Python
    # Under `mkdocs serve --dirty` only: what the previous rebuild rendered.
    serve_cache: ServeCache | None = None


class SiteHooks:
    """The session of one loaded ``hooks/site_hooks.py`` (MkDocs loads that file once per process)."""

    def __init__(self):
        self.session: Session | None = None

    def startup(self, *, command, dirty):
        self.session = Session(command, ServeCache() if command == "serve" and dirty else None)

    def shutdown(self):
        self.session = None

    def config(self, config):
        # Without on_startup (a build driven from Python), the build is a session of its own.
        session = self.session or Session()
        root = Path(config.config_file_path).resolve().parent
        # A bad option stops here, before any page is built (SiteOptionsError names the key).
        layout = SiteLayout(root=root, docs_dir=docs_dir_name(config))
        _refuse_escaping_links(layout)
        state = BuildState(layout, site_options(config), serve_cache=session.serve_cache)
        setattr(config, STATE_ATTRIBUTE, state)
        _guard_html(config)
        config.markdown_extensions.append(TrustedFragmentsExtension(state.fragments))
        state.search_index = _sharded_search_index(config, in_worker=worker_index_wanted(session.command))
        return config


# A build's state is kept on the MkDocs config of that build, which every later event is handed.
STATE_ATTRIBUTE = "_llminfra_build"


def state_of(config) -> BuildState:
    state = getattr(config, STATE_ATTRIBUTE, None)
    if state is None:
        raise RuntimeError("llminfra hooks: on_config did not run for this build")
    return state


def files(files, *, config):
    state = state_of(config)
    catalog = build_catalog(state.layout, upstream=state.options.upstream)
    state.catalog = catalog
    state.timings.update(catalog.timings)
    _report_problems(catalog, strict=bool(config.strict))
    started = time.perf_counter()
    state.plan = plan_site(catalog, state.layout)
    state.renderer = SiteRenderer(catalog, state.plan, state.layout.root / state.layout.templates,
                                  render_options(_without_fragments(site_settings(config, state.options)),
                                                 html_block=state.fragments.token,
                                                 heading=state.fragments.heading))
    for page in state.plan.pages:
        add_generated_file(files, config, page, state.renderer, state.serve_cache)
    if state.serve_cache is not None:
        _mark_rewritten_pages(files, state.renderer, state.serve_cache)
    state.timings["pages"] = time.perf_counter() - started
    return IndexedFiles(files)


def nav(nav, *, config, files):
    # awesome-pages only finds files that exist in docs/; generated pages it
    # lists (tags/index.md, archive/index.md, …) come back as plain links.
    state = state_of(config)
    link_generated_pages(nav, files, state.plan.by_src_uri)
    make_nav_inert(nav.items)
    older_parts = {part.page for part in state.catalog.older_parts}
    drop_from_nav(nav.items, lambda item: getattr(getattr(item, "file", None), "src_uri", None) in older_parts)
    # Each page carries its whole section of the navigation: keep long sections short.
    trim_nav_sections(nav.items)
    chain_pages(nav)
    return nav


def page_read_source(*, page, config):
    # Source pages are read (and their encoding problems reported) by the catalog; MkDocs would stop the build
    # on a stray invalid byte. Every page reaches MkDocs with its front matter validated and written anew
    # (sources.front_matter): MkDocs' own YAML loader never reads what a writer put there.
    state = state_of(config)
    source = state.catalog.source_for(page.file.src_uri)
    text = source.text if source is not None else state.catalog.docs_pages.get(page.file.src_uri)
    return markdown_for_mkdocs(text) if text is not None else None


def page_markdown(markdown, *, page, config, files):
    state = state_of(config)
    _escape_page_meta(page)
    planned = state.plan.get(page.file.src_uri)
    if planned is not None and planned.is_listing:  # its body goes into its template (page_context)
        return markdown
    started = time.perf_counter()
    markdown = state.renderer.page_markdown(page.file.src_uri, markdown)
    state.timings["sources"] = state.timings.get("sources", 0.0) + time.perf_counter() - started
    return markdown


def page_content(html, *, page, config, files):
    state = state_of(config)
    if state.search_index is not None:
        state.search_index.submit(page, html)
    release_markdown(page)
    return html


def env(env, *, config, files):
    # Every template, 404 included, announces the site feeds in <head>.
    env.globals["llminfra_feeds"] = site_feed_links()
    return env


def page_context(context, *, page, config, nav):
    state = state_of(config)
    planned = state.plan.get(page.file.src_uri)
    if planned is not None:
        page.edit_url = state.renderer.source_url(planned.edit_path, planned.edit_line) if planned.edit_path else None
        if planned.is_listing:
            # Rendered as the page is written, so no listing's HTML is held for the whole build.
            body = state.renderer.listing_body(planned)
            context[LISTING_BODY] = Markup(body)
            page.present_anchor_ids |= body_anchor_ids(body)
    # After the search plugin, which reads the full table of contents to title its sections.
    limit_toc(page.toc)
    return context


def post_page(output, *, page, config):
    state = state_of(config)
    page.content = ""  # written: MkDocs would keep every page's HTML until the end of the build
    started = time.perf_counter()
    output = compact_html(output)
    state.timings["html"] = state.timings.get("html", 0.0) + time.perf_counter() - started
    return output


def post_build(*, config):
    state = state_of(config)
    started = time.perf_counter()
    options = FeedOptions.for_site(site_settings(config, state.options))
    write_feeds(state.catalog, options, Path(config.site_dir))
    write_podcast(state.catalog, options, Path(config.site_dir))
    write_weekly_feed(state.catalog, options, Path(config.site_dir), state.renderer.templates)
    state.timings["feeds"] = time.perf_counter() - started
    state.timings["pages"] += state.renderer.generated.seconds  # listing bodies rendered as pages were written
    state.renderer.release_caches()
    figures = " ".join(f"{name}={seconds:.3f}s" for name, seconds in state.timings.items())
    log.info(f"llminfra timing: {figures}")
    report = state.search_index.report if state.search_index else None
    if report is not None:
        log.info(f"llminfra search worker: pages={report.pages} busy={report.busy_seconds:.3f}s "
                 f"peak_rss={report.peak_rss_mb:.0f}MB {report.summary}")


# -- helpers ---------------------------------------------------------------


def _refuse_escaping_links(layout: SiteLayout) -> None:
    """Stop every build, strict or not, while a link leads out of docs/, overrides/ or data/.

    MkDocs walks docs/ following links (a link to / would have it walk the whole disk) and copies what it finds,
    and loads the theme's templates through links, all before any later event could leave a file out: so the
    build does not start, and nothing behind such a link reaches site/.
    """
    links = escaping_links(layout)
    if links:
        shown = "\n".join(f"  {link.path}: {link.problem().message} ({link.problem().hint})" for link in links)
        raise PluginError(f"llminfra: {len(links)} symbolic link{'s' if len(links) != 1 else ''} "
                          f"lead{'s' if len(links) == 1 else ''} outside the project:\n{shown}")


def _without_fragments(settings: SiteSettings) -> SiteSettings:
    """The settings for the renderer's own converter of writers' text (``render.safe_html.WrittenText``): the
    site's extensions but the trusted fragments', so no token a writer copies (a digest is no secret) is ever
    swapped there, nor used up before the page that registered it is converted."""
    extensions = tuple(ext for ext in settings.markdown_extensions if not isinstance(ext, TrustedFragmentsExtension))
    return dataclasses.replace(settings, markdown_extensions=extensions)


def _guard_html(config) -> None:
    """Every element of every page goes through the HTML policy, after the last extension that sets attributes."""
    if not any(isinstance(ext, HtmlPolicyExtension) for ext in config.markdown_extensions):
        config.markdown_extensions.append(HtmlPolicyExtension())


def _escape_page_meta(page) -> None:
    # Material prints page.meta.title and .description into <head> unescaped.
    escaped = escaped_page_meta(page.meta)
    if escaped is not None:
        page.meta.update(escaped)


# Source errors repeated in the strict failure's own message, which `-q` still shows.
STRICT_ERRORS_SHOWN = 10


def _report_problems(catalog: Catalog, strict: bool = False) -> None:
    """Log every problem; in strict mode, then fail the build if any is an error.

    Errors are also warnings to MkDocs, but MkDocs counts warnings only at the
    levels its logger shows: ``-q`` hides them, and the strict check with them
    (mkdocs/mkdocs#4126). So the strict failure does not depend on logging.
    """
    errors = []
    for problem in catalog.problems:
        if problem.severity == "error":
            errors.append(problem)
            log.warning(str(problem))
        else:
            log.info(str(problem))
    if strict and errors:
        shown = "\n".join(f"  {problem}" for problem in errors[:STRICT_ERRORS_SHOWN])
        more = f"\n  … and {len(errors) - STRICT_ERRORS_SHOWN} more" if len(errors) > STRICT_ERRORS_SHOWN else ""
        raise PluginError(f"llminfra: {len(errors)} source error{'s' if len(errors) != 1 else ''} "
                          f"in strict mode:\n{shown}{more}")


# Set in the theme's `extra` when the hooks write the sharded index: overrides/main.html then starts our search
# worker. A build without the hooks (the export, built by MkDocs or Zensical) keeps its theme's own search.
SHARDED_SEARCH_FLAG = "llminfra_sharded_search"


def _sharded_search_index(config, in_worker: bool) -> ShardedSearchIndex | None:
    """Put a ``ShardedSearchIndex`` in the place of Material's (hooks run after plugins' ``on_config``)."""
    plugin = next((p for p in config.plugins.values() if isinstance(p, SearchPlugin)), None)
    if plugin is None or not plugin.config.enabled:
        return None
    plugin.search_index = ShardedSearchIndex(config.site_dir, in_worker, **plugin.config)
    config.extra[SHARDED_SEARCH_FLAG] = True
    return plugin.search_index


def _mark_rewritten_pages(files, renderer: SiteRenderer, cache: ServeCache) -> None:
    """Docs pages whose rendered body changed though their file did not: rebuild them in a dirty build."""
    for file in files.documentation_pages():
        if file.generated_by:
            continue
        # A source page's body comes from the catalog (which also copes with bad bytes in the file).
        is_source = renderer.catalog.source_for(file.src_uri) is not None
        page = renderer.catalog.docs_pages.get(file.src_uri)
        body = "" if is_source or page is None else "\n".join(page.lines) + "\n"
        if cache.body_changed(file.src_uri, renderer.page_markdown(file.src_uri, body)):
            mark_for_rebuild(file.abs_dest_path)
