"""Problems found in source files, always tied to a file and a line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceProblem:
    """One thing wrong with a source file.

    ``path`` is relative to the project root (e.g. ``docs/share/index.md``)
    so that the message can be pasted into an editor or shown on a PR diff.
    """

    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error" fails strict builds; "notice" is informational

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

