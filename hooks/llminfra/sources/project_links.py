"""Symbolic links in the project's folders: the build reads nothing outside the project.

MkDocs copies every file it finds under ``docs/`` into the site, following links (``os.walk(followlinks=True)``),
and the theme's files and templates under ``overrides/``; the site's own readers open ``data/*.yml``. A link
``docs/env.txt → /proc/self/environ`` would publish the build's environment; a link to ``/`` would have MkDocs
walk the whole disk; a dangling link stops MkDocs with a traceback.

``escaping_links`` lists every link under ``docs/``, ``overrides/`` and ``data/`` (and each of those folders
itself, if it is a link) that points outside its folder, points nowhere, or points at a folder that holds it: one
listing for ``check`` (errors) and the build (which refuses to start: MkDocs would walk a linked folder and load
a linked template before any hook could leave them out). ``project_file`` is how the site's own readers open a
file of those folders: never through such a link.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from llminfra.domain.layout import SiteLayout
from llminfra.domain.problems import SourceProblem

DATA_DIR = "data"


def project_folders(layout: SiteLayout) -> tuple[str, ...]:
    """The folders whose files reach the site or the build: docs/, the theme's overrides/, data/."""
    return (layout.docs_dir, layout.templates, DATA_DIR)


@dataclass(frozen=True)
class EscapingLink:
    path: str  # project-relative, e.g. docs/env.txt
    target: str  # where it points, as written
    reason: str

    def problem(self) -> SourceProblem:
        return SourceProblem(self.path, 0, f"symbolic link to {self.target!r} {self.reason}",
                             "put the file itself there; the build reads nothing through this link")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def escaping_links(layout: SiteLayout) -> list[EscapingLink]:
    """Every link of the project's folders that leaves its folder, dangles or loops, in a stable order."""
    root = os.path.realpath(layout.root)
    found: list[EscapingLink] = []
    for name in project_folders(layout):
        folder = os.path.join(layout.root, name)
        if os.path.islink(folder):
            real = os.path.realpath(folder)
            if not os.path.isdir(real) or not _inside(real, root) or _inside(root, real):
                found.append(EscapingLink(name, os.readlink(folder), "leaves the project"))
                continue
        if not os.path.isdir(folder):
            continue
        real_folder = os.path.realpath(folder)
        for directory, dirs, files in os.walk(folder):  # links are listed, never followed
            dirs.sort()
            for entry in [*dirs, *sorted(files)]:
                path = os.path.join(directory, entry)
                if not os.path.islink(path):
                    continue
                shown = Path(os.path.relpath(path, layout.root)).as_posix()
                link = _escape(path, shown, real_folder, name)
                if link is not None:
                    found.append(link)
    return found


def _escape(path: str, shown: str, real_folder: str, folder_name: str) -> EscapingLink | None:
    target = os.readlink(path)
    real = os.path.realpath(path)
    if not os.path.exists(path):
        return EscapingLink(shown, target, "points to nothing")
    if not _inside(real, real_folder):
        return EscapingLink(shown, target, f"leaves {folder_name}/")
    if os.path.isdir(real) and _inside(os.path.realpath(os.path.dirname(path)), real):
        return EscapingLink(shown, target, "points to a folder that holds it")
    return None


def project_file(root: Path, relative: str) -> Path | None:
    """``root/relative`` if it is a file whose real place is inside its folder of the project; None otherwise
    (absent, or reached through a link that ``escaping_links`` reports)."""
    path = Path(root) / relative
    folder = Path(root) / Path(relative).parts[0]
    real_folder = os.path.realpath(folder)
    if not path.is_file() or not _inside(os.path.realpath(path), real_folder):
        return None
    if not _inside(real_folder, os.path.realpath(root)):
        return None
    return path


def is_project_file(path: Path, relative: str) -> bool:
    """Whether ``path``, the project's file ``relative`` (``data/audio.yml``), is a file reached without a link
    out of its folder (``project_file``); a path elsewhere (a test's own file) only has to be a file."""
    parts = Path(relative).parts
    if Path(path).parts[-len(parts):] != parts:
        return Path(path).is_file()
    return project_file(Path(path).parents[len(parts) - 1], relative) is not None
