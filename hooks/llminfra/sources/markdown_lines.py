"""The line structure of the sources: code fences, headings, heading links, digits and URLs.

The sources are markdown files whose *structure* (which heading starts an
entry, which line holds the date) is line-oriented, so the parsers read them
line by line and leave the inline markdown (bold, lists, links inside
summaries) to Python-Markdown at render time. Reading a file into lines is
``sources.source_text``; the text a reader sees of some markdown is
``sources.plain_text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A closing run of # counts only after a space, as in CommonMark ("C#" keeps its #).
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
EXPLICIT_ANCHOR = re.compile(r"\s*\{:?\s*#([A-Za-z][\w-]*)\s*\}\s*$")
URL_IN_TEXT = re.compile(r"https?://[^\s<>()\[\]\"'，。；）]+")


def fence_opening(line: str) -> str | None:
    """The fence ``line`` opens a code block with (its run of ``` or ~~~), or None."""
    match = FENCE.match(line)
    return match.group(1) if match else None


def closes_fence(fence: str, line: str) -> bool:
    """Whether ``line`` closes the code block opened by ``fence``: CommonMark's rule, the same character at
    least as many times, then nothing but spaces."""
    match = FENCE.match(line)
    return bool(match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence)
                and not line[match.end():].strip())


@dataclass
class Heading:
    index: int  # 0-based line index
    level: int
    text: str
    anchor: str | None = None
    # Set when this heading ends a code fence left open above it: the fence
    # marker to close it with, and the line where the fence was opened.
    closes_fence: str | None = None
    fence_opened_at: int | None = None


def iter_headings(lines: list[str], boundary: re.Pattern | None = None):
    """Yield ATX headings outside fenced code blocks.

    A line matching ``boundary`` (the start of an entry or a month) is a
    heading even inside a fence: a fence someone forgot to close must not
    swallow the entries below it. Such a heading carries ``closes_fence``.
    """
    fence: str | None = None
    opened_at = 0
    for index, line in enumerate(lines):
        closes = None
        if fence is not None:
            if closes_fence(fence, line):
                fence = None
                continue
            if boundary is None or not boundary.match(line):
                continue
            closes, fence = fence, None
        opening = fence_opening(line)
        if opening is not None:
            fence, opened_at = opening, index
            continue
        heading = HEADING.match(line)
        if heading:
            text = heading.group(2)
            anchor = None
            explicit = EXPLICIT_ANCHOR.search(text)
            if explicit:
                anchor = explicit.group(1)
                text = text[: explicit.start()]
            yield Heading(index, len(heading.group(1)), text.strip(), anchor, closes,
                          opened_at if closes else None)


def parse_heading_link(text: str) -> tuple[str, str, str] | None:
    """Split ``[title](destination) rest`` into its three parts.

    Brackets in the title and parentheses in the destination may nest, as
    CommonMark allows; ``<…>`` destinations are unwrapped. Returns ``None``
    when ``text`` does not start with a complete inline link.
    """
    if not text.startswith("["):
        return None
    depth, i = 0, 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                break
        i += 1
    else:
        return None
    title = text[1:i]
    rest = text[i + 1 :]
    if not rest.startswith("("):
        return None
    if rest.startswith("(<"):
        end = rest.find(">")
        if end < 0 or not rest[end + 1 :].lstrip().startswith(")"):
            return None
        destination = rest[2:end]
        close = rest.index(")", end)
        return title, destination.strip(), rest[close + 1 :].strip()
    depth, j = 0, 0
    while j < len(rest):
        char = rest[j]
        if char == "\\":
            j += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                break
        j += 1
    else:
        return None
    destination = rest[1:j].strip()
    if " " in destination:  # a title attribute: [t](url "title")
        destination = destination.split(" ", 1)[0]
    return title, destination, rest[j + 1 :].strip()


def normalise_digits(text: str) -> str:
    """Full-width digits and spaces to ASCII (NFKC), for dates and months."""
    return unicodedata.normalize("NFKC", text).strip()


def extract_urls(text: str) -> list[str]:
    """Destinations of markdown links, autolinks and bare URLs, in order."""
    urls: list[str] = []
    for match in re.finditer(r"\]\(\s*<?([^)\s>]+)>?[^)]*\)|<(https?://[^>\s]+)>", text):
        urls.append(match.group(1) or match.group(2))
    if not urls:
        urls = URL_IN_TEXT.findall(text)
    return [u for u in urls if u.lower().startswith(("http://", "https://"))]
