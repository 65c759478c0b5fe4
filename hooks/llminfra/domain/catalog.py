"""The catalog: every entry of every source, parsed once per build.

Assembled in one pass over the parsed sources (``llminfra.sources.loading``
reads and parses the files), then indexed by tag and by month. All later
steps (pages, feeds, the command-line tools) read from it and never go back
to the files.
"""

from __future__ import annotations

import functools
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from llminfra.domain.arrivals import arrival_key
from llminfra.domain.document import ParsedSource, SourceText
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import Entry, PartialDate, SourceKind, month_label
from llminfra.domain.parts import DEFAULT_PART_LIMITS, PartLimits, SourcePart, split_source
from llminfra.domain.pastes import Paste, apply_pastes, find_pastes, tag_summary
from llminfra.domain.problems import SourceProblem
from llminfra.domain.related import related_reading
from llminfra.domain.tag_corrections import TagCorrections
from llminfra.domain.tagging import KeywordTagger
from llminfra.domain.taxonomy import FALLBACK_TAG, Taxonomy
from llminfra.domain.upstream import UpstreamProvenance, upstream_audio_url
from llminfra.domain.weeks import WeekIndex, weekly_issues

RELATED_TAGS = 8
# More explicit tags than any reader could use is a mistake (or an attack on build time).
MAX_TAGS_PER_ENTRY = 40


@dataclass
class TagIndex:
    slug: str
    name: str
    known: bool
    description: str
    entries: list[Entry]  # newest first
    related: list[tuple[str, int]]  # (slug, co-occurrences)
    taxonomy_line: int = 0


@dataclass
class MonthIndex:
    key: str  # YYYY-MM
    year: int
    month: int
    entries: list[Entry]  # newest first
    newer: str | None = None
    older: str | None = None

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)


@dataclass
class Catalog:
    entries: list[Entry]  # unique entries, in source order
    sources: list[ParsedSource]
    taxonomy: Taxonomy
    problems: list[SourceProblem]
    duplicates: list[tuple[Entry, Entry]] = field(default_factory=list)  # (duplicate, kept entry)
    tags: dict[str, TagIndex] = field(default_factory=dict)
    months: list[MonthIndex] = field(default_factory=list)  # newest first
    weeks: list[WeekIndex] = field(default_factory=list)  # ISO weeks with entries, newest first
    # Each source's parts (pages), oldest first; a short source is one part, its own page.
    parts: dict[str, list[SourcePart]] = field(default_factory=dict)
    unknown_tags: dict[str, list[Entry]] = field(default_factory=dict)
    untagged: list[Entry] = field(default_factory=list)  # got no tag from keywords
    timings: dict[str, float] = field(default_factory=dict)
    upstream: UpstreamProvenance | None = None  # what the mirror was last synced from (data/upstream.yml)
    # The other markdown pages under docs/ (home, 订阅, …), read once: MkDocs is handed their validated text.
    docs_pages: dict[str, SourceText] = field(default_factory=dict)
    pastes: list[Paste] = field(default_factory=list)  # collector pastes in the share lists
    corrections: TagCorrections | None = None  # editors' corrections to keyword tags, as applied

    @property
    def newest_first(self) -> list[Entry]:
        return sorted(self.entries, key=lambda e: e.sort_key, reverse=True)

    def by_kind(self, kind: SourceKind) -> list[Entry]:
        return [e for e in self.entries if e.kind is kind]

    def source_for(self, page: str) -> ParsedSource | None:
        return self._sources_by_page.get(page)

    @functools.cached_property
    def _sources_by_page(self) -> dict[str, ParsedSource]:
        return {source.page: source for source in self.sources}

    def top_part(self, source: ParsedSource) -> SourcePart:
        """The part shown on the source's own page."""
        return next(part for part in self.parts[source.page] if part.is_top)

    @property
    def older_parts(self) -> list[SourcePart]:
        """Parts on pages of their own (generated), every source's, oldest first."""
        return [part for parts in self.parts.values() for part in parts if not part.is_top]

    @property
    def errors(self) -> list[SourceProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @functools.cached_property
    def newest_dated(self) -> Entry | None:
        """The entry published last among those dated to a day: what a reader has seen when they saw it."""
        return max((e for e in self.entries if e.date is not None and e.date.day is not None),
                   key=lambda e: e.published_at, default=None)


def assemble_catalog(layout: SiteLayout, taxonomy: Taxonomy, sources: list[ParsedSource],
                     part_limits: PartLimits = DEFAULT_PART_LIMITS,
                     local_files: frozenset[str] = frozenset(),
                     corrections: TagCorrections | None = None,
                     arrivals: Mapping[str, datetime] | None = None) -> Catalog:
    """The catalog of parsed ``sources``: entries dated, duplicates merged, anchors checked, tags, months and
    weeks indexed.

    ``local_files``: the site paths (under docs/) of the local audio clips that exist, as the caller found them
    on disk; this module reads nothing. ``corrections``: editors' corrections to keyword tags
    (``data/tag_corrections.yml``), none by default. ``arrivals``: when each upstream entry first appeared
    (``data/arrivals.yml``, by ``llminfra.domain.arrivals.arrival_key``).
    """
    started = time.perf_counter()
    problems = list(taxonomy.problems)
    if corrections is not None:
        problems.extend(corrections.problems)
    for source in sources:
        problems.extend(source.problems)
    _resolve_mirror_audio(local_files, sources, problems)  # before merging: a merged listing takes its audio along
    _date_share_entries(sources, arrivals or {}, problems)  # before merging: a merged listing keeps the earliest
    entries, duplicates = _merge_duplicates(sources, problems)
    _check_anchors(entries, {source.path for source in sources if source.mirror_of}, problems)
    _check_local_audio(layout, local_files, entries, problems)
    catalog = Catalog(entries, sources, taxonomy, problems, duplicates)
    # After the anchor check, which is per source file: parts move entries to other pages.
    catalog.parts = {source.page: split_source(source, part_limits) for source in sources}
    _find_pastes(catalog)
    _assign_tags(catalog)
    if corrections is not None:
        catalog.corrections = corrections
        _correct_tags(catalog, corrections)
    _index_tags(catalog)
    _index_months(catalog)
    catalog.weeks = weekly_issues(catalog.newest_first)
    related_started = time.perf_counter()
    _relate_entries(catalog)
    finished = time.perf_counter()
    catalog.timings = {"catalog": finished - started, "related": finished - related_started}
    return catalog


def _merge_duplicates(sources, problems):
    """The same article listed twice is one entry; later listings are reported."""
    first: dict[str, Entry] = {}
    entries: list[Entry] = []
    duplicates: list[tuple[Entry, Entry]] = []
    for source in sources:
        for entry in source.entries:
            kept = first.get(entry.link) if entry.link else None
            if kept is None:
                if entry.link:
                    first[entry.link] = entry
                entries.append(entry)
                continue
            duplicates.append((entry, kept))
            if _arrived_earlier(entry, kept):  # an article contributed here before upstream listed it
                kept.date, kept.arrived = entry.date, entry.arrived
            kept.audio.extend(a for a in entry.audio if a not in kept.audio)
            kept.explicit_tags.extend(t for t in entry.explicit_tags if t not in kept.explicit_tags)
            # Listed twice in one file people edit: a slip to fix. Listed by upstream too, or twice by
            # upstream's collector: expected (a contribution upstream took over), nothing to fix here.
            same_edited_file = kept.source.path == entry.source.path and not source.mirror_of
            problems.append(SourceProblem(
                entry.source.path, entry.source.line,
                f"duplicate of the entry at {kept.source} (same article)",
                "shown once; remove one of the two listings",
                severity="error" if same_edited_file and entry.kind is SourceKind.SHARE else "notice"))
    return entries, duplicates


def _date_share_entries(sources, arrivals: Mapping[str, datetime], problems) -> None:
    """Date every share entry by the day it arrived.

    A mirror entry takes its arrival from the ledger: the upstream commit's local date, and its time of day.
    One missing there (the ledger predates it, or there is none) keeps its month heading and is reported once
    per file, as a notice: upstream's file is never rejected. An entry of any other share list is dated by the
    line under its heading (``sources.sharelist``): without one it is an error, which says how to add it.
    """
    for source in sources:
        if source.kind is not SourceKind.SHARE:
            continue
        if source.mirror_of:
            undated = []
            for entry in source.entries:
                when = arrivals.get(arrival_key(entry))
                if when is None:
                    undated.append(entry)
                    continue
                # Whole seconds, as commits are: pages and the "new since your last visit" script compare them.
                entry.arrived = when.replace(microsecond=0)
                entry.date = PartialDate(when.year, when.month, when.day)  # the date in its own offset
            if undated:
                problems.append(SourceProblem(
                    source.path, undated[0].source.line,
                    f"no arrival time in data/arrivals.yml for {len(undated)} of its entries",
                    "dated by their month heading only, and in no weekly page; python -m llminfra sync records "
                    "new entries, python -m llminfra backfill rebuilds the ledger", severity="notice"))
            continue
        for entry in source.entries:
            if entry.date is None or entry.date.day is None:
                problems.append(SourceProblem(
                    entry.source.path, entry.source.line, f"entry {entry.title[:40]!r} has no valid date line",
                    "put the day it was added right under the heading, e.g. '2025-11-18' "
                    "(python -m llminfra add writes it)"))


def _arrived_earlier(listing: Entry, kept: Entry) -> bool:
    """Whether a second share listing of an article dates it earlier than the kept one."""
    if listing.kind is not SourceKind.SHARE or kept.kind is not SourceKind.SHARE:
        return False  # series and notes keep the dates they have
    if listing.date is None or listing.date.day is None:
        return False
    return kept.date is None or kept.date.day is None or listing.published_at < kept.published_at


def _check_anchors(entries, mirrors: set[str], problems):
    seen: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        key = (entry.page, entry.anchor)
        if key in seen:
            problems.append(SourceProblem(
                entry.source.path, entry.source.line,
                f"anchor #{entry.anchor} is already used by the entry at {seen[key].source}",
                "give one of them another {#anchor} or link",
                severity="notice" if entry.source.path in mirrors else "error"))
            entry.anchor = f"{entry.anchor}-{entry.source.line}"
        seen[(entry.page, entry.anchor)] = entry


def _resolve_mirror_audio(local_files: frozenset[str], sources, problems) -> None:
    """Audio the upstream README names by a path in its repository is played from that repository.

    A path the site itself holds under docs/ stays local; any other one becomes the raw URL of the file in
    the upstream repository, as GitHub resolves it when rendering the README.
    """
    for source in sources:
        if not source.mirror_of:
            continue
        for edit in source.edits:
            clip, entry = edit.clip, edit.entry
            if clip is None or entry is None or not clip.is_local or clip.site_path in local_files:
                continue
            resolved = replace(clip, src=upstream_audio_url(source.mirror_of, clip.src))
            entry.audio = [resolved if a is clip else a for a in entry.audio]
            edit.clip = resolved
            problems.append(SourceProblem(
                source.path, source.text.line_number(edit.start),
                f"audio {clip.src!r} is a path in the upstream repository",
                f"played from {resolved.src}", severity="notice"))


def _check_local_audio(layout: SiteLayout, local_files: frozenset[str], entries, problems):
    for entry in entries:
        for clip in entry.audio:
            # site_path is decoded once: "a%20b.mp3" and "a b.mp3" are the same file.
            if clip.is_local and clip.site_path not in local_files:
                problems.append(SourceProblem(
                    entry.source.path, clip.line or entry.source.line,
                    f"audio file {clip.site_path!r} does not exist under {layout.docs_dir}/",
                    "add the file or fix the path (relative to docs/)"))


def _find_pastes(catalog: Catalog) -> None:
    """Collector pastes: left out of their entry's tags, excerpt and search text (llminfra.domain.pastes)."""
    catalog.pastes = find_pastes(catalog.sources, catalog.taxonomy)
    apply_pastes(catalog.pastes)
    catalog.problems.extend(paste.problem() for paste in catalog.pastes)


def _assign_tags(catalog: Catalog) -> None:
    taxonomy = catalog.taxonomy
    tagger = KeywordTagger(taxonomy)
    for entry in catalog.entries:
        slugs: dict[str, None] = {}
        if len(entry.explicit_tags) > MAX_TAGS_PER_ENTRY:
            catalog.problems.append(SourceProblem(
                entry.source.path, entry.source.line,
                f"entry has {len(entry.explicit_tags)} tags; only the first {MAX_TAGS_PER_ENTRY} are kept",
                "keep the few tags that describe the entry"))
            del entry.explicit_tags[MAX_TAGS_PER_ENTRY:]
        for name in entry.explicit_tags:
            resolution = taxonomy.resolve(name)
            slugs.setdefault(resolution.slug, None)
            if not resolution.known:
                catalog.unknown_tags.setdefault(resolution.slug, []).append(entry)
        if not slugs:
            entry.tags_from_keywords = True
            for slug in tagger.tags(entry.title, tag_summary(entry)):
                slugs.setdefault(slug, None)
        if not slugs:
            catalog.untagged.append(entry)
            slugs[FALLBACK_TAG] = None
        entry.tags = list(slugs)
    for slug, tagged in catalog.unknown_tags.items():
        catalog.problems.append(SourceProblem(
            tagged[0].source.path, tagged[0].source.line,
            f"tag #{taxonomy.tags[slug].name} is not in {taxonomy.path} ({len(tagged)} entries)",
            "kept as is; add it (or an alias) to the taxonomy", severity="notice"))


def _correct_tags(catalog: Catalog, corrections: TagCorrections) -> None:
    catalog.problems.extend(corrections.apply(catalog.entries, catalog.taxonomy))
    listed = {entry.source for entry in catalog.untagged}
    catalog.untagged = [entry for entry in catalog.untagged if entry.tags == [FALLBACK_TAG]]
    catalog.untagged += [entry for entry in catalog.entries
                         if entry.tags == [FALLBACK_TAG] and entry.source not in listed]


def _index_tags(catalog: Catalog) -> None:
    members: dict[str, list[Entry]] = defaultdict(list)
    for entry in catalog.newest_first:
        for slug in entry.tags:
            members[slug].append(entry)
    co_occurrence: dict[str, Counter] = defaultdict(Counter)
    for entry in catalog.entries:
        for slug in entry.tags:
            for other in entry.tags:
                if other != slug:
                    co_occurrence[slug][other] += 1
    for slug, tagged in members.items():
        info = catalog.taxonomy.tags[slug]
        related = sorted(co_occurrence[slug].items(), key=lambda kv: (-kv[1], kv[0]))[:RELATED_TAGS]
        catalog.tags[slug] = TagIndex(slug, info.name, info.known, info.description, tagged, related, info.line)


def _relate_entries(catalog: Catalog) -> None:
    # The fallback tag only says that nothing describes an entry: it relates nothing.
    reading = related_reading(catalog.newest_first, ignored_tags=(FALLBACK_TAG,))
    for entry in catalog.entries:
        entry.related = reading.of(entry)


def _index_months(catalog: Catalog) -> None:
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in catalog.newest_first:
        if entry.date is not None:
            grouped[entry.date.month_key].append(entry)
    keys = sorted(grouped, reverse=True)
    for i, key in enumerate(keys):
        year, month = (int(x) for x in key.split("-"))
        catalog.months.append(MonthIndex(
            key, year, month, grouped[key],
            newer=keys[i - 1] if i > 0 else None,
            older=keys[i + 1] if i + 1 < len(keys) else None,
        ))
