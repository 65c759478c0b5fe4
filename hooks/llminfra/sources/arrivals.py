"""Reading ``data/arrivals.yml``, the time each upstream entry first appeared (``llminfra.domain.arrivals``)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from llminfra.domain.arrivals import arrival_time
from llminfra.domain.problems import SourceProblem
from llminfra.sources.project_links import project_file
from llminfra.sources.yaml_text import node_line, read_yaml

ARRIVALS_FILE = "data/arrivals.yml"
REWRITE = "written by python -m llminfra sync; rebuild it with python -m llminfra backfill"


def read_arrivals(root: Path) -> tuple[dict[str, datetime], list[SourceProblem]]:
    """entry key -> arrival time (with its UTC offset); empty when the file does not exist.

    A bad record is a problem and is left out; the others are kept, so sync can write the file anew.
    """
    path = project_file(root, ARRIVALS_FILE)
    if path is None:
        return {}, []
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [SourceProblem(ARRIVALS_FILE, 1, f"cannot read it: {exc}", REWRITE)]
    parsed = read_yaml(text, ARRIVALS_FILE)
    if not parsed.ok:
        return {}, parsed.problems
    if parsed.value is None:
        return {}, []
    if not isinstance(parsed.value, dict):
        return {}, [SourceProblem(ARRIVALS_FILE, 1, "is not a mapping of entry to arrival time", REWRITE)]
    arrivals: dict[str, datetime] = {}
    problems: list[SourceProblem] = []
    for key_node, _ in parsed.node.value:
        key, value = str(key_node.value), parsed.value.get(key_node.value)
        when = _calendar_moment(arrival_time(value))
        if when is None:
            problems.append(SourceProblem(ARRIVALS_FILE, node_line(key_node),
                                          f"arrival of {key} is not a date and time with its UTC offset: {value!r}",
                                          "write it as 2025-11-06T23:50:49+08:00; " + REWRITE))
            continue
        arrivals[key] = when
    return arrivals, problems


def _calendar_moment(when: datetime | None) -> datetime | None:
    """``when``, or None when its offset takes it out of the calendar (near year 1 or 9999): the site compares
    arrivals with each other, which such a time cannot be."""
    if when is None:
        return None
    try:
        when.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    return when
