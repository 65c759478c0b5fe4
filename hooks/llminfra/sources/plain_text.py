"""The text a reader sees of some markdown: rendered by Python-Markdown, then stripped of its tags.

Read from the rendering, not by deleting markup characters: ``max_tokens`` keeps its underscore, a link keeps
its text and loses its URL whatever parentheses the URL holds, ``&amp;`` becomes ``&``. The parsers need it to
read what a text says (a series entry's title derived from its description); the renderer makes excerpts of it
(``render.excerpts``).
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

import markdown

# The site's Markdown extensions (mkdocs.yml) that change which text a summary shows; the rest
# (toc, highlighting, admonition styling) only decorate it.
PLAIN_TEXT_EXTENSIONS = ("abbr", "attr_list", "def_list", "md_in_html", "tables", "pymdownx.superfences")
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
def _plain_text_markdown() -> markdown.Markdown:
    # One converter, reset before each use: building one costs more than converting a summary.
    return markdown.Markdown(extensions=list(PLAIN_TEXT_EXTENSIONS))


# Text with none of these characters, and no line that could start a block (a list item, quote, rule,
# code or setext underline), is shown by Markdown exactly as written: most summaries are such prose, and need no
# converter (which costs about 0.2 ms a summary, seconds at 10,000 entries).
_MARKUP_CHARACTERS = re.compile(r"[\\`*_\[\]<>&#|~{}!=:]")
_BLOCK_START = re.compile(r"^ {0,3}(?:\t| |[-+>]|\d+[.)])", re.M)


def markdown_plain_text(markdown_text: str) -> str:
    """``markdown_text`` rendered to HTML by Python-Markdown, then reduced to the text it shows."""
    if not _MARKUP_CHARACTERS.search(markdown_text) and not _BLOCK_START.search(markdown_text):
        return re.sub(r"\s+", " ", markdown_text).strip()
    converter = _plain_text_markdown()
    converter.reset()
    reader = _PlainText()
    reader.feed(converter.convert(markdown_text))
    reader.close()
    return re.sub(r"\s+", " ", "".join(reader.parts)).strip()


def leading_blocks(markdown_text: str, wanted: int) -> str:
    """The whole leading blocks (paragraphs, lists, …) of ``markdown_text`` that hold at least ``wanted``
    characters, or all of it: enough for a short text from its start, without converting a 1 MB summary."""
    for match in _BLOCK_BREAK.finditer(markdown_text):
        if match.start() >= wanted:
            return markdown_text[: match.start()]
    return markdown_text
