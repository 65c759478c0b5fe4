"""Size and duration of audio files kept under docs/, read with mutagen once per build."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import mutagen

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import AudioClip


def measure_local_audio(catalog: Catalog, docs_path: Path) -> None:
    """Give local clips their real size and duration, read from the file."""
    measured: dict[str, AudioClip] = {}
    for entry in catalog.entries:
        if any(clip.is_local for clip in entry.audio):
            entry.audio = [_measured(clip, docs_path, measured) for clip in entry.audio]


def _measured(clip: AudioClip, docs_path: Path, cache: dict[str, AudioClip]) -> AudioClip:
    if not clip.is_local:
        return clip
    key = f"{clip.site_path}\0{clip.mime_type}"
    if key not in cache:
        cache[key] = measure_clip(clip, docs_path / clip.site_path)
    return cache[key]


def measure_clip(clip: AudioClip, path: Path) -> AudioClip:
    """``clip`` with the file's size in bytes and mutagen's duration in seconds."""
    if not path.is_file():  # the catalog reports missing files
        return clip
    duration = clip.duration_seconds
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError:
        audio = None
    length = getattr(getattr(audio, "info", None), "length", None)
    if length and length > 0:
        duration = float(length)
    return replace(clip, length_bytes=path.stat().st_size, duration_seconds=duration)
