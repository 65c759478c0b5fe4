"""Files under ``docs/`` that a browser would run: MkDocs publishes every file there as it is.

A page of HTML, an SVG drawing or a script put in ``docs/`` by a pull request is served from the site's own
address, where whatever script it holds runs as the site's. The site's own scripts and images live in
``docs/assets/``; anywhere else such a file is an error naming its path (``check``, the strict build).
"""

from __future__ import annotations

import os
from pathlib import Path

from llminfra.domain.layout import SiteLayout
from llminfra.domain.problems import SourceProblem

ASSETS = "assets"
# Served as a document a browser renders or runs (HTML, XML with its stylesheets, SVG, scripts).
ACTIVE = (".html", ".htm", ".xhtml", ".xht", ".xml", ".xsl", ".xslt", ".svg", ".svgz", ".js", ".mjs")
# These never belong in docs/, not even in assets/: the theme writes every page.
PAGES = (".html", ".htm", ".xhtml", ".xht", ".xml", ".xsl", ".xslt")


def active_file_problems(layout: SiteLayout) -> list[SourceProblem]:
    problems = []
    for folder, dirs, names in os.walk(layout.docs_path):  # links are not followed (sources.project_links)
        dirs.sort()
        for name in sorted(names):
            relative = Path(folder, name).relative_to(layout.docs_path).as_posix()
            suffix = Path(name).suffix.lower()
            in_assets = relative.startswith(f"{ASSETS}/")
            if suffix in PAGES or (suffix in ACTIVE and not in_assets):
                problems.append(SourceProblem(
                    layout.project_path(relative), 0, f"a {suffix} file is published as it is, and a browser "
                    "runs it as part of the site", f"write a page as markdown; keep the site's own scripts "
                    f"and drawings in {layout.docs_dir}/{ASSETS}/"))
    return problems
