"""Measured size, duration and type of remote audio clips: ``data/audio.yml``.

Remote clips (upstream hosts them on GitHub) cannot be measured during the
build, which never touches the network. ``python -m llminfra audio``
(``llminfra.authoring.remote_audio``) downloads each clip once, measures it with
mutagen and records the result here, keyed by the clip's URL in its
canonical form (``llminfra.domain.links.encode_once``, so the raw and percent-encoded
spellings of one address share a record). The build only reads this file.

Each record keeps what is needed to notice a changed file later
(``--refresh``): the server's ETag and Last-Modified, and the SHA-256 of the
bytes. Records are written sorted by URL and hold no timestamps, so the file
only changes when a clip does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from llminfra.domain.links import redact_url
from llminfra.domain.model import measured_audio_problem
from llminfra.domain.problems import SourceProblem
from llminfra.sources.project_links import is_project_file
from llminfra.sources.yaml_text import node_line, read_yaml

AUDIO_DATA = "data/audio.yml"  # relative to the project root
HEADER = (
    "# Size, duration and type of the remote audio clips, keyed by URL (percent-encoded once).\n"
    "# Written by `python -m llminfra audio` (also run by `sync`); the build reads it and never downloads.\n"
    "# Edit by running the command, not by hand: `--refresh` re-checks every clip against its etag/sha256.\n"
)


@dataclass(frozen=True)
class AudioRecord:
    length_bytes: int
    duration_seconds: float
    mime_type: str
    sha256: str
    etag: str | None = None
    last_modified: str | None = None


def read_audio_records(path: Path, label: str = AUDIO_DATA) -> tuple[dict[str, AudioRecord], list[SourceProblem]]:
    """The records in ``path`` (none when it does not exist) and what is wrong with the file."""
    if not is_project_file(path, label):
        return {}, []
    parsed = read_yaml(path.read_text(encoding="utf-8"), label)
    if not parsed.ok:
        return {}, [replace(p, hint="re-create it with python -m llminfra audio --refresh") for p in parsed.problems]
    if parsed.value is None:
        return {}, []
    if not isinstance(parsed.value, dict):
        return {}, [SourceProblem(label, 1, "the file is not a mapping of URL to record",
                                  "re-create it with python -m llminfra audio --refresh")]
    lines = {str(key.value): node_line(key) for key, _ in parsed.node.value}
    records: dict[str, AudioRecord] = {}
    problems: list[SourceProblem] = []
    for url, fields in parsed.value.items():
        try:
            records[str(url)] = _record(fields)
        except (TypeError, ValueError) as exc:
            problems.append(SourceProblem(label, lines.get(str(url), 1),
                                          f"record of {redact_url(str(url))} is invalid: {exc}",
                                          "delete the record and run python -m llminfra audio"))
    return records, problems


def _record(fields) -> AudioRecord:
    if not isinstance(fields, dict):
        raise ValueError("expected a mapping")
    length = fields.get("bytes")
    duration = fields.get("duration")
    # The bounds of domain.model: finite, positive, plausible together (a NaN, an infinity or 31,165 hours of a
    # forged header never reaches a page or the podcast).
    problem = measured_audio_problem(length, duration)
    if problem is not None:
        raise ValueError(problem)
    mime = fields.get("mime")
    if not isinstance(mime, str) or not mime.startswith("audio/"):
        raise ValueError(f"mime must be an audio/* type, got {mime!r}")
    sha256 = fields.get("sha256")
    if not isinstance(sha256, str) or len(sha256) != 64:
        raise ValueError("sha256 must be 64 hex digits")
    etag, modified = fields.get("etag"), fields.get("last_modified")
    return AudioRecord(length, float(duration), mime, sha256, str(etag) if etag else None,
                       str(modified) if modified else None)
