"""Reading the project's sources from disk into the catalog: the one place that opens them."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from llminfra.domain.catalog import Catalog, assemble_catalog
from llminfra.domain.document import ParsedSource, SourceText
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import SourceKind
from llminfra.domain.parts import DEFAULT_PART_LIMITS, PartLimits
from llminfra.domain.problems import SourceProblem
from llminfra.domain.site_options import UpstreamSettings
from llminfra.domain.taxonomy import Taxonomy
from llminfra.domain.upstream import first_differing_line
from llminfra.sources.arrivals import read_arrivals
from llminfra.sources.audio_files import measure_audio
from llminfra.sources.markup_policy import check_page_markup
from llminfra.sources.nav_files import nav_file_problems
from llminfra.sources.notes import NoteParser
from llminfra.sources.project_links import escaping_links, project_file
from llminfra.sources.provenance import read_provenance
from llminfra.sources.series import SeriesIndexParser
from llminfra.sources.sharelist import ShareListParser
from llminfra.sources.source_text import read_source_text
from llminfra.sources.static_files import active_file_problems
from llminfra.sources.tag_corrections_file import read_tag_corrections
from llminfra.sources.taxonomy_file import parse_taxonomy

PARSERS = {
    SourceKind.SHARE: ShareListParser,
    SourceKind.SERIES: SeriesIndexParser,
    SourceKind.NOTE: NoteParser,
}

REAL_UPSTREAM = UpstreamSettings()  # the defaults: the repository this site mirrors


def read_taxonomy(layout: SiteLayout) -> Taxonomy:
    path = project_file(layout.root, layout.taxonomy)
    text = path.read_text(encoding="utf-8") if path is not None else ""
    return parse_taxonomy(text, layout.taxonomy)


def discover_sources(layout: SiteLayout) -> list[tuple[SourceKind, str]]:
    """(kind, docs-relative page) for every source file, in a stable order."""
    found: list[tuple[SourceKind, str]] = []
    docs = layout.docs_path
    if project_file(layout.root, layout.project_path(layout.series_page)) is not None:
        found.append((SourceKind.SERIES, layout.series_page))
    for kind, folder, skip in ((SourceKind.SHARE, layout.share_dir, set()),
                               (SourceKind.NOTE, layout.notes_dir, {"index.md"})):
        directory = docs / folder
        if not directory.is_dir():
            continue
        names = sorted(os.listdir(directory), reverse=kind is SourceKind.NOTE)
        if kind is SourceKind.SHARE:  # upstream's mirror first: its listing of an article is the one kept
            mirror = layout.mirror_page.rpartition("/")[2]
            names.sort(key=lambda name: name != mirror)
        for name in names:
            page = f"{folder}/{name}"
            if name.endswith(".md") and name not in skip and project_file(layout.root, layout.project_path(page)):
                found.append((kind, page))
    return found


def read_docs_pages(layout: SiteLayout, source_pages: set[str]) -> dict[str, SourceText]:
    """Every other markdown page under docs/ (docs-relative path -> text), in a stable order."""
    pages: dict[str, SourceText] = {}
    docs = layout.docs_path
    for folder, dirs, names in os.walk(docs):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            page = path.relative_to(docs).as_posix()
            if (name.endswith(".md") and page not in source_pages
                    and project_file(layout.root, layout.project_path(page)) is not None):
                raw = path.read_bytes().decode("utf-8", errors="replace")
                pages[page] = read_source_text(layout.project_path(page), raw, kind=None)
    return pages


def local_audio_files(layout: SiteLayout, sources: list[ParsedSource]) -> frozenset[str]:
    """The site paths of the local audio clips the sources name that exist under docs/."""
    named = {edit.clip.site_path for source in sources for edit in source.edits
             if edit.clip is not None and edit.clip.is_local}
    return frozenset(path for path in named if project_file(layout.root, layout.project_path(path)) is not None)


def parse_sources(layout: SiteLayout, upstream: UpstreamSettings = REAL_UPSTREAM) -> list[ParsedSource]:
    """Every source file under ``layout``; the mirror of ``upstream`` is read as upstream's own file."""
    parsed = []
    for kind, page in discover_sources(layout):
        data = (layout.docs_path / page).read_bytes()
        raw = data.decode("utf-8", errors="replace")
        is_mirror = kind is SourceKind.SHARE and page == layout.mirror_page
        parser = ShareListParser(mirror_of=upstream.readme_url) if is_mirror else PARSERS[kind]()
        source = parser.parse(layout.project_path(page), page, raw)
        if is_mirror:
            source.sha256 = hashlib.sha256(data).hexdigest()  # the bytes just read: the file is opened once
        parsed.append(source)
    return parsed


def build_catalog(layout: SiteLayout, taxonomy: Taxonomy | None = None,
                  sources: list[ParsedSource] | None = None, part_limits: PartLimits = DEFAULT_PART_LIMITS,
                  upstream: UpstreamSettings = REAL_UPSTREAM) -> Catalog:
    """Read the taxonomy and every source under ``layout`` (unless given) and assemble the catalog.

    ``upstream``: where the mirror comes from (the site options' ``upstream``; defaults to the real one).
    """
    started = time.perf_counter()
    taxonomy = taxonomy or read_taxonomy(layout)
    if sources is None:
        sources = parse_sources(layout, upstream)
    arrivals, arrival_problems = read_arrivals(layout.root)
    parsed_seconds = time.perf_counter() - started
    corrections = read_tag_corrections(layout.root, layout.tag_corrections)
    catalog = assemble_catalog(layout, taxonomy, sources, part_limits, local_audio_files(layout, sources),
                               corrections, arrivals)
    catalog.problems.extend(arrival_problems)
    measure_audio(catalog, layout)  # local files with mutagen, remote ones from data/audio.yml
    catalog.upstream = read_provenance(layout.root, catalog.problems)
    # Links out of docs/, overrides/ or data/: never read above, errors here (the build refuses to start).
    catalog.problems.extend(link.problem() for link in escaping_links(layout))
    catalog.problems.extend(nav_file_problems(layout))
    catalog.problems.extend(active_file_problems(layout))
    catalog.docs_pages = read_docs_pages(layout, {source.page for source in sources})
    for page in catalog.docs_pages.values():
        catalog.problems.extend(page.meta_problems)
        catalog.problems.extend(check_page_markup(page))
    check_mirror_is_synced(layout, sources, catalog.upstream, catalog.problems)
    catalog.timings = {"parse": parsed_seconds, **catalog.timings}
    return catalog


def check_mirror_is_synced(layout: SiteLayout, sources: list[ParsedSource], provenance, problems) -> None:
    """An error when the mirror's bytes are not the ones sync wrote: someone edited upstream's file here.

    Such an edit would go live and then vanish at the next sync (an entry pasted there is lost), so it fails
    check and the strict build, naming the first line that is not upstream's.
    """
    mirror = next((s for s in sources if s.mirror_of), None)
    if mirror is None or provenance is None or not provenance.sha256:
        return
    if mirror.sha256 == provenance.sha256:
        return
    try:
        line = first_differing_line((layout.docs_path / mirror.page).read_bytes(), provenance.lines)
    except OSError:
        line = 1
    synced = ", ".join(part for part in (f"commit {provenance.short_commit}" if provenance.commit else "",
                                         f"synced {provenance.synced}" if provenance.synced else "") if part)
    problems.append(SourceProblem(
        mirror.path, line, "differs from upstream's file as last synced" + (f" ({synced})" if synced else ""),
        f"move the entry to {layout.project_path(layout.contributed_page)}; sync restores upstream's file"))
