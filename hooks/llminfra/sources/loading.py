"""Reading the project's sources from disk into the catalog: the one place that opens them."""

from __future__ import annotations

import time

from llminfra.domain.catalog import Catalog, assemble_catalog
from llminfra.domain.document import ParsedSource
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import SourceKind
from llminfra.domain.parts import DEFAULT_PART_LIMITS, PartLimits
from llminfra.domain.taxonomy import Taxonomy
from llminfra.sources.audio_files import measure_audio
from llminfra.sources.notes import NoteParser
from llminfra.sources.series import SeriesIndexParser
from llminfra.sources.sharelist import ShareListParser

PARSERS = {
    SourceKind.SHARE: ShareListParser,
    SourceKind.SERIES: SeriesIndexParser,
    SourceKind.NOTE: NoteParser,
}


def read_taxonomy(layout: SiteLayout) -> Taxonomy:
    path = layout.root / layout.taxonomy
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return Taxonomy.from_yaml(text, layout.taxonomy)


def parse_sources(layout: SiteLayout) -> list[ParsedSource]:
    parsed = []
    for kind, page in layout.discover():
        path = layout.docs_path / page
        raw = path.read_bytes().decode("utf-8", errors="replace")
        parsed.append(PARSERS[kind]().parse(layout.project_path(page), page, raw))
    return parsed


def build_catalog(layout: SiteLayout, taxonomy: Taxonomy | None = None,
                  sources: list[ParsedSource] | None = None, part_limits: PartLimits = DEFAULT_PART_LIMITS) -> Catalog:
    """Read the taxonomy and every source under ``layout`` (unless given) and assemble the catalog."""
    started = time.perf_counter()
    taxonomy = taxonomy or read_taxonomy(layout)
    if sources is None:
        sources = parse_sources(layout)
    parsed_seconds = time.perf_counter() - started
    catalog = assemble_catalog(layout, taxonomy, sources, part_limits)
    measure_audio(catalog, layout)  # local files with mutagen, remote ones from data/audio.yml
    catalog.timings = {"parse": parsed_seconds, **catalog.timings}
    return catalog
