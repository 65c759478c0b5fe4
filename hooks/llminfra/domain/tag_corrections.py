"""Editors' corrections to keyword tags (``data/tag_corrections.yml``), applied by the catalog.

Share-list entries carry no tags: they get them from the taxonomy's keywords (``llminfra.domain.tagging``).
Where that is wrong for one article, an editor adds or removes tags for its link, in one file, instead of
bending a keyword for everybody. Checked against the catalog: a link no entry has, a tag the taxonomy does not
know, or an entry whose tags are written in its source are errors at the file's line; a correction that
changes nothing (the tag is already there, or already absent) is a notice, so stale ones get noticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llminfra.domain.model import Entry
from llminfra.domain.problems import SourceProblem
from llminfra.domain.taxonomy import FALLBACK_TAG, Taxonomy


@dataclass
class TagCorrection:
    link: str  # canonical
    line: int
    add: list[tuple[str, int]] = field(default_factory=list)  # (slug, line)
    remove: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class TagCorrections:
    path: str = "data/tag_corrections.yml"
    corrections: list[TagCorrection] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)  # reading the file (shape, types)

    def apply(self, entries: list[Entry], taxonomy: Taxonomy) -> list[SourceProblem]:
        """Correct the keyword tags of ``entries`` in place; the problems found on the way."""
        problems: list[SourceProblem] = []
        by_link = {entry.link: entry for entry in entries if entry.link}

        def problem(line: int, message: str, hint: str, severity: str = "error") -> None:
            problems.append(SourceProblem(self.path, line, message, hint, severity))

        for correction in self.corrections:
            entry = by_link.get(correction.link)
            if entry is None:
                problem(correction.line, f"no entry links to {correction.link}",
                        "use the article link of a share-list entry; links are compared in canonical form")
                continue
            if not entry.tags_from_keywords:
                problem(correction.line, f"the entry at {entry.source} has tags written in its source",
                        "change its #tags there")
                continue
            tags = [slug for slug in entry.tags if slug != FALLBACK_TAG]
            for slug, line in correction.remove + correction.add:
                info = taxonomy.tags.get(slug)
                if info is None or not info.known or slug == FALLBACK_TAG:
                    problem(line, f"tag {slug!r} is not in {taxonomy.path}", "use the slug of a tag of the taxonomy")
            for slug, line in correction.remove:
                if slug in tags:
                    tags.remove(slug)
                elif slug in taxonomy.tags:
                    problem(line, f"the entry at {entry.source} has no tag {slug!r} to remove",
                            "the keywords no longer give it: drop this line", "notice")
            for slug, line in correction.add:
                info = taxonomy.tags.get(slug)
                if info is None or not info.known or slug == FALLBACK_TAG:
                    continue
                if slug in tags:
                    problem(line, f"the entry at {entry.source} already has tag {slug!r}",
                            "the keywords give it now: drop this line", "notice")
                else:
                    tags.append(slug)
            entry.tags = tags or [FALLBACK_TAG]
        return problems
