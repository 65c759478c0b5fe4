"""Size, duration and type of every audio clip, known before anyone presses play.

- clips kept under docs/ are read with mutagen, once per file per build;
- remote clips take the record ``python -m llminfra audio`` wrote into
  ``data/audio.yml`` (``llminfra.sources.audio_metadata``): the build never
  downloads anything.

A clip that stays unmeasured is a notice naming its ``file:line``; the pages
then say "时长未知" and the podcast omits what it does not know.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import mutagen

from llminfra.domain.catalog import Catalog
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import AudioClip, audio_length_problem, measured_audio_problem
from llminfra.domain.problems import SourceProblem
from llminfra.sources.audio_metadata import AUDIO_DATA, AudioRecord, read_audio_records
from llminfra.sources.audio_tags import AUDIO_TYPES
from llminfra.sources.project_links import project_file


def measure_audio(catalog: Catalog, layout: SiteLayout) -> None:
    """Give every clip of ``catalog`` its size, duration and type; report the ones that stay unknown.

    A file whose numbers are not plausible (``domain.model.measured_audio_problem``: a forged header that claims
    31,165 hours, say) keeps its size and loses the duration, with a problem at the line of its block: an error
    in a contributor's file, a notice in the mirror.
    """
    records, problems = read_audio_records(layout.root / AUDIO_DATA)
    catalog.problems.extend(problems)
    measured: dict[str, tuple[AudioClip, str | None]] = {}
    for entry in catalog.entries:
        if not entry.audio:
            continue
        entry.audio = [_measured(clip, layout, records, measured) for clip in entry.audio]
    # The players on source pages are rendered from the audio edits: give them the measured clips too
    # (duplicates' blocks included, which share the kept entry's files).
    for source in catalog.sources:
        for edit in source.edits:
            if edit.kind == "audio" and edit.clip is not None:
                edit.clip = _measured(edit.clip, layout, records, measured)
                problem = measured.get(_key(edit.clip), (None, None))[1] if edit.clip.is_local else None
                if problem is not None:
                    catalog.problems.append(SourceProblem(
                        source.path, edit.clip.line or source.text.line_number(edit.start),
                        f"audio {edit.clip.src}: {problem}", "the site ignores its duration; re-encode the file",
                        severity="notice" if source.mirror_of else "error"))
    for entry in catalog.entries:
        for clip in entry.audio:
            if not clip.is_measured and (not clip.is_local or _local_file(layout, clip) is not None):
                catalog.problems.append(SourceProblem(
                    entry.source.path, clip.line or entry.source.line,
                    f"audio {clip.src} has no measured size and duration; the site shows 时长未知",
                    f"run python -m llminfra audio to record it in {AUDIO_DATA}" if not clip.is_local
                    else "the file is not audio mutagen can read", severity="notice"))


def _key(clip: AudioClip) -> str:
    return f"{clip.site_path}\0{clip.mime_type}"


def _local_file(layout: SiteLayout, clip: AudioClip) -> Path | None:
    return project_file(layout.root, layout.project_path(clip.site_path))


def _measured(clip: AudioClip, layout: SiteLayout, records: dict[str, AudioRecord],
              cache: dict[str, tuple[AudioClip, str | None]]) -> AudioClip:
    if not clip.is_local:
        record = records.get(clip.src)
        if record is None:
            return clip
        return replace(clip, length_bytes=record.length_bytes, duration_seconds=record.duration_seconds,
                       mime_type=record.mime_type)
    key = _key(clip)
    if key not in cache:
        cache[key] = measure_clip(clip, _local_file(layout, clip))
    return replace(cache[key][0], line=clip.line)


def measure_clip(clip: AudioClip, path: Path | None) -> tuple[AudioClip, str | None]:
    """``clip`` with the file's size in bytes and mutagen's duration in seconds, and what is implausible about
    them (``None`` when nothing is); a missing file (``path`` None; the catalog reports it) changes nothing."""
    if path is None or not path.is_file():
        return clip, None
    size = path.stat().st_size
    if audio_length_problem(size) is not None:
        return clip, audio_length_problem(size)
    audio = read_audio(path)
    length = getattr(getattr(audio, "info", None), "length", None)
    if not length:
        return replace(clip, length_bytes=size), None
    problem = measured_audio_problem(size, float(length))
    if problem is not None:
        return replace(clip, length_bytes=size, duration_seconds=None), problem
    return replace(clip, length_bytes=size, duration_seconds=float(length)), None


def read_audio(path: Path):
    """mutagen's view of the file, or None when it is not audio mutagen knows."""
    try:
        return mutagen.File(path)
    except mutagen.MutagenError:
        return None


def audio_mime_type(audio) -> str | None:
    """The site's MIME type for a file mutagen read (``audio/mpeg`` for MP3), None if not one the site serves."""
    for declared in getattr(audio, "mime", []):
        if declared in AUDIO_TYPES:
            return AUDIO_TYPES[declared]
    return None
