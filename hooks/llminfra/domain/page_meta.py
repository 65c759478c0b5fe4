"""What a page's front matter may say, and how what the theme prints of it is made safe.

MkDocs hands a page's front matter to the theme as ``page.meta``, and Material acts on many keys: ``template``
picks the page's template, ``icon`` names a file the template includes, ``hide`` takes away the navigation,
``search: {exclude: true}`` the page from search, ``status`` and ``subtitle`` are printed into the navigation,
``author`` into ``<head>``; and the theme's templates print values without escaping them. So a page may set only
the keys of its kind (``allowed_keys``): any other key is an error at its line (a notice in the mirror) and is
dropped before MkDocs reads the page (``sources.front_matter`` writes the page's text anew from the kept keys).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from llminfra.domain.model import SourceKind

TEXT_KEYS = ("title", "description")
NOTE_KEYS = ("date", "time", "author")
# Hand-written pages (home, 订阅, 性能): the home page hides the navigation and stays out of search.
PAGE_KEYS = ("hide", "search")
HIDE_VALUES = frozenset({"navigation", "toc", "footer", "path"})
# Printed by the theme into <head> or the navigation without escaping.
PRINTED_KEYS = ("title", "description", "author")
PAGE_META_UNSAFE = '<>"'


def allowed_keys(kind: SourceKind | None) -> tuple[str, ...]:
    """The front-matter keys a page of ``kind`` may set; ``None``: a hand-written page."""
    if kind is None:
        return TEXT_KEYS + PAGE_KEYS
    if kind is SourceKind.NOTE:
        return TEXT_KEYS + NOTE_KEYS
    return TEXT_KEYS


def key_problem(kind: SourceKind | None, key: Any, value: Any) -> tuple[str, str] | None:
    """(message, hint) when a page of ``kind`` may not set ``key: value``; None when it may."""
    allowed = allowed_keys(kind)
    if not isinstance(key, str) or key not in allowed:
        return (f"front matter key {str(key)[:40]!r} is not allowed",
                f"this page may set {', '.join(allowed)}; the page is built without it")
    if key in TEXT_KEYS + ("author", "time") and not isinstance(value, str):
        return (f"front matter {key} must be text, got {type(value).__name__}",
                f"quote it: {key}: \"…\"; the page is built without it")
    if key == "hide" and (not isinstance(value, list) or not set(value) <= HIDE_VALUES):
        return ("front matter hide must be a list of " + ", ".join(sorted(HIDE_VALUES)),
                "the page is built without it")
    if key == "search" and (not isinstance(value, dict) or set(value) != {"exclude"}
                            or not isinstance(value["exclude"], bool)):
        return ("front matter search may only say exclude: true or false", "the page is built without it")
    return None


def printable(text: str) -> str:
    """``text`` as the theme may print it: HTML-escaped if it holds ``<``, ``>`` or ``"``, else as it is (so
    ``&`` in an ordinary title is not escaped twice)."""
    return html.escape(text, quote=True) if any(char in text for char in PAGE_META_UNSAFE) else text


def escaped_page_meta(meta: Mapping[str, Any]) -> dict[str, Any] | None:
    """``meta`` with each printed value (``PRINTED_KEYS``) that holds ``<``, ``>`` or ``"`` HTML-escaped; None if
    none does.

    Material prints them into ``<head>`` (and titles into the navigation) unescaped; the hooks escape them before
    the theme does, and export writes the same escaped values into front matter.
    """
    unsafe = [key for key in PRINTED_KEYS
              if isinstance(meta.get(key), str) and any(char in meta[key] for char in PAGE_META_UNSAFE)]
    if not unsafe:
        return None
    escaped = dict(meta)
    for key in unsafe:
        escaped[key] = printable(escaped[key])
    return escaped
