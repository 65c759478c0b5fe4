"""Markdown text the renderer writes: inert titles, safe URLs, and blocks of source text."""

from __future__ import annotations

import re

from llminfra.sources.markdown_lines import closes_fence, fence_opening

# The start of raw HTML (a tag, comment or declaration), but not an autolink
# such as <https://…> or <name@example.com>, which markdown handles safely.
RAW_HTML = re.compile(r"<(?!(?:https?|ftp)://[^<>\s]*>)(?![\w.+-]+@[\w.-]+>)[A-Za-z!/?]")
MARKDOWN_SPECIALS = set("\\`*_[]{}()#+-.!")
HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: str) -> str:
    """Title text as inert markdown: no emphasis, links, attributes or raw HTML."""
    text = " ".join(text.split())
    return "".join(HTML_SPECIALS.get(c) or ("\\" + c if c in MARKDOWN_SPECIALS else c) for c in text)


def markdown_url(url: str) -> str:
    """A URL safe inside ``(...)``: spaces and parentheses percent-encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def has_raw_html(lines: list[str]) -> bool:
    return any(RAW_HTML.search(line) for line in lines)


def blocks(lines: list[str]):
    """Split lines into (block, is_code) at blank lines; a fenced code block is one block.

    Code fences are told by the parsers' rule (``sources.markdown_lines``), so the renderer and the parsers
    agree on which lines are code.
    """
    block: list[str] = []
    fence: str | None = None
    for line in lines:
        if fence is not None:
            block.append(line)
            if closes_fence(fence, line):
                yield block, True
                block, fence = [], None
            continue
        opening = fence_opening(line)
        if opening is not None:
            if block:
                yield block, False
            block, fence = [line], opening
            continue
        if line.strip():
            block.append(line)
        else:
            if block:
                yield block, False
            yield [line], False
            block = []
    if block:
        yield block, fence is not None
