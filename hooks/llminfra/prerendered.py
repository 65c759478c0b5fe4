"""Generated pages' bodies go around Markdown: they are finished HTML from the templates.

A generated page is ``# title`` plus template HTML. Python-Markdown would only
pass that HTML through, after tokenising all of it (most of the conversion
time of a large site). The hooks hand MkDocs the page with a marker in place
of the body and put the body back into the converted HTML; the ``id``s in the
body are added to the page's anchors, as MkDocs would have found them.
The exported markdown (``python -m llminfra export``) keeps the full body.
"""

from __future__ import annotations

import re

BODY_MARKER = "<!-- llminfra:generated-body -->"
_ID = re.compile(r'\sid="([^"]+)"')


def stash_body(markdown: str, body: str) -> str:
    """``markdown`` with ``body`` replaced by the marker (unchanged if the body is not in it)."""
    if not body or body not in markdown:
        return markdown
    return markdown.replace(body, BODY_MARKER, 1)


def restore_body(html: str, body: str) -> str:
    """The converted page with the body back in place of the marker."""
    return html.replace(BODY_MARKER, body, 1) if body else html


def body_anchor_ids(body: str) -> set[str]:
    return set(_ID.findall(body))
