"""Keeping the built site (and the build) small as it grows: table of contents, HTML, memory.

Works on the objects MkDocs hands to the hooks (a page's table of contents is
a list of items with ``children``).
"""

from __future__ import annotations

import re

# A page's table of contents is written twice (sidebar and, for small screens,
# inside the navigation drawer). Beyond this many links it only lists the top
# level (the months of a share list); beyond it even there, it is left out.
TOC_MAX_LINKS = 30

_ID = re.compile(r'\sid="([^"]+)"')

# Whitespace the theme's templates indent with: a line break and what follows it.
_INDENTATION = re.compile(r"\n[ \t\r\n]+")
# Elements whose whitespace is content.
_PRESERVED = re.compile(r"(<(pre|textarea|script|style|code)\b.*?</\2\s*>)", re.S | re.I)


def toc_link_count(items) -> int:
    return sum(1 + toc_link_count(item.children) for item in items)


def limit_toc(toc, max_links: int = TOC_MAX_LINKS) -> None:
    """Shorten a long table of contents in place.

    Up to ``max_links`` links it stays as it is; beyond, only its first level
    (below the page title) is kept; if that alone is still too long, only the
    page title remains, which the theme does not list.
    """
    items = list(toc)
    if toc_link_count(items) <= max_links:
        return
    # Like the theme: a single h1 is the page title and its children are the list.
    titled = len(items) == 1 and items[0].level == 1
    top = items[0].children if titled else items
    if len(top) > max_links:
        if titled:
            items[0].children = []
        else:
            del items[:]
            _set_items(toc, items)
        return
    for item in top:
        item.children = []


def _set_items(toc, items: list) -> None:
    if isinstance(toc, list):
        toc[:] = items
    else:  # MkDocs' TableOfContents keeps its items in ``items``
        toc.items = items


def compact_html(html: str) -> str:
    """``html`` with indentation collapsed to one line break, except where whitespace is content.

    A run of whitespace that contains a line break renders like a single line
    break, so the page looks the same.
    """
    parts = _PRESERVED.split(html)
    # split() with two groups yields: text, whole element, tag name, text, ...
    out = []
    for index in range(0, len(parts), 3):
        out.append(_INDENTATION.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def release_markdown(page) -> None:
    """Let a converted page's markdown go (MkDocs keeps every page until the end of the build).

    The title stays: MkDocs only needs ``markdown`` not to be ``None`` for it.
    In-memory (generated) files give up their copy as well.
    """
    page.markdown = ""
    if getattr(page.file, "generated_by", None) and page.file.abs_src_path is None:
        page.file.content_string = ""


def body_anchor_ids(html: str) -> set[str]:
    """The ``id``s in HTML that MkDocs did not convert (a listing body), as MkDocs would have collected them."""
    return set(_ID.findall(html))
