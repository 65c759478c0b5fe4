"""Long source files become several pages ("parts"), with addresses that do not move.

The upstream share list is one README that grows every week; at thousands of
entries one page would weigh megabytes. A source is cut into parts of whole
months (a month longer than a part is cut between entries), each at most
``PartLimits.entries`` entries and about ``PartLimits.source_bytes`` of text.

Parts are packed from the file's old end, the bottom of a newest-first share
list and the top of the oldest-first series, and numbered from it. Packing
is prefix-stable: entries added at the new end only ever change the newest
part, so once an entry has reached an older part its address stays. The part
holding the top of the file (title and introduction) is the source page
itself; the others are generated at ``<page folder>/<number>/``.

Plain Python over the parsed source (line edits and entries): no MkDocs.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from llminfra.domain.document import ParsedSource
from llminfra.domain.model import Entry


@dataclass(frozen=True)
class PartLimits:
    # 40: a month of the real list (~30 entries) is one part of ~100 KB of HTML; 50 would put two months of ~24
    # on one page of ~160 KB (measured on bench/generate.py --share-only at 10,000 entries).
    entries: int = 40
    # Source text per part: a month of unusually long summaries closes its part early.
    source_bytes: int = 120_000


DEFAULT_PART_LIMITS = PartLimits()


@dataclass(eq=False)  # one object per part: hashable, compared by identity
class SourcePart:
    source: ParsedSource
    number: int  # 1 = the oldest part
    page: str  # docs-relative page that renders the part
    start: int  # body lines start..end-1 (0-based); the top part starts at 0
    end: int
    entries: list[Entry] = field(default_factory=list)  # in file order, duplicates' listings included
    is_top: bool = False  # the source page itself
    count: int = 1  # parts of the source

    @property
    def months(self) -> list[str]:
        """Month keys the part's entries are listed under, in file order, each once."""
        months = (e.listed_month or e.date for e in self.entries)
        return list(dict.fromkeys(month.month_key for month in months if month is not None))


@dataclass
class _Unit:
    """Lines that stay together: a month (share lists) or one entry (series, notes)."""

    start: int
    end: int
    entries: list[Entry]
    size: int  # bytes of source text


def part_page(source_page: str, number: int) -> str:
    """Docs-relative page of an older part: ``share/2024.md`` part 3 -> ``share/2024/3/index.md``."""
    stem, _ = posixpath.splitext(source_page)
    if posixpath.basename(stem) in ("index", "README"):
        stem = posixpath.dirname(stem)
    return posixpath.join(stem, str(number), "index.md") if stem else f"{number}/index.md"


def split_source(source: ParsedSource, limits: PartLimits = DEFAULT_PART_LIMITS) -> list[SourcePart]:
    """The parts of ``source``, oldest first; sets each entry's ``page`` to its part's page."""
    newest_first = _is_newest_first(source.entries)
    units = _units(source, limits, newest_first)
    if newest_first:
        units.reverse()  # pack from the bottom of the file
    groups: list[list[_Unit]] = []
    for unit in units:
        if groups and _fits(groups[-1], unit, limits):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    parts = []
    for number, group in enumerate(groups or [[_Unit(0, len(source.text.lines), [], 0)]], start=1):
        group.sort(key=lambda u: u.start)
        entries = [e for u in group for e in u.entries]
        parts.append(SourcePart(source, number, "", group[0].start, group[-1].end, entries))
    top = parts[-1] if newest_first else parts[0]
    top.start, top.is_top = 0, True  # with the title and introduction above the first unit
    for part in parts:
        part.count = len(parts)
        part.page = source.page if part.is_top else part_page(source.page, part.number)
        for entry in part.entries:
            entry.page = part.page
    return parts


def _units(source: ParsedSource, limits: PartLimits, from_bottom: bool) -> list[_Unit]:
    """The source's units in file order, each within the limits unless a single entry exceeds them.

    A unit runs to the next unit's start; lines above the first unit belong to it.
    """
    lines = source.text.lines
    offsets = [0]  # offsets[i]: bytes of lines[:i]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    headings = sorted(((e.start, e.entry) for e in source.edits if e.kind == "entry" and e.entry is not None),
                      key=lambda pair: pair[0])  # (entries themselves do not compare)
    months = sorted(e.start for e in source.edits if e.kind == "month")
    starts = months or [start for start, _ in headings]
    if not starts:
        return []
    starts[0] = 0
    bounds = starts + [len(lines)]
    units, cursor = [], 0
    for start, end in zip(bounds, bounds[1:]):
        inside = []
        while cursor < len(headings) and headings[cursor][0] < end:
            inside.append(headings[cursor])
            cursor += 1
        units.extend(_cut(start, end, inside, offsets, limits, from_bottom))
    return units


def _cut(start: int, end: int, headings: list[tuple[int, Entry]], offsets: list[int],
         limits: PartLimits, from_bottom: bool) -> list[_Unit]:
    """Lines start..end-1 as one unit or, past the limits, as several cut before entry headings.

    Cut from the old end, like the packing, so that entries added at the new
    end of a long month do not move the others.
    """
    if from_bottom:
        pieces: list[_Unit] = []
        taken: list[Entry] = []
        for at, entry in reversed(headings):
            taken.insert(0, entry)
            size = offsets[end] - offsets[at]
            first = at == headings[0][0]  # its month heading stays with it
            if not first and (len(taken) >= limits.entries or size >= limits.source_bytes):
                pieces.insert(0, _Unit(at, end, taken, size))
                end, taken = at, []
        return [_Unit(start, end, taken, offsets[end] - offsets[start]), *pieces]
    pieces, taken = [], []
    for at, entry in headings:
        size = offsets[at] - offsets[start]
        if taken and at > start and (len(taken) >= limits.entries or size >= limits.source_bytes):
            pieces.append(_Unit(start, at, taken, size))
            start, taken = at, []
        taken.append(entry)
    pieces.append(_Unit(start, end, taken, offsets[end] - offsets[start]))
    return pieces


def _fits(group: list[_Unit], unit: _Unit, limits: PartLimits) -> bool:
    return (sum(len(u.entries) for u in group) + len(unit.entries) <= limits.entries
            and sum(u.size for u in group) + unit.size <= limits.source_bytes)


def _is_newest_first(entries: list[Entry]) -> bool:
    dated = [d for d in (e.listed_month or e.date for e in entries) if d is not None]
    return len(dated) >= 2 and dated[0] > dated[-1]
