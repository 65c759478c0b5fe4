"""Excerpts: the short plain text of an entry that listings and feeds show, made once per entry.

An entry's excerpt comes from its ``excerpt_from`` (a note's 保留理由) or else from its own summary, without
what the collector pasted into it (``domain.pastes.own_summary``), as a reader sees it (``sources.plain_text``),
cut to ``EXCERPT_LIMIT`` characters. ``excerpt_of`` makes it the first time anything asks (a listing, a feed,
the podcast) and keeps it on the entry.
"""

from __future__ import annotations

from llminfra.domain.model import Entry
from llminfra.domain.pastes import own_summary
from llminfra.sources.plain_text import leading_blocks, markdown_plain_text

EXCERPT_LIMIT = 140
# An excerpt needs the start of a summary only: the leading blocks up to this many times its length.
EXCERPT_SOURCE_FACTOR = 4


def excerpt_of(entry: Entry) -> str:
    """The entry's excerpt, made on first use."""
    if entry.excerpt is None:
        entry.excerpt = plain_excerpt(entry.excerpt_from or own_summary(entry))
    return entry.excerpt


def plain_excerpt(markdown_text: str, limit: int = EXCERPT_LIMIT) -> str:
    """A short plain-text excerpt of a markdown summary, ending in … where it is cut."""
    text = markdown_plain_text(leading_blocks(markdown_text, limit * EXCERPT_SOURCE_FACTOR))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
