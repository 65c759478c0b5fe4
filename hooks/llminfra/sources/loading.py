"""Reading the project's sources from disk into the catalog: the one place that opens them."""

from __future__ import annotations

import hashlib
import time

from llminfra.domain.catalog import Catalog, assemble_catalog
from llminfra.domain.document import ParsedSource
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import SourceKind
from llminfra.domain.parts import DEFAULT_PART_LIMITS, PartLimits
from llminfra.domain.pastes import own_summary
from llminfra.domain.problems import SourceProblem
from llminfra.domain.site_options import UpstreamSettings
from llminfra.domain.taxonomy import Taxonomy
from llminfra.sources.audio_files import measure_audio
from llminfra.sources.markdown_lines import plain_excerpt
from llminfra.sources.notes import NoteParser
from llminfra.sources.series import SeriesIndexParser
from llminfra.sources.sharelist import ShareListParser
from llminfra.sources.tag_corrections_file import read_tag_corrections
from llminfra.sources.taxonomy_file import parse_taxonomy
from llminfra.sources.upstream import read_provenance

PARSERS = {
    SourceKind.SHARE: ShareListParser,
    SourceKind.SERIES: SeriesIndexParser,
    SourceKind.NOTE: NoteParser,
}

REAL_UPSTREAM = UpstreamSettings()  # the defaults: the repository this site mirrors


def read_taxonomy(layout: SiteLayout) -> Taxonomy:
    path = layout.root / layout.taxonomy
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return parse_taxonomy(text, layout.taxonomy)


def parse_sources(layout: SiteLayout, upstream: UpstreamSettings = REAL_UPSTREAM) -> list[ParsedSource]:
    """Every source file under ``layout``; the mirror of ``upstream`` is read as upstream's own file."""
    parsed = []
    for kind, page in layout.discover():
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
    parsed_seconds = time.perf_counter() - started
    corrections = read_tag_corrections(layout.root, layout.tag_corrections)
    catalog = assemble_catalog(layout, taxonomy, sources, part_limits, corrections)
    for entry in {p.paragraph.entry.source: p.paragraph.entry for p in catalog.pastes}.values():
        entry.excerpt = plain_excerpt(own_summary(entry))  # listings and feeds leave the paste out
    measure_audio(catalog, layout)  # local files with mutagen, remote ones from data/audio.yml
    catalog.upstream = read_provenance(layout.root, catalog.problems)
    check_mirror_is_synced(layout, sources, catalog.upstream, catalog.problems)
    catalog.timings = {"parse": parsed_seconds, **catalog.timings}
    return catalog


def check_mirror_is_synced(layout: SiteLayout, sources: list[ParsedSource], provenance, problems) -> None:
    """A notice when the mirror's bytes are not the ones sync wrote: someone edited upstream's file here."""
    mirror = next((s for s in sources if s.mirror_of), None)
    if mirror is None or provenance is None or not provenance.sha256:
        return
    if mirror.sha256 != provenance.sha256:
        problems.append(SourceProblem(
            mirror.path, 1, "differs from the upstream file the last sync wrote",
            f"sync replaces it; add entries to {layout.project_path(layout.contributed_page)} instead",
            severity="notice"))
