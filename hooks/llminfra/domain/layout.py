"""Where the sources live, relative to the project root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from llminfra.domain.model import SourceKind


@dataclass(frozen=True)
class SiteLayout:
    root: Path
    docs_dir: str = "docs"
    share_dir: str = "share"  # every *.md here is an upstream-format share list
    # The byte-for-byte copy of the upstream README (``llminfra sync`` writes it, nobody edits it);
    # contributors add entries to ``contributed_page``.
    mirror_page: str = "share/index.md"
    contributed_page: str = "share/contributed.md"
    series_page: str = "series/index.md"
    notes_dir: str = "notes"  # every *.md here except index.md is a note
    taxonomy: str = "data/taxonomy.yml"
    tag_corrections: str = "data/tag_corrections.yml"  # editors' corrections to keyword tags, by article link
    templates: str = "overrides"

    @property
    def docs_path(self) -> Path:
        return self.root / self.docs_dir

    def project_path(self, page: str) -> str:
        """Project-relative path of a docs page, for messages and edit links."""
        return f"{self.docs_dir}/{page}"

    def discover(self) -> list[tuple[SourceKind, str]]:
        """(kind, docs-relative page) for every source file, in a stable order."""
        found: list[tuple[SourceKind, str]] = []
        docs = self.docs_path
        if (docs / self.series_page).is_file():
            found.append((SourceKind.SERIES, self.series_page))
        for kind, folder, skip in ((SourceKind.SHARE, self.share_dir, set()),
                                   (SourceKind.NOTE, self.notes_dir, {"index.md"})):
            directory = docs / folder
            if not directory.is_dir():
                continue
            names = sorted(os.listdir(directory), reverse=kind is SourceKind.NOTE)
            if kind is SourceKind.SHARE:  # upstream's mirror first: its listing of an article is the one kept
                mirror = self.mirror_page.rpartition("/")[2]
                names.sort(key=lambda name: name != mirror)
            for name in names:
                if name.endswith(".md") and name not in skip and (directory / name).is_file():
                    found.append((kind, f"{folder}/{name}"))
        return found
