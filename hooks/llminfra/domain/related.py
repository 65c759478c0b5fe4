"""Related reading: for each entry, the few entries of any source that share the most (rare) tags with it.

Sharing a tag counts its inverse document frequency, ``log(N / df)`` for a tag
on ``df`` of the ``N`` entries: sharing a tag on three entries says much more
than sharing one on half the site. An entry's score against another is the sum
of the weights of the tags both carry; the best ``limit`` are kept, ties broken
by the catalog's newest-first order, so the result is the same on every build.

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
    # Whole millionths: sums of integers are exact, so equal scores tie whatever the order of addition.
    units = {slug: round(weight * WEIGHT_SCALE) for slug, weight in weights.items()}
    members: dict[str, list[int]] = {}  # tag -> ranks (positions in newest_first), ascending
    tag_sets: list[frozenset[str]] = []
    for rank, entry in enumerate(newest_first):
        tags = frozenset(slug for slug in entry.tags if units.get(slug, 0) > 0)
        tag_sets.append(tags)
        for slug in tags:
            members.setdefault(slug, []).append(rank)
    # Where each entry stands in each of its tags' lists, for the window of a frequent tag.
    positions: dict[str, dict[int, int]] = {}
    weight_of = units.__getitem__
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
        scored = [(-sum(map(weight_of, own & tag_sets[other])), other) for other in candidates]
        result.related[entry.source] = [newest_first[other] for _, other in heapq.nsmallest(limit, scored)]
    return result


def _window(ranks: list[int], position: int, size: int) -> list[int]:
    """``size`` entries of a tag's list nearest to the one at ``position`` (which is left out), plus it."""
    start = max(0, position - size // 2)
    end = min(len(ranks), start + size + 1)
    start = max(0, end - size - 1)
    return ranks[start:end]
