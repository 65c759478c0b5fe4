"""Generated pages' bodies go around Markdown: they are finished HTML from the templates.

A generated page is ``# title`` plus template HTML. Python-Markdown would only
pass that HTML through, after tokenising all of it (most of the conversion
time of a large site), and MkDocs would then hold every page's HTML until the
end of the build. So the hooks give MkDocs the page with a marker in place of
the body, and render the body into the converted page just before MkDocs
writes it; the ``id``s in the body join the page's anchors, as MkDocs would
have found them. The exported markdown (``python -m llminfra export``) holds
the whole body.
"""

from __future__ import annotations

import re

BODY_MARKER = "<!-- llminfra:generated-body -->"
_ID = re.compile(r'\sid="([^"]+)"')


def marked_markdown(head: str) -> str:
    """A generated page's markdown with the marker for its body."""
    return f"{head}{BODY_MARKER}\n"


def has_marker(html: str | None) -> bool:
    return bool(html) and BODY_MARKER in html


def restore_body(html: str, body: str) -> str:
    """The converted page with the body in place of the marker."""
    return html.replace(BODY_MARKER, body, 1)


def body_anchor_ids(body: str) -> set[str]:
    return set(_ID.findall(body))
