"""Writing ``data/audio.yml`` (the ``audio`` command and sync): sorted, no timestamps, replaced atomically."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import yaml

from llminfra.authoring.atomic_files import write_bytes_atomically
from llminfra.sources.audio_metadata import HEADER, AudioRecord


def dump_audio_records(records: dict[str, AudioRecord]) -> str:
    body = {}
    for url in sorted(records):
        record = asdict(records[url])
        body[url] = {
            "bytes": record["length_bytes"],
            "duration": round(record["duration_seconds"], 3),
            "mime": record["mime_type"],
            "sha256": record["sha256"],
            **({"etag": record["etag"]} if record["etag"] else {}),
            **({"last_modified": record["last_modified"]} if record["last_modified"] else {}),
        }
    dumped = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=1000) if body else ""
    return HEADER + dumped


def write_audio_records(path: Path, records: dict[str, AudioRecord]) -> None:
    """Replace ``path`` atomically: an interrupted run leaves the old file whole."""
    write_bytes_atomically(path, dump_audio_records(records).encode("utf-8"))
