"""Related reading: for each entry, the few entries of any source that share the most (rare, central) tags with it.

Sharing a tag counts its inverse document frequency, ``log(N / df)`` for a tag
on ``df`` of the ``N`` entries: sharing a tag on three entries says much more
than sharing one on half the site. It also counts how central the tag is to
each of the two entries: an entry's tags come strongest first (keyword tags by
their evidence, explicit ones as written), and the tag at position ``r`` weighs
``2 / (2 + r)`` (1, 0.67, 0.5, 0.4, …). Two entries about the same thing relate
more than two that both mention it last. An entry's score against another is
the sum, over the tags both carry, of ``idf × weight here × weight there``; a
score under ``MIN_SCORE`` is no relation, and the best ``limit`` are kept, ties
broken by the catalog's newest-first order, so the result is the same on every build.

Linear in the number of entries. Candidates come from the tag→entries index, not
from comparing all pairs, and each entry scores at most ``budget`` candidates:

- its tags are visited rarest first, and a rare tag's entries are all taken
  while the budget lasts. Rare tags carry the most weight, so the best-scoring
  entries are found among their entries;
- a tag with more entries than the budget has left (a frequent tag, worth
  little: ``log(N / df)`` is small) contributes only a window of its entries
  nearest in date to this one. Sharing it still counts fully in the score of
  every candidate that carries it;
- a tag on every entry has weight 0, and the fallback tag for entries nothing
  describes says nothing about them: neither makes entries related.

So the work is at most ``N × budget`` candidate scorings (each a set
intersection of two short tag lists) plus one pass over the index.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from llminfra.domain.model import Entry, SourceLocation

RELATED_LIMIT = 3
# Candidates scored per entry: three results need few, and at 24 the 10,000-entry build pays ~0.3 s (2%).
CANDIDATE_BUDGET = 24
WEIGHT_SCALE = 1_000_000
# Below this (in idf units) two entries share only tags marginal to both, or tags on most of the site.
MIN_SCORE = 0.5


def position_weight(rank: int) -> float:
    """How much the tag at ``rank`` (0 = the entry's first, strongest tag) says about the entry."""
    return 2 / (2 + rank)


POSITION_SCALE = 1000
POSITION_UNITS = [round(position_weight(rank) * POSITION_SCALE) for rank in range(64)]


@dataclass
class RelatedReading:
    related: dict[SourceLocation, list[Entry]] = field(default_factory=dict)  # entry.source -> best first
    candidates_scored: int = 0  # the work done, for the linear-time tests

    def of(self, entry: Entry) -> list[Entry]:
        return self.related.get(entry.source, [])


def tag_weights(entries: list[Entry], ignored_tags: Iterable[str] = ()) -> dict[str, float]:
    """IDF weight ``log(N / df)`` of every tag carried by ``entries`` (0 for a tag on all of them)."""
    ignored = set(ignored_tags)
    frequency: dict[str, int] = {}
    for entry in entries:
        for slug in entry.tags:
            if slug not in ignored:
                frequency[slug] = frequency.get(slug, 0) + 1
    total = len(entries)
    return {slug: math.log(total / df) for slug, df in frequency.items()}


def related_reading(newest_first: list[Entry], ignored_tags: Iterable[str] = (),
                    limit: int = RELATED_LIMIT, budget: int = CANDIDATE_BUDGET) -> RelatedReading:
    """The related entries of every entry of ``newest_first`` (the catalog's entries, newest first)."""
    weights = tag_weights(newest_first, ignored_tags)
    members: dict[str, list[int]] = {}  # tag -> ranks (positions in newest_first), ascending
    tag_sets: list[frozenset[str]] = []
    # Whole millionths of idf, thousandths of position weight: integer products and sums are exact, so equal
    # scores tie whatever the order of addition.
    units = {slug: round(weight * WEIGHT_SCALE) for slug, weight in weights.items()}
    centrality: list[dict[str, int]] = []  # per entry: tag -> the weight of its position, in thousandths
    for rank, entry in enumerate(newest_first):
        own = {slug: POSITION_UNITS[min(position, len(POSITION_UNITS) - 1)]
               for position, slug in enumerate(entry.tags) if units.get(slug, 0) > 0}
        centrality.append(own)
        tags = frozenset(own)
        tag_sets.append(tags)
        for slug in tags:
            members.setdefault(slug, []).append(rank)
    minimum = round(MIN_SCORE * WEIGHT_SCALE) * POSITION_SCALE * POSITION_SCALE
    # Where each entry stands in each of its tags' lists, for the window of a frequent tag.
    positions: dict[str, dict[int, int]] = {}
    result = RelatedReading()
    for rank, entry in enumerate(newest_first):
        own = tag_sets[rank]
        if not own:
            continue
        candidates: set[int] = set()
        for slug in sorted(own, key=lambda s: (len(members[s]), s)):
            room = budget - len(candidates)
            if room <= 0:
                break
            ranks = members[slug]
            if len(ranks) - 1 <= room:
                candidates.update(ranks)
            else:
                where = positions.get(slug)
                if where is None:
                    where = positions[slug] = {r: i for i, r in enumerate(ranks)}
                candidates.update(_window(ranks, where[rank], room))
            candidates.discard(rank)
        result.candidates_scored += len(candidates)
        here = {slug: units[slug] * weight for slug, weight in centrality[rank].items()}
        scored = []
        for other in candidates:
            there = centrality[other]
            score = sum(here[slug] * there[slug] for slug in own & tag_sets[other])  # idf × weight × weight
            if score >= minimum and score > 0:
                scored.append((-score, other))
        result.related[entry.source] = [newest_first[other] for _, other in heapq.nsmallest(limit, scored)]
    return result


def _window(ranks: list[int], position: int, size: int) -> list[int]:
    """``size`` entries of a tag's list nearest to the one at ``position`` (which is left out), plus it."""
    start = max(0, position - size // 2)
    end = min(len(ranks), start + size + 1)
    start = max(0, end - size - 1)
    return ranks[start:end]
