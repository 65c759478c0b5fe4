"""Measured size, duration and type of remote audio clips: ``data/audio.yml``.

Remote clips (upstream hosts them on GitHub) cannot be measured during the
build, which never touches the network. ``python -m llminfra audio``
(``llminfra.sources.remote_audio``) downloads each clip once, measures it with
mutagen and records the result here, keyed by the clip's URL in its
canonical form (``llminfra.domain.links.encode_once``, so the raw and percent-encoded
spellings of one address share a record). The build only reads this file.

Each record keeps what is needed to notice a changed file later
(``--refresh``): the server's ETag and Last-Modified, and the SHA-256 of the
bytes. Records are written sorted by URL and hold no timestamps, so the file
only changes when a clip does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from llminfra.domain.problems import SourceProblem
from llminfra.sources.atomic_files import write_bytes_atomically

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
    if not path.is_file():
        return {}, []
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        return {}, [SourceProblem(label, line, f"not valid YAML: {str(exc).splitlines()[0]}",
                                  "re-create it with python -m llminfra audio --refresh")]
    if not isinstance(data, dict):
        return {}, [SourceProblem(label, 1, "the file is not a mapping of URL to record",
                                  "re-create it with python -m llminfra audio --refresh")]
    lines = _key_lines(text)
    records: dict[str, AudioRecord] = {}
    problems: list[SourceProblem] = []
    for url, fields in data.items():
        try:
            records[str(url)] = _record(fields)
        except (TypeError, ValueError) as exc:
            problems.append(SourceProblem(label, lines.get(str(url), 1), f"record of {url} is invalid: {exc}",
                                          "delete the record and run python -m llminfra audio"))
    return records, problems


def _record(fields) -> AudioRecord:
    if not isinstance(fields, dict):
        raise ValueError("expected a mapping")
    length = fields.get("bytes")
    duration = fields.get("duration")
    if isinstance(length, bool) or not isinstance(length, int) or length <= 0:
        raise ValueError(f"bytes must be a whole number > 0, got {length!r}")
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0:
        raise ValueError(f"duration must be seconds > 0, got {duration!r}")
    mime = fields.get("mime")
    if not isinstance(mime, str) or not mime.startswith("audio/"):
        raise ValueError(f"mime must be an audio/* type, got {mime!r}")
    sha256 = fields.get("sha256")
    if not isinstance(sha256, str) or len(sha256) != 64:
        raise ValueError("sha256 must be 64 hex digits")
    etag, modified = fields.get("etag"), fields.get("last_modified")
    return AudioRecord(length, float(duration), mime, sha256, str(etag) if etag else None,
                       str(modified) if modified else None)


def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level key, for messages (one pass over the text)."""
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line[:1] in ('"', "'") or (line[:1].isalnum()):
            key = line.rsplit(":", 1)[0].strip()
            try:
                key = yaml.safe_load(key)
            except yaml.YAMLError:
                continue
            lines.setdefault(str(key), number)
    return lines


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
