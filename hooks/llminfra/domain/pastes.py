"""Collector pastes: a summary paragraph under one entry that belongs to another.

Upstream's collector sometimes puts a paragraph under the wrong article. Two shapes are recognised, both in
time linear in the text of the share lists:

- **verbatim**: a paragraph (at least ``MIN_CHARS`` characters once folded and stripped of spaces and ``*``)
  that also stands under another article, in any share list of the catalog. Paragraphs are hashed, so each is
  compared with no other. Of the entries holding it, the **owner** is the one whose title the paragraph is
  most about (the share of the title's terms it contains), then the one where it opens the summary, then the
  first listed; it is a paste under every other one.
- **stray** (the mirror only, where the collector writes): a paragraph, not the first of its summary, that
  names nothing of its own entry (no taxonomy term of its title or first paragraph) but at least
  ``STRAY_MIN_SHARED`` specific terms of the title of the entry just above or below it: that entry's opening,
  pasted one entry off. That entry owns it.

A paste is left out of the entry's tags, excerpt, feed text and search text (the page still shows the
mirror's text as it is: the paragraph is wrapped in an element search skips), adds to its owner's tag
evidence, and is reported as a notice at its file:line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from llminfra.domain.document import LineEdit, ParsedSource
from llminfra.domain.model import Entry, SourceKind, SourceLocation
from llminfra.domain.problems import SourceProblem
from llminfra.domain.taxonomy import CJK, Taxonomy, fold

MIN_CHARS = 30
STRAY_MIN_SHARED = 2
_NOT_TEXT = re.compile(r"[\s*\u200b\u200c\u200d\u2060\ufeff]+")
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9.+-]*")


@dataclass
class Paragraph:
    """Consecutive non-blank summary lines ``start``..``end - 1`` (body line indexes) of one entry."""

    entry: Entry
    source: ParsedSource
    start: int
    end: int
    first: bool  # opens the entry's summary

    @property
    def text(self) -> str:
        return "\n".join(self.source.text.lines[self.start : self.end])

    @property
    def line(self) -> int:
        return self.source.text.line_number(self.start)


@dataclass
class Paste:
    paragraph: Paragraph
    owner: Entry
    kind: str  # "verbatim" or "stray"

    def problem(self) -> SourceProblem:
        paragraph = self.paragraph
        where = f"{self.owner.source} ({self.owner.title[:30]!r})"
        message = (f"paragraph also stands under the entry at {where}, which it is about"
                   if self.kind == "verbatim" else
                   f"paragraph is about the entry at {where}, not this one: the collector's paste")
        return SourceProblem(paragraph.source.path, paragraph.line, message,
                             "shown as upstream has it; left out of this entry's tags, excerpt, feed and search",
                             severity="notice")


def find_pastes(sources: list[ParsedSource], taxonomy: Taxonomy) -> list[Paste]:
    """Every paste in the share lists of ``sources``, in source order."""
    # Sources by their page, entries by their source line: keys that stay what they are.
    paragraphs = {source.page: summary_paragraphs(source) for source in sources if source.kind is SourceKind.SHARE}
    pastes = _verbatim(sources, paragraphs)
    taken = {(p.paragraph.source.page, p.paragraph.start) for p in pastes}
    for source in sources:
        if source.mirror_of and source.page in paragraphs:
            pastes += [p for p in _strays(source, paragraphs[source.page], taxonomy)
                       if (source.page, p.paragraph.start) not in taken]
    return pastes


def apply_pastes(pastes: list[Paste]) -> None:
    """Record each paste on its entry and owner, and wrap it on the page in an element search leaves out."""
    for paste in pastes:
        paragraph = paste.paragraph
        paragraph.entry.pasted.append(paragraph.text)
        if paste.kind == "stray":  # the owner's summary lacks it; a verbatim owner has it already
            paste.owner.adopted.append(paragraph.text)
        paragraph.source.edits.append(LineEdit(paragraph.start, paragraph.start - 1, "insert",
                                               prefix=['<div class="llm-pasted" data-search-exclude markdown>', ""]))
        paragraph.source.edits.append(LineEdit(paragraph.end, paragraph.end - 1, "insert", prefix=["", "</div>"]))


def summary_paragraphs(source: ParsedSource) -> list[Paragraph]:
    """The paragraphs of every entry's summary in ``source``: runs of lines between blank lines.

    Lines the parser replaces (headings, audio blocks, metadata lines) end a paragraph and belong to none.
    """
    lines = source.text.lines
    structural = sorted(((e.start, e.end, e) for e in source.edits if e.kind != "insert"), key=lambda t: t[:2])
    out: list[Paragraph] = []
    for number, (_, end, edit) in enumerate(structural):
        if edit.kind != "entry" or edit.entry is None:
            continue
        stop = len(lines)
        covered: list[tuple[int, int]] = []
        for later_start, later_end, later in structural[number + 1:]:
            if later.kind in ("entry", "month", "duplicate"):
                stop = later_start
                break
            covered.append((later_start, later_end))
        index, first = end + 1, True
        while index < stop:
            inside = next(((s, e) for s, e in covered if s <= index <= e), None)
            if inside is not None:
                index = inside[1] + 1
                continue
            if not lines[index].strip():
                index += 1
                continue
            begin = index
            while (index < stop and lines[index].strip()
                   and not any(s <= index <= e for s, e in covered)):
                index += 1
            out.append(Paragraph(edit.entry, source, begin, index, first))
            first = False
    return out


def _key(text: str) -> str:
    """What two copies of a paragraph share: the text without spaces, zero-width characters and ``*``.

    No NFKC: a paste is a copy, not a retyping, and this runs on every paragraph of every share list.
    """
    return _NOT_TEXT.sub("", text).casefold()


def _verbatim(sources: list[ParsedSource], paragraphs: dict[str, list[Paragraph]]) -> list[Paste]:
    groups: dict[bytes, list[Paragraph]] = {}
    for source in sources:
        for paragraph in paragraphs.get(source.page, ()):
            key = _key(paragraph.text)
            if len(key) >= MIN_CHARS:
                groups.setdefault(hashlib.blake2b(key.encode(), digest_size=16).digest(), []).append(paragraph)
    pastes: list[Paste] = []
    for group in groups.values():
        if len({p.entry.link or p.entry.source for p in group}) < 2:
            continue  # one article listed twice is a duplicate, not a paste
        text = fold(group[0].text)
        owner = max(enumerate(group), key=lambda n_p: (_about_title(text, n_p[1].entry.title), n_p[1].first,
                                                        -n_p[0]))[1]
        for paragraph in group:
            if paragraph is not owner and paragraph.entry.link != owner.entry.link:
                pastes.append(Paste(paragraph, owner.entry, "verbatim"))
    return pastes


def _about_title(folded_paragraph: str, title: str) -> float:
    """Share of a title's terms (ASCII words, CJK character pairs) that the paragraph contains."""
    folded = fold(title)
    terms = set(_ASCII_WORD.findall(folded))
    cjk = "".join(CJK.findall(folded))
    terms.update(cjk[i : i + 2] for i in range(len(cjk) - 1))
    return sum(term in folded_paragraph for term in terms) / len(terms) if terms else 0.0


def _strays(source: ParsedSource, paragraphs: list[Paragraph], taxonomy: Taxonomy) -> list[Paste]:
    def specific(text: str) -> set[str]:
        return {slug for slug in taxonomy.keyword_tags(text) if not taxonomy.tags[slug].broad}

    entries = source.entries  # in file order: the neighbours are the entries just above and below
    by_entry: dict[SourceLocation, list[Paragraph]] = {}
    for paragraph in paragraphs:
        by_entry.setdefault(paragraph.entry.source, []).append(paragraph)
    titles: dict[int, set[str]] = {}

    def title_terms(number: int) -> set[str]:
        if number not in titles:
            titles[number] = specific(entries[number].title)
        return titles[number]

    pastes: list[Paste] = []
    for number, entry in enumerate(entries):
        own = by_entry.get(entry.source, [])
        if len(own) < 2:
            continue
        about = title_terms(number) | specific(own[0].text)
        for paragraph in own[1:]:
            terms = specific(paragraph.text)
            if not terms or terms & about:
                continue
            # (shared terms, below before above: the collector pastes the next article's opening)
            shared = [(len(terms & title_terms(n)), n > number, n) for n in (number + 1, number - 1)
                      if 0 <= n < len(entries)]
            best = max(shared, default=(0, False, 0))
            if best[0] >= STRAY_MIN_SHARED:
                pastes.append(Paste(paragraph, entries[best[2]], "stray"))
    return pastes


def own_summary(entry: Entry) -> str:
    """The entry's summary without the paragraphs pasted under it."""
    text = entry.summary
    for pasted in entry.pasted:
        text = text.replace(pasted, "")
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") if entry.pasted else text


def tag_summary(entry: Entry) -> str:
    """The text an entry's keyword tags come from: its own summary, plus its own opening pasted elsewhere."""
    return "\n\n".join([own_summary(entry), *entry.adopted])
