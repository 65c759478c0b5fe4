"""Checks over a built site: internal links and anchors, HTML validity (vnu)."""

from __future__ import annotations

import json
import posixpath
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _LinksAndIds(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name"):
            if attributes.get(key):
                self.ids.add(attributes[key])
        for key in ("href", "src"):
            value = attributes.get(key)
            if value is not None and not (tag == "link" and attributes.get("rel") in ("alternate", "canonical")):
                self.links.append((value, self.getpos()[0]))


def internal_link_problems(site: Path) -> list[str]:
    """Broken internal links and missing anchors, as ``page:line: target``."""
    pages: dict[str, _LinksAndIds] = {}
    for path in site.rglob("*.html"):
        parser = _LinksAndIds()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.relative_to(site).as_posix()] = parser
    problems = []
    for page, parsed in sorted(pages.items()):
        base = posixpath.dirname(page)
        for link, line in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            path = unquote(parts.path)
            if path.startswith("/"):  # root-relative (404.html): the test site is served at the root
                target = posixpath.normpath(path.lstrip("/")) if path != "/" else ""
            else:
                target = page if not path else posixpath.normpath(posixpath.join(base, path))
            if target == ".":
                target = ""
            if parts.path.endswith("/") or (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if not (site / target).is_file():
                problems.append(f"{page}:{line}: {link} (no such file)")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.endswith(".html") and fragment not in pages[target].ids:
                problems.append(f"{page}:{line}: {link} (no anchor #{fragment})")
    return problems


def vnu_messages(site: Path, jar: Path) -> list[dict]:
    """Errors the Nu HTML Checker reports for every HTML file of ``site``."""
    result = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--errors-only", "--skip-non-html",
                             str(site)], capture_output=True, text=True)
    return json.loads(result.stderr or '{"messages": []}')["messages"]
