"""Template HTML inside source pages, handed to Python-Markdown without being parsed again.

A source page's markdown carries, under each entry's heading, HTML that the
renderer made from templates: the metadata block, the audio player, the notice
of a duplicate, the pager between parts. As raw HTML in the text, Python-Markdown
(and MkDocs, looking for anchors in it) would parse every one of those blocks
again; at 10,000 entries that is half of converting the share lists.

``TrustedFragments`` keeps each block aside and puts a one-line token in the
markdown in its place. ``TrustedFragmentsExtension`` swaps each token for the
block through Python-Markdown's own raw-HTML stash (the way its ``html_block``
preprocessor stashes raw HTML it has parsed), so the page's HTML is the same.

Only blocks the renderer registered are swapped, by digest. Contributors' own
HTML never goes through here: a block of source text with raw HTML in it
(a token-like comment included) is sanitised and left in the text
(``render._source_text``).
Exported pages (``python -m llminfra export``) hold the HTML itself.

The headings of entries and months come through here too (``heading``): their
token becomes the heading line with a mark that source text cannot hold
(``sources.markup_policy.trusted_heading``), so that the HTML policy lets those
headings, and only those, carry the site's anchors.
"""

from __future__ import annotations

import hashlib
import re

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from llminfra.sources.markup_policy import trusted_heading

# An HTML comment, so that no markdown rule touches it; Python-Markdown drops the
# STX/ETX characters of its own placeholders from the text before preprocessors run.
TOKEN = re.compile(r"<!-- llminfra:([0-9a-f]{20}) -->")


class TrustedFragments:
    """Template HTML blocks by digest, each kept until the page that holds it has been converted."""

    def __init__(self):
        self._blocks: dict[str, str] = {}
        self._pending: dict[str, int] = {}  # conversions still to come that use the block
        self._markdown_lines: set[str] = set()  # keys of trusted headings (markdown, not HTML)

    def token(self, html: str) -> str:
        """The line that stands for ``html`` in a page's markdown."""
        key = hashlib.blake2b(html.encode("utf-8"), digest_size=10).hexdigest()
        self._blocks[key] = html
        self._pending[key] = self._pending.get(key, 0) + 1
        return f"<!-- llminfra:{key} -->"

    def heading(self, level: int, text: str, anchor: str) -> str:
        """The line that stands for the heading ``text`` (markdown) with the site's ``anchor``."""
        line = trusted_heading(level, text, anchor)
        token = self.token(line)
        self._markdown_lines.add(TOKEN.fullmatch(token).group(1))
        return token

    def is_markdown(self, key: str) -> bool:
        """Whether the block of ``key`` is a markdown line (a heading) rather than HTML."""
        return key in self._markdown_lines

    def take(self, key: str) -> str | None:
        """The block for ``key``, for one conversion; None for a token that was not registered."""
        html = self._blocks.get(key)
        if html is not None:
            self._pending[key] -= 1
            if self._pending[key] <= 0:  # every page that used it is converted: let it go
                del self._blocks[key], self._pending[key]
                self._markdown_lines.discard(key)
        return html

    def __len__(self) -> int:
        return len(self._blocks)


class _StashFragments(Preprocessor):
    def __init__(self, md: markdown.Markdown, fragments: TrustedFragments):
        super().__init__(md)
        self.fragments = fragments

    def run(self, lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            match = TOKEN.fullmatch(line)
            key = match.group(1) if match else None
            is_markdown = key is not None and self.fragments.is_markdown(key)
            html = self.fragments.take(key) if key is not None else None
            if html is None:
                out.append(line)
            elif is_markdown:  # a trusted heading: parsed like any heading
                out.append(html)
            else:
                out.append(self.md.htmlStash.store(html))
        return out


class TrustedFragmentsExtension(Extension):
    def __init__(self, fragments: TrustedFragments, **kwargs):
        super().__init__(**kwargs)
        self.fragments = fragments

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After whitespace normalisation (30), before MkDocs' raw-HTML anchor scan (21)
        # and Python-Markdown's html_block (20): neither sees the blocks.
        md.preprocessors.register(_StashFragments(md, self.fragments), "llminfra_fragments", 25)
