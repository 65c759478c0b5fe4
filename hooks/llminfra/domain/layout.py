"""Where the sources live, relative to the project root (names only: ``sources.loading`` looks at the disk)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
