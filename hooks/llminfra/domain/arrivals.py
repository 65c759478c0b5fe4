"""When each upstream entry first appeared: the arrival ledger (``data/arrivals.yml``).

The share list knows only months. Upstream's history knows more: each entry first appears in a commit with a
date. ``llminfra sync`` records that moment for every entry it has not seen before and never changes a recorded
one; ``llminfra backfill`` replays upstream's history to build the ledger from the start.

Entries are keyed like sync's comparison of two versions (``EntrySummary.key``): by canonical link, so an entry
whose title changes keeps its date; an entry without a link by its month and title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from llminfra.domain.model import Entry
from llminfra.domain.upstream import EntrySummary


def arrival_key(entry: Entry) -> str:
    return EntrySummary.of(entry).key


def record_arrivals(ledger: Mapping[str, datetime], entries: Iterable[Entry], when: datetime) -> dict[str, datetime]:
    """``ledger`` plus ``when`` for each entry it does not know yet; a recorded time is never changed."""
    if when.tzinfo is None:
        raise ValueError("an arrival time needs its UTC offset")
    updated = dict(ledger)
    for entry in entries:
        updated.setdefault(arrival_key(entry), when)
    return updated
