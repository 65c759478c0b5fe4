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
from llminfra.domain.model import AudioClip
from llminfra.domain.problems import SourceProblem
from llminfra.sources.audio_metadata import AUDIO_DATA, AudioRecord, read_audio_records
from llminfra.sources.audio_tags import AUDIO_TYPES


def measure_audio(catalog: Catalog, layout: SiteLayout) -> None:
    """Give every clip of ``catalog`` its size, duration and type; report the ones that stay unknown."""
    records, problems = read_audio_records(layout.root / AUDIO_DATA)
    catalog.problems.extend(problems)
    measured: dict[str, AudioClip] = {}
    for entry in catalog.entries:
        if not entry.audio:
            continue
        entry.audio = [_measured(clip, layout.docs_path, records, measured) for clip in entry.audio]
    # The players on source pages are rendered from the audio edits: give them the measured clips too
    # (duplicates' blocks included, which share the kept entry's files).
    for source in catalog.sources:
        for edit in source.edits:
            if edit.kind == "audio" and edit.clip is not None:
                edit.clip = _measured(edit.clip, layout.docs_path, records, measured)
    for entry in catalog.entries:
        for clip in entry.audio:
            if not clip.is_measured and (not clip.is_local or (layout.docs_path / clip.site_path).is_file()):
                catalog.problems.append(SourceProblem(
                    entry.source.path, clip.line or entry.source.line,
                    f"audio {clip.src} has no measured size and duration; the site shows 时长未知",
                    f"run python -m llminfra audio to record it in {AUDIO_DATA}" if not clip.is_local
                    else "the file is not audio mutagen can read", severity="notice"))


def _measured(clip: AudioClip, docs_path: Path, records: dict[str, AudioRecord],
              cache: dict[str, AudioClip]) -> AudioClip:
    if not clip.is_local:
        record = records.get(clip.src)
        if record is None:
            return clip
        return replace(clip, length_bytes=record.length_bytes, duration_seconds=record.duration_seconds,
                       mime_type=record.mime_type)
    key = f"{clip.site_path}\0{clip.mime_type}"
    if key not in cache:
        cache[key] = measure_clip(clip, docs_path / clip.site_path)
    return replace(cache[key], line=clip.line)


def measure_clip(clip: AudioClip, path: Path) -> AudioClip:
    """``clip`` with the file's size in bytes and mutagen's duration in seconds."""
    if not path.is_file():  # the catalog reports missing files
        return clip
    duration = clip.duration_seconds
    audio = read_audio(path)
    length = getattr(getattr(audio, "info", None), "length", None)
    if length and length > 0:
        duration = float(length)
    return replace(clip, length_bytes=path.stat().st_size, duration_seconds=duration)


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
