"""How far the tags the site shows agree with a hand labelling: precision, recall, tags per entry, related reading.

A labelling gives, for each article (by canonical link), the tags it is **about** (what a careful reader would put
on it) and further tags that are **defensible** (not wrong, not insisted on). Measured over the labelled entries:

- precision: shown tags that are about or defensible, over all shown tags;
- recall: about tags shown, over all about tags;
- both micro-averaged (summed over entries, then divided), plus tags per entry (mean, max);
- related reading: of the related links between two labelled entries, the share whose target shares an about tag
  with the entry it is shown under.

Pure: the labelling is read by ``llminfra.sources.tag_labels``; ``python -m llminfra tags --evaluate`` and
``tests/test_tag_quality.py`` use this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from llminfra.domain.model import Entry


@dataclass(frozen=True)
class GoldLabel:
    """One article of a hand labelling."""

    link: str  # canonical (llminfra.domain.links.canonical_url)
    about: frozenset[str]
    defensible: frozenset[str] = frozenset()
    title: str = ""
    line: int = 0  # in the labelling file

    @property
    def acceptable(self) -> frozenset[str]:
        return self.about | self.defensible


@dataclass
class EntryQuality:
    """One labelled entry: what it shows against what it should."""

    link: str
    title: str
    shown: list[str]
    wrong: list[str]  # shown, neither about nor defensible
    missing: list[str]  # about, not shown
    about: int = 0  # the labelling's about tags
    related: int = 0  # related links to labelled entries
    related_sharing: int = 0  # ... whose target shares an about tag with this one


@dataclass
class TagQuality:
    entries: list[EntryQuality] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return sum(len(e.shown) for e in self.entries)

    @property
    def precision(self) -> float:
        shown = self.shown
        return (shown - sum(len(e.wrong) for e in self.entries)) / shown if shown else 1.0

    @property
    def recall(self) -> float:
        wanted = sum(e.about for e in self.entries)
        return (wanted - sum(len(e.missing) for e in self.entries)) / wanted if wanted else 1.0

    @property
    def mean_tags(self) -> float:
        return self.shown / len(self.entries) if self.entries else 0.0

    @property
    def max_tags(self) -> int:
        return max((len(e.shown) for e in self.entries), default=0)

    @property
    def related_links(self) -> int:
        return sum(e.related for e in self.entries)

    @property
    def related_sharing(self) -> int:
        return sum(e.related_sharing for e in self.entries)

    @property
    def related_share(self) -> float:
        links = self.related_links
        return self.related_sharing / links if links else 0.0

    def extend(self, other: TagQuality) -> None:
        self.entries.extend(other.entries)


def measure(entries: Iterable[Entry], labels: dict[str, GoldLabel]) -> TagQuality:
    """The quality of the tags and related reading of the labelled ones among ``entries``."""
    quality = TagQuality()
    for entry in entries:
        gold = labels.get(entry.link or "")
        if gold is None:
            continue
        shown = list(entry.tags)
        scored = EntryQuality(entry.link or "", entry.title, shown,
                              wrong=[slug for slug in shown if slug not in gold.acceptable],
                              missing=sorted(gold.about - set(shown)), about=len(gold.about))
        for other in entry.related:
            target = labels.get(other.link or "")
            if target is None:
                continue
            scored.related += 1
            scored.related_sharing += bool(gold.about & target.about)
        quality.entries.append(scored)
    return quality
