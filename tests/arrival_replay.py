"""Upstream's history replayed with its dates: the arrival ledger (data/arrivals.yml) version by version.

``tests/fixtures/upstream-history`` holds the 22 real versions of upstream's README with the commit and commit
time of each (``index.tsv``). Replaying them in order and recording each version's new entries at its commit
time is what ``llminfra sync`` does with ``--committed`` (and ``llminfra backfill`` over the whole history); the
frozen fixture project's ledger is the replay of all 22 (``test_arrival_dates`` checks that it still is).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from conftest import ROOT

from llminfra.domain.arrivals import record_arrivals
from llminfra.domain.document import ParsedSource
from llminfra.sources.sharelist import ShareListParser

HISTORY = ROOT / "tests/fixtures/upstream-history"
README_URL = "https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/README.md"
MIRROR = "docs/share/index.md"


@dataclass(frozen=True)
class Version:
    path: Path
    commit: str
    committed: datetime  # the upstream commit's time, with its UTC offset
    headings: int  # entry headings in the file, as index.tsv counts them

    def parse(self) -> ParsedSource:
        raw = self.path.read_bytes().decode("utf-8", errors="replace")
        return ShareListParser(mirror_of=README_URL).parse(MIRROR, "share/index.md", raw)


def versions() -> list[Version]:
    """The 22 versions, oldest first."""
    with (HISTORY / "index.tsv").open(encoding="utf-8") as index:
        rows = list(csv.DictReader(index, delimiter="\t"))
    return [Version(HISTORY / row["index"], row["commit"], datetime.fromisoformat(row["committed"]),
                    int(row["entries"])) for row in rows]


def replay(count: int | None = None) -> dict[str, datetime]:
    """The ledger after the first ``count`` versions (all by default): each new entry at its commit's time."""
    ledger: dict[str, datetime] = {}
    for version in versions()[:count]:
        ledger = record_arrivals(ledger, version.parse().entries, version.committed)
    return ledger
