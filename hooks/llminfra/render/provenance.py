"""The line on the mirror's page that says where its content comes from."""

from __future__ import annotations


def insert_after_title(lines: list[str], block: str) -> list[str]:
    """``lines`` with ``block`` after the page's ``# `` title (at the top when it has none)."""
    for index, line in enumerate(lines):
        if line.startswith("# "):
            return lines[: index + 1] + ["", block, ""] + lines[index + 1 :]
        if line.startswith("## "):
            break
    return ["", block, ""] + lines
