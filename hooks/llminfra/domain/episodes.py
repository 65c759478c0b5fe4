"""Audio summaries as episodes: what the 收听 page and the podcast list."""

from __future__ import annotations

from dataclasses import dataclass

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import AudioClip, Entry


@dataclass(frozen=True)
class Episode:
    entry: Entry
    clip: AudioClip
    index: int  # position of the clip among the entry's clips (0 = first)
    count: int  # clips of the entry

    @property
    def title(self) -> str:
        if self.count > 1:
            return f"{self.entry.title}（{self.index + 1}/{self.count}）"
        return self.entry.title

    @property
    def key(self) -> str:
        """Fragment-safe id of the episode on the 收听 page."""
        return f"{self.entry.anchor}-{self.index + 1}"


def audio_episodes(catalog: Catalog) -> list[Episode]:
    """Every audio clip of every entry, newest entry first."""
    return [
        Episode(entry, clip, index, len(entry.audio))
        for entry in catalog.newest_first if entry.audio
        for index, clip in enumerate(entry.audio)
    ]


def format_duration(seconds: float | None) -> str | None:
    """``H:MM:SS`` or ``M:SS``; None when unknown."""
    if seconds is None or seconds <= 0:
        return None
    total = max(1, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
