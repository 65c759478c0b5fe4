"""Line-level helpers shared by the source parsers.

The sources are markdown files whose *structure* (which heading starts an
entry, which line holds the date) is line-oriented, so the parsers read them
line by line and leave the inline markdown (bold, lists, links inside
summaries) to Python-Markdown at render time.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown

from llminfra.domain.document import ParsedSource, SourceText
from llminfra.domain.model import SourceKind
from llminfra.sources.front_matter import read_front_matter

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


def read_source_text(path: str, raw: str, kind: SourceKind | None = None) -> SourceText:
    """Split ``raw`` into front matter and body lines.

    Tolerates a UTF-8 BOM and CRLF line endings, which editors on Windows and
    web forms produce. ``kind``: the source's (``None`` for a hand-written page), which says which
    front-matter keys the page may set.
    """
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    front = read_front_matter(path, lines, kind)
    return SourceText(path, text, lines[front.lines :], front.meta, front.lines, front.problems)


def open_source(kind, path: str, page: str, raw: str, mirror_of: str | None = None) -> ParsedSource:
    """Start parsing ``raw`` (decoded with errors="replace"): front matter, lines, encoding.

    ``mirror_of``: the raw URL of the upstream file this one mirrors (its problems are then notices).
    """
    source = ParsedSource(kind, read_source_text(path, raw, kind), page, mirror_of=mirror_of)
    for problem in source.text.meta_problems:
        source.problem_at_line(problem.line, problem.message, problem.hint)
    text = source.text.raw
    if "\ufffd" in text:
        line = text[: text.index("\ufffd")].count("\n") + 1
        source.problem_at_line(line, "file has bytes that are not UTF-8 text (or NUL bytes)",
                               "save the file as UTF-8; the bad bytes are shown as �")
    return source


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


# The site's Markdown extensions (mkdocs.yml) that change which text a summary shows; the rest
# (toc, highlighting, admonition styling) only decorate it.
EXCERPT_EXTENSIONS = ("abbr", "attr_list", "def_list", "md_in_html", "tables", "pymdownx.superfences")
# An excerpt needs the start of a summary only: convert the leading blocks (whole paragraphs, so no
# link or emphasis is cut in half) up to this many times the excerpt's length, not a 1 MB summary.
EXCERPT_SOURCE_FACTOR = 4
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")


class _PlainText(HTMLParser):
    """The text a reader sees in rendered HTML: no tags, entities decoded, code blocks left out."""

    SKIPPED = {"pre", "script", "style", "template"}
    BREAKS = {"p", "br", "li", "div", "tr", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
              "blockquote", "ul", "ol", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


@functools.lru_cache(maxsize=1)
def _excerpt_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(EXCERPT_EXTENSIONS))


# Text with none of these characters, and no line that could start a block (a list item, quote, rule,
# code or setext underline), is shown by Markdown exactly as written: most summaries are such prose, and need no
# converter (which costs about 0.2 ms a summary, seconds at 10,000 entries).
_MARKUP_CHARACTERS = re.compile(r"[\\`*_\[\]<>&#|~{}!=:]")
_BLOCK_START = re.compile(r"^ {0,3}(?:\t| |[-+>]|\d+[.)])", re.M)


def markdown_plain_text(markdown_text: str) -> str:
    """``markdown_text`` rendered to HTML by Python-Markdown, then reduced to the text it shows."""
    if not _MARKUP_CHARACTERS.search(markdown_text) and not _BLOCK_START.search(markdown_text):
        return re.sub(r"\s+", " ", markdown_text).strip()
    converter = _excerpt_markdown()
    converter.reset()
    reader = _PlainText()
    reader.feed(converter.convert(markdown_text))
    reader.close()
    return re.sub(r"\s+", " ", "".join(reader.parts)).strip()


def plain_excerpt(markdown_text: str, limit: int = 140) -> str:
    """A short plain-text excerpt of a markdown summary for listings and feeds.

    Made from the summary as rendered (not by deleting markup characters):
    ``max_tokens`` keeps its underscore, a link keeps its text and loses its
    URL whatever parentheses the URL holds, ``&amp;`` becomes ``&``.
    """
    wanted = limit * EXCERPT_SOURCE_FACTOR
    end = 0
    for match in _BLOCK_BREAK.finditer(markdown_text):
        end = match.start()
        if end >= wanted:
            break
    else:
        end = len(markdown_text)
    text = markdown_plain_text(markdown_text[:end])
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
