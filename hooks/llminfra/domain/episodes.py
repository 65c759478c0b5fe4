"""Audio summaries as episodes: what the 收听 page and the podcast list."""

from __future__ import annotations

from dataclasses import dataclass

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import UNKNOWN_DURATION, AudioClip, Entry, format_duration

__all__ = ["Episode", "ListeningTime", "audio_episodes", "format_duration", "listening_time"]


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


@dataclass(frozen=True)
class ListeningTime:
    """Total duration of the episodes on the 收听 page."""

    seconds: float  # of the measured episodes
    measured: int
    unknown: int  # episodes without a known duration, not in ``seconds``

    @property
    def text(self) -> str:
        """``共 1:02:05``; says how many episodes are not counted when some are unknown."""
        total = format_duration(self.seconds) if self.measured else None
        if total is None:
            return UNKNOWN_DURATION
        if self.unknown:
            return f"{total}（另有 {self.unknown} 段{UNKNOWN_DURATION}）"
        return total


def listening_time(episodes: list[Episode]) -> ListeningTime:
    known = [e.clip.duration_seconds for e in episodes if e.clip.duration_seconds and e.clip.duration_seconds > 0]
    return ListeningTime(sum(known), len(known), len(episodes) - len(known))
