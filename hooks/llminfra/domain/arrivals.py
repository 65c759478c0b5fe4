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


def arrival_time(value: object) -> datetime | None:
    """``value`` (ISO 8601 text or a datetime) as an aware datetime; None unless it carries its UTC offset."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None:
        return value
    return None


def record_arrivals(ledger: Mapping[str, datetime], entries: Iterable[Entry], when: datetime) -> dict[str, datetime]:
    """``ledger`` plus ``when`` for each entry it does not know yet; a recorded time is never changed."""
    _require_offset(when)
    updated = dict(ledger)
    for entry in entries:
        updated.setdefault(arrival_key(entry), when)
    return updated


def replay_arrivals(ledger: Mapping[str, datetime],
                    versions: Iterable[tuple[datetime, Iterable[Entry]]]) -> dict[str, datetime]:
    """``ledger`` with every entry of every (time, entries) version at the earliest time it was seen.

    Order does not matter: an entry removed and added again keeps its first time, and a time the ledger already
    holds is kept unless a version shows the entry earlier.
    """
    earliest = dict(ledger)
    for when, entries in versions:
        _require_offset(when)
        for entry in entries:
            key = arrival_key(entry)
            if key not in earliest or when < earliest[key]:
                earliest[key] = when
    return earliest


def _require_offset(when: datetime) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("an arrival time needs its UTC offset")
