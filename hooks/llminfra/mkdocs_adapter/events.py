"""What the site does at each MkDocs event; ``hooks/site_hooks.py`` only dispatches here.

State lives in one ``BuildState`` per build (``on_config`` makes it), plus the
``mkdocs serve --dirty`` cache, which outlives builds.
"""


from __future__ import annotations

import html
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import markdown as python_markdown
from material.plugins.search.plugin import SearchPlugin
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils.meta import get_data as split_front_matter

from llminfra.domain.catalog import Catalog
from llminfra.domain.layout import SiteLayout
from llminfra.domain.urls import site_feed_links
from llminfra.mkdocs_adapter.fragments import TrustedFragments, TrustedFragmentsExtension
from llminfra.mkdocs_adapter.nav import chain_pages, drop_from_nav, link_generated_pages, trim_nav_sections
from llminfra.mkdocs_adapter.page_output import (
    compact_html,
    compact_search_index,
    limit_toc,
    release_markdown,
)
from llminfra.mkdocs_adapter.prerendered import body_anchor_ids, has_marker, marked_markdown, restore_body
from llminfra.mkdocs_adapter.search_worker import WorkerSearchIndex, teach_jieba, worker_index_wanted
from llminfra.mkdocs_adapter.serve_cache import ServeCache, mark_for_rebuild
from llminfra.publish.feeds import FeedOptions, write_feeds
from llminfra.publish.podcast import write_podcast
from llminfra.render.safe_html import SafeLinksExtension
from llminfra.render.site_renderer import GeneratedPage, RenderOptions, SiteRenderer
from llminfra.sources.audio_files import measure_local_audio
from llminfra.sources.loading import build_catalog

log = logging.getLogger("mkdocs.plugins.llminfra")


@dataclass
class BuildState:
    layout: SiteLayout
    catalog: Catalog | None = None
    renderer: SiteRenderer | None = None
    generated: dict[str, GeneratedPage] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    search_index: WorkerSearchIndex | None = None  # under `mkdocs build` only
    # Template HTML in source pages, kept out of the Markdown text until conversion.
    fragments: TrustedFragments = field(default_factory=TrustedFragments)


_state: BuildState | None = None
# Under `mkdocs serve --dirty` only: what the previous rebuild rendered.
_serve_cache: ServeCache | None = None
_command: str | None = None  # build, gh-deploy or serve; None when MkDocs is driven from Python


def startup(*, command, dirty):
    global _serve_cache, _command
    _command = command
    _serve_cache = ServeCache() if command == "serve" and dirty else None


def config(config):
    global _state
    root = Path(config.config_file_path).resolve().parent
    _state = BuildState(SiteLayout(root=root, docs_dir=_docs_dir_name(config, root)))
    _guard_links(config)
    config.markdown_extensions.append(TrustedFragmentsExtension(_state.fragments))
    if worker_index_wanted(_command):
        _state.search_index = _index_in_worker(config)
    return config


def files(files, *, config):
    state = _require_state()
    catalog = build_catalog(state.layout)
    state.catalog = catalog
    measure_local_audio(catalog, state.layout.docs_path)
    state.timings.update(catalog.timings)
    _report_problems(catalog, strict=bool(config.strict))
    _teach_segmenter(catalog, state.search_index)
    started = time.perf_counter()
    state.renderer = SiteRenderer(catalog, state.layout.root / state.layout.templates,
                                  _render_options(config, state.fragments))
    for page in state.renderer.generated_pages():
        _add_generated_file(files, config, page)
        state.generated[page.src_uri] = page
    if _serve_cache is not None:
        _mark_rewritten_pages(files, state.renderer, _serve_cache)
    state.timings["pages"] = time.perf_counter() - started
    return files


def nav(nav, *, config, files):
    # awesome-pages only finds files that exist in docs/; generated pages it
    # lists (tags/index.md, archive/index.md, …) come back as plain links.
    state = _require_state()
    link_generated_pages(nav, files, state.generated)
    older_parts = {part.page for part in state.catalog.older_parts}
    drop_from_nav(nav.items, lambda item: getattr(getattr(item, "file", None), "src_uri", None) in older_parts)
    # Each page carries its whole section of the navigation: keep long sections short.
    trim_nav_sections(nav.items)
    chain_pages(nav)
    return nav


def page_read_source(*, page, config):
    # Source pages are read (and their encoding problems reported) by the
    # catalog; MkDocs would stop the build on a stray invalid byte.
    state = _require_state()
    generated = state.generated.get(page.file.src_uri)
    if generated is not None and generated.is_markdown:  # an older part of a long source file
        return generated.markdown
    source = state.catalog.source_for(page.file.src_uri) if state.catalog else None
    return source.text.raw if source is not None else None


def page_markdown(markdown, *, page, config, files):
    state = _require_state()
    _escape_page_meta(page)
    if page.file.src_uri in state.generated:
        return markdown
    started = time.perf_counter()
    markdown = state.renderer.page_markdown(page.file.src_uri, markdown)
    state.timings["sources"] = state.timings.get("sources", 0.0) + time.perf_counter() - started
    return markdown


def page_content(html, *, page, config, files):
    state = _require_state()
    if state.search_index is not None and _content_is_final(page, state):
        state.search_index.submit(page, _without_related_reading(html))
    release_markdown(page)
    return html


def env(env, *, config, files):
    # Every template, 404 included, announces the site feeds in <head>.
    env.globals["llminfra_feeds"] = site_feed_links()
    return env


def page_context(context, *, page, config, nav):
    state = _require_state()
    generated = state.generated.get(page.file.src_uri)
    if generated is not None:
        edit_path = generated.edit_path
        page.edit_url = state.renderer.source_url(edit_path, generated.edit_line) if edit_path else None
        if has_marker(page.content):
            body = generated.render_body()
            page.content = restore_body(page.content, body)
            page.present_anchor_ids |= body_anchor_ids(body)
    # After the search plugin (hooks run after plugins), which reads the full
    # table of contents to title its sections.
    limit_toc(page.toc)
    return context


def post_page(output, *, page, config):
    state = _require_state()
    page.content = ""  # written: MkDocs would keep every page's HTML until the end of the build
    started = time.perf_counter()
    output = compact_html(output)
    state.timings["html"] = state.timings.get("html", 0.0) + time.perf_counter() - started
    return output


def post_build(*, config):
    state = _require_state()
    started = time.perf_counter()
    options = _feed_options(config)
    write_feeds(state.catalog, options, Path(config.site_dir))
    write_podcast(state.catalog, options, Path(config.site_dir))
    state.timings["feeds"] = time.perf_counter() - started
    state.timings["pages"] += state.renderer.generated_seconds  # bodies rendered as pages were written
    state.renderer.release_caches()
    started = time.perf_counter()
    # After the search plugin's on_post_build (hooks run after plugins).
    compact_search_index(Path(config.site_dir) / "search" / "search_index.json")
    state.timings["search"] = time.perf_counter() - started
    figures = " ".join(f"{name}={seconds:.3f}s" for name, seconds in state.timings.items())
    log.info(f"llminfra timing: {figures}")
    report = state.search_index.report if state.search_index else None
    if report is not None:
        log.info(f"llminfra search worker: pages={report.pages} busy={report.busy_seconds:.3f}s "
                 f"peak_rss={report.peak_rss_mb:.0f}MB")


# -- helpers ---------------------------------------------------------------


def _require_state() -> BuildState:
    if _state is None:
        raise RuntimeError("llminfra hooks: on_config did not run")
    return _state


def _docs_dir_name(config, root: Path) -> str:
    docs = Path(config.docs_dir).resolve()
    try:
        return docs.relative_to(root).as_posix()
    except ValueError:
        return docs.as_posix()


def _render_options(config, fragments: TrustedFragments) -> RenderOptions:
    repo = (config.repo_url or "").rstrip("/")
    branch = (config.extra or {}).get("source_branch", "main")
    return RenderOptions(
        use_directory_urls=config.use_directory_urls,
        site_url=config.site_url or "",
        repo_blob_url=f"{repo}/blob/{branch}/" if "github.com" in repo else None,
        markdown_factory=lambda: python_markdown.Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {}),
        html_block=fragments.token,
    )


def _feed_options(config) -> FeedOptions:
    return FeedOptions.from_settings(
        (config.extra or {}).get("feeds"),
        site_url=config.site_url or "",
        site_name=config.site_name,
        site_description=config.site_description or "",
        author=config.site_author or "",
        use_directory_urls=config.use_directory_urls,
    )


def _guard_links(config) -> None:
    """Every markdown link on the site goes through the unsafe-scheme filter."""
    if not any(isinstance(ext, SafeLinksExtension) for ext in config.markdown_extensions):
        config.markdown_extensions.append(SafeLinksExtension())


def _escape_page_meta(page) -> None:
    # Material prints page.meta.title and .description into <head> unescaped.
    for key in ("title", "description"):
        value = page.meta.get(key)
        if isinstance(value, str) and any(c in value for c in '<>"'):
            page.meta[key] = html.escape(value, quote=True)


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


# The related-reading line of an entry (overrides/llminfra/entry-meta.html), inside its data-search-exclude block.
_RELATED_LINE = re.compile(r'<p class="llm-entry-meta__related">.*?</p>')


def _without_related_reading(content: str) -> str:
    """The page HTML for the search index, without the related-reading lines.

    Material leaves them out of the index anyway (data-search-exclude) but parses
    them first: at 10,000 entries, 3 MB of HTML the worker need not read.
    """
    return _RELATED_LINE.sub("", content) if 'class="llm-entry-meta__related"' in content else content


def _content_is_final(page, state: BuildState) -> bool:
    """False for generated pages whose body is spliced in later (on_page_context): Material indexes those then."""
    generated = state.generated.get(page.file.src_uri)
    return generated is None or generated.is_markdown


def _index_in_worker(config) -> WorkerSearchIndex | None:
    """Put a ``WorkerSearchIndex`` in the place of Material's (hooks run after plugins' ``on_config``)."""
    plugin = next((p for p in config.plugins.values() if isinstance(p, SearchPlugin)), None)
    if plugin is None or not plugin.config.enabled:
        return None
    plugin.search_index = WorkerSearchIndex(**plugin.config)
    return plugin.search_index


def _teach_segmenter(catalog: Catalog, search_index: WorkerSearchIndex | None) -> None:
    """Keep domain words whole in Material's jieba-based search index."""
    words = catalog.taxonomy.segmenter_words()
    if search_index is not None:  # jieba then runs in the worker only
        search_index.add_words(words)
    elif not teach_jieba(words):  # Material then indexes Chinese unsegmented; the tests catch that.
        log.warning("jieba is not installed: Chinese search will not find words inside sentences")


def _add_generated_file(files, config, page: GeneratedPage) -> None:
    existing = files.get_file_from_path(page.src_uri)
    if existing is not None and not existing.generated_by:
        log.warning(f"docs/{page.src_uri}: this page is generated at build time; remove the file from docs/")
        files.remove(existing)
    if _serve_cache is not None:  # a file on disk, newer than the built page only if the markdown changed
        files.append(File.generated(config, page.src_uri,
                                    abs_src_path=_serve_cache.generated_file(page.src_uri, page.markdown)))
    elif page.is_markdown:  # the markdown is rendered when MkDocs reads the page (on_page_read_source)
        files.append(File.generated(config, page.src_uri, content=page.head))
    else:  # the body is rendered when the page is written (on_page_context)
        files.append(File.generated(config, page.src_uri, content=marked_markdown(page.head)))


def _mark_rewritten_pages(files, renderer: SiteRenderer, cache: ServeCache) -> None:
    """Docs pages whose rendered body changed though their file did not: rebuild them in a dirty build."""
    for file in files.documentation_pages():
        if file.generated_by:
            continue
        # A source page's body comes from the catalog (which also copes with bad bytes in the file).
        is_source = renderer.catalog.source_for(file.src_uri) is not None
        body = "" if is_source else split_front_matter(file.content_string)[0]
        if cache.body_changed(file.src_uri, renderer.page_markdown(file.src_uri, body)):
            mark_for_rebuild(file.abs_dest_path)
