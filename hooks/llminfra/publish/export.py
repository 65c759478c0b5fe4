"""The site as plain markdown: every page the hooks produce, written out as files.

``export_site(root, settings, out)`` writes into ``out`` a docs folder that plain
MkDocs (no hooks) builds into the same pages as the hooked build:

- the generated pages (tags, archive, notes index, …) as the renderer makes them;
- the source pages (share lists, series, notes) with their rendered bodies,
  behind their own front matter;
- the pages whose body the hooks rewrite (home, …) likewise;
- every other file of ``docs/`` (assets, ``.pages``, audio) copied as it is.

``portable_config(text, docs_dir, config_path)`` turns the project's ``mkdocs.yml``
into one without ``hooks:`` that builds such a folder, and ``copy_templates`` puts
our templates beside it: a self-contained project that MkDocs and Zensical build.
Both serve the benchmark (plain MkDocs on the same pages is the floor the hooks
are measured against) and portability (the site without this package).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import SourceKind
from llminfra.domain.page_meta import escaped_page_meta
from llminfra.domain.site_options import SiteSettings
from llminfra.domain.site_plan import plan_site
from llminfra.domain.urls import site_feed_links
from llminfra.publish.feeds import FeedOptions, write_feeds
from llminfra.publish.podcast import write_podcast
from llminfra.publish.weekly_feed import write_weekly_feed
from llminfra.render.options import render_options
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.loading import build_catalog
from llminfra.sources.project_links import project_file
from llminfra.sources.source_text import read_source_text


@dataclass
class ExportReport:
    generated: list[str] = field(default_factory=list)  # docs-relative pages made by the renderer
    rendered: list[str] = field(default_factory=list)  # docs pages whose body the renderer rewrote
    copied: list[str] = field(default_factory=list)  # files copied unchanged
    feeds: list[str] = field(default_factory=list)  # feeds the hooks write after a build, written as docs files


def export_site(root: Path, settings: SiteSettings, out: Path) -> ExportReport:
    """Write the docs folder of the project at ``root`` as plain markdown into ``out`` (emptied first).

    ``settings`` are the project's mkdocs.yml settings as MkDocs resolved them
    (``llminfra.mkdocs_adapter.site_config`` reads them).
    """
    layout = SiteLayout(root=root, docs_dir=settings.docs_dir)
    catalog = build_catalog(layout, upstream=settings.options.upstream)
    plan = plan_site(catalog, layout)
    renderer = SiteRenderer(catalog, plan, layout.root / layout.templates, render_options(settings))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    report = ExportReport()
    generated = {page.src_uri: renderer.generated_markdown(page) for page in plan.pages}
    for path in sorted(layout.docs_path.rglob("*")):
        src_uri = path.relative_to(layout.docs_path).as_posix()
        if project_file(layout.root, layout.project_path(src_uri)) is None:  # not a file, or behind a link out
            continue
        if src_uri in generated:
            continue  # the build replaces it too (and warns)
        target = out / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if not src_uri.endswith(".md"):
            shutil.copy2(path, target)
            report.copied.append(src_uri)
            continue
        source = catalog.source_for(src_uri)
        raw = source.text.raw if source is not None else path.read_bytes().decode("utf-8", errors="replace")
        front_matter, body = split_front_matter(src_uri, raw, source.kind if source is not None else None)
        page_body = renderer.page_markdown(src_uri, body)
        as_written = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").startswith(front_matter)
        if page_body == body and source is None and as_written:
            shutil.copy2(path, target)
            report.copied.append(src_uri)
            continue
        target.write_text(front_matter + page_body, encoding="utf-8")
        report.rendered.append(src_uri)
    for src_uri, text in generated.items():
        target = out / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        report.generated.append(src_uri)
    # Without hooks nothing writes the feeds after the build: they go in as files that any build copies.
    options = FeedOptions.for_site(settings)
    written = [*write_feeds(catalog, options, out), *write_podcast(catalog, options, out),
               write_weekly_feed(catalog, options, out, renderer.templates)]
    report.feeds = sorted(path.relative_to(out).as_posix() for path in written)
    return report


def split_front_matter(path: str, raw: str, kind: SourceKind | None = None) -> tuple[str, str]:
    """(front matter block with its ``---`` lines, body) of a markdown file (a source of ``kind``, or ``None``
    for a hand-written page).

    The block is written back as it was, except that keys the page may not set are left out and a printed
    value (title, description, author) holding ``<``, ``>`` or ``"`` is HTML-escaped, as the hooks do before
    the theme prints them; an invalid block is dropped, as the build drops it.
    """
    text = read_source_text(path, raw, kind)
    body = "\n".join(text.lines) + "\n"
    if not text.body_offset or not text.meta:
        return "", body
    escaped = escaped_page_meta(text.meta)
    if escaped is None and not text.meta_problems:
        lines = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(lines[: text.body_offset]) + "\n", body
    meta = escaped or text.meta
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n", body


# The hooks, and the folders `mkdocs serve` watches for them (relative to the project).
_HOOKS_BLOCK = re.compile(r"^(?:hooks|watch):[ \t]*\n(?:[ \t]+-.*\n|[ \t]*\n)*", re.M)
_DOCS_DIR = re.compile(r"^docs_dir:.*\n", re.M)
_CUSTOM_DIR = re.compile(r"^([ \t]+custom_dir:[ \t]*)(\S+)[ \t]*$", re.M)


_EXTRA_BLOCK = re.compile(r"^extra:[ \t]*\n", re.M)


def portable_config(text: str, docs_dir: Path, config_path: Path) -> str:
    """``mkdocs.yml`` text for an exported project at ``config_path``, which MkDocs and Zensical both build.

    Without ``hooks:`` (and ``watch:``), and self-contained: ``docs_dir``
    is relative to the config file (Zensical accepts only a folder inside the
    project), the theme's ``custom_dir`` (our templates) is copied beside it by
    ``copy_templates``, and the site feeds that the hooks announce in ``<head>``
    are listed in ``extra.llminfra_feeds``, where the templates find them
    without hooks.
    """
    text = _HOOKS_BLOCK.sub("", text)
    text = _DOCS_DIR.sub("", text)
    here = config_path.parent.resolve()
    match = _CUSTOM_DIR.search(text)
    if match:
        copied = here / Path(match.group(2)).name
        text = _CUSTOM_DIR.sub(lambda m: m.group(1) + _relative_to(copied, here), text)
    feeds = "  llminfra_feeds: " + json.dumps(site_feed_links(), ensure_ascii=False) + "\n"
    if _EXTRA_BLOCK.search(text):
        text = _EXTRA_BLOCK.sub(lambda m: m.group(0) + feeds, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\nextra:\n" + feeds
    return f"docs_dir: {_relative_to(docs_dir.resolve(), here)}\n" + text


def copy_templates(text: str, config_path: Path, project_root: Path) -> Path | None:
    """Copy the theme's ``custom_dir`` named in the ``mkdocs.yml`` ``text`` beside ``config_path``.

    Returns the copy (None when there is no custom_dir, or it already is there).
    """
    match = _CUSTOM_DIR.search(text)
    if not match:
        return None
    source = (project_root / match.group(2)).resolve()
    target = config_path.parent.resolve() / source.name
    if target == source:
        return None
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    for template in MATERIAL_ONLY_TEMPLATES:
        (target / template).unlink(missing_ok=True)
    return target


# Overrides of Material's own partials that another theme's templates must keep: Zensical builds its search dialog
# in JavaScript from a different partials/search.html, and Material's markup in its place leaves search dead.
MATERIAL_ONLY_TEMPLATES = ("partials/search.html",)


def _relative_to(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()
