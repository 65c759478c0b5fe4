"""Writing ``data/arrivals.yml``: oldest first, one line an entry, so a sync adds lines at the end."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import yaml

from llminfra.authoring.atomic_files import replace_if_different

HEADER = (
    "# When each upstream entry first appeared (the upstream commit's date and time), keyed by article link.\n"
    "# Written by `python -m llminfra sync`, which adds new entries and never changes a recorded time;\n"
    "# `python -m llminfra backfill` rebuilds it from upstream's history. Do not edit by hand.\n"
)


def arrivals_yaml(arrivals: Mapping[str, datetime]) -> str:
    ordered = sorted(arrivals.items(), key=lambda item: (item[1], item[0]))
    body = {key: when.isoformat() for key, when in ordered}
    return HEADER + (yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=10_000) if body else "")


def write_arrivals(path: Path, arrivals: Mapping[str, datetime]) -> bool:
    """Replace ``path`` atomically when its text would change; whether it did."""
    return replace_if_different(path, arrivals_yaml(arrivals).encode("utf-8"))
