"""The HTML policy (``domain.html_policy``) applied to Markdown: enforced while pages render, reported while
sources are parsed.

``HtmlPolicyExtension`` registers one treeprocessor that runs after every extension that builds or decorates
elements from a writer's text (inline links and images at 20, ``attr_list`` at 8, ``abbr`` at 7) and before
``toc`` (5) reads the headings. It visits every element and keeps only what the policy allows: an attribute list
``{: onerror=…}``, ``{: style=…}``, ``{: href="javascript:…"}`` or ``{: #__search}`` is gone before the page is
written, whichever element it landed on; an unsafe link or image is unlinked (its text kept). It also gives
``toc`` a slug function that never yields an id of the theme or of the site's anchors.

The site's own headings (entries, months) carry ids that writers may not use. The MkDocs adapter hands them to
Python-Markdown as trusted lines (``trusted_heading``): a mark that no source text can hold (Python-Markdown
removes the STX and ETX characters from its input before any preprocessor runs) says which headings they are;
the treeprocessor gives those headings their anchors and refuses the same ids to everything else.

``markup_problems`` is the parse-time side: the same treeprocessor, reporting instead of (as well as) removing,
run over a source's text, plus the attribute lists of fenced code blocks (which ``pymdownx.superfences`` writes
into the page as HTML, past any treeprocessor), parsed with Python-Markdown's own attribute-list parser. So
``check`` and the strict build name the line of whatever the page would lose.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Collection
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, ETX, STX
from pymdownx.superfences import RE_NESTED_FENCE_START

from llminfra.domain.document import ParsedSource, SourceText
from llminfra.domain.html_policy import (
    CODE_BLOCK_OPTIONS,
    HEADINGS,
    HTML_POLICY,
    URL_ATTRIBUTES,
    HtmlPolicy,
    url_scheme,
)
from llminfra.domain.problems import SourceProblem

# After attr_list (8) and abbr (7), before toc (5) and MkDocs' anchor and link processors (5, 0).
PRIORITY = 6
OUTBOUND = {"http", "https"}
_TRUSTED = re.compile(rf"[ \t]*{STX}llminfra-anchor:([^{ETX}]+){ETX}[ \t]*$")

# (tag, attribute, value, what is wrong): one thing the policy removed.
Report = Callable[[str, str, str, str], None]


def trusted_heading(level: int, text: str, anchor: str) -> str:
    """A heading line whose anchor the policy accepts: for preprocessors only (the mark is not source text)."""
    return f"{'#' * level} {text} {STX}llminfra-anchor:{anchor}{ETX}"


class PolicyTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, policy: HtmlPolicy, report: Report | None = None,
                 page_anchors: Collection[str] = ()):
        super().__init__(md)
        self.policy = policy
        self.report = report
        self.page_anchors = page_anchors

    def run(self, root: etree.Element) -> None:
        toc = self.md.treeprocessors["toc"] if "toc" in self.md.treeprocessors else None
        if toc is not None and not isinstance(toc.slugify, _FreeSlug):
            toc.slugify = _FreeSlug(toc.slugify, self.policy)
        trusted = set(self.page_anchors)
        trusted_elements = set()
        for element in root.iter():
            if element.tag in HEADINGS:
                anchor = _take_trusted_mark(element)
                if anchor is not None:
                    element.set("id", anchor)
                    trusted.add(anchor)
                    trusted_elements.add(element)
        for element in list(root.iter()):
            if isinstance(element.tag, str):
                self._apply(element, trusted, element in trusted_elements)

    def _apply(self, element: etree.Element, trusted: set[str], is_trusted: bool) -> None:
        tag = element.tag
        for name, raw in list(element.attrib.items()):
            if is_trusted and name == "id":
                continue
            value = "" if raw is None else raw.replace(AMP_SUBSTITUTE, "&")
            problem = self.policy.attribute_problem(tag, name, value, trusted)
            if problem is None:
                continue
            if self.report is not None:
                self.report(tag, name, value, problem)
            if name in URL_ATTRIBUTES and tag in ("a", "img"):
                _unlink(element)
                return
            if name == "class":
                kept = self.policy.filtered_classes(value)
                if kept:
                    element.set("class", kept)
                    continue
            del element.attrib[name]
        if tag == "a" and (href := element.get("href")) is not None:
            if url_scheme(href.replace(AMP_SUBSTITUTE, "&")) in OUTBOUND:
                element.set("rel", "noopener noreferrer")


def _take_trusted_mark(heading: etree.Element) -> str | None:
    """The anchor of a trusted heading (and the mark removed from its text); None for any other heading."""
    holder, attribute = (heading[-1], "tail") if len(heading) else (heading, "text")
    text = getattr(holder, attribute) or ""
    match = _TRUSTED.search(text)
    if match is None:
        return None
    setattr(holder, attribute, text[: match.start()])
    return match.group(1)


def _unlink(element: etree.Element) -> None:
    # Keep the text, drop the URL. A <span>, because MkDocs expects every <a> and <img> it sees to carry a URL.
    alt = element.get("alt") if element.tag == "img" else None
    element.tag = "span"
    element.attrib.clear()
    element.set("class", "llm-unsafe-link")
    if alt:
        element.text = alt


class HtmlPolicyExtension(Extension):
    """The policy over every element Python-Markdown builds; ``toc`` never makes an id the policy reserves."""

    def __init__(self, policy: HtmlPolicy = HTML_POLICY, report: Report | None = None,
                 page_anchors: Collection[str] = (), **kwargs):
        super().__init__(**kwargs)
        self.policy = policy
        self.report = report
        self.page_anchors = page_anchors

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(PolicyTreeprocessor(md, self.policy, self.report, self.page_anchors),
                                   "llminfra_html_policy", PRIORITY)


class _FreeSlug:
    """``toc``'s slug function, except that a slug the policy reserves (``__search``) becomes a free one."""

    def __init__(self, slugify, policy: HtmlPolicy):
        self.slugify = slugify
        self.policy = policy

    def __call__(self, value: str, separator: str) -> str:
        return self.policy.free_id(self.slugify(value, separator))


# -- at parse time ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkupProblem:
    index: int  # of the line in the lines handed in
    message: str
    hint: str


# The Markdown that decides which element a writer's text becomes. Raw HTML is not looked into (it is always
# cleaned by nh3, whatever it holds); md_in_html is left out so that raw HTML stays raw here too.
CHECK_EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "tables", "pymdownx.details",
                    "pymdownx.superfences")
# Text that can give an element an attribute the policy may refuse: an attribute list (also a fence's), a
# link, image or link definition whose destination is not plainly http(s) or mailto, an admonition. Most text
# has none and is not converted here at all.
_PLAIN_DESTINATION = r"\s*<?\s*(?:https?://|mailto:)"
_CANDIDATE = re.compile(rf"{AttrListTreeprocessor.BASE_RE}|\]\((?!{_PLAIN_DESTINATION})"
                        rf"|^[ \t]*\[[^\]\n]*\]:(?!{_PLAIN_DESTINATION})"
                        r"|^[ \t]*(?:!!!|\?\?\?\+?)[ \t]",  # an admonition or details block: its type is a class
                        re.IGNORECASE | re.MULTILINE)
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]+)")
ATTRIBUTE_HINT = "left out of the page; attribute lists may set classes, and ids on headings"
URL_HINT = "shown as text without the link; link to http(s), mailto: or a relative path"
FENCE_HINT = "left out of the page; a code block takes a language, classes and linenums, hl_lines, title"


class MarkupChecker:
    """Reports, line by line, what the policy would remove from a run of source text."""

    def __init__(self, policy: HtmlPolicy = HTML_POLICY):
        self.policy = policy
        self._found: list[tuple[str, str, str, str]] = []
        self._anchors: set[str] = set()
        self._markdown = markdown.Markdown(
            extensions=[*CHECK_EXTENSIONS, HtmlPolicyExtension(policy, self._record, self._anchors)],
            # Which element a fence becomes matters here, not its colours.
            # As mkdocs.yml configures tables: column alignment as an attribute, not a style.
            extension_configs={"pymdownx.highlight": {"use_pygments": False},
                               "tables": {"use_align_attribute": True}})

    def _record(self, tag: str, name: str, value: str, problem: str) -> None:
        self._found.append((tag, name, value, problem))

    def problems(self, lines: list[str], page_anchors: Collection[str] = ()) -> list[MarkupProblem]:
        """What the policy would remove from ``lines`` (Markdown text that is rendered as it is)."""
        text = "\n".join(lines)
        if not _CANDIDATE.search(text):  # one scan of the whole run: most text has nothing to look at
            return []
        found: list[MarkupProblem] = []
        for index, line in enumerate(lines):
            found += [MarkupProblem(index, message, hint) for message, hint in self.line_problems(line)]
        self._found.clear()
        self._anchors.clear()
        self._anchors.update(page_anchors)
        self._markdown.reset()
        self._markdown.convert(text)
        cursors: dict[str, int] = {}
        for _tag, name, value, problem in self._found:
            hint = URL_HINT if name in URL_ATTRIBUTES and problem.startswith(name) else ATTRIBUTE_HINT
            found.append(MarkupProblem(self._line_of(lines, name, value, cursors), problem, hint))
        return sorted(set(found), key=lambda p: (p.index, p.message))

    def line_problems(self, line: str) -> list[tuple[str, str]]:
        """What the policy refuses on one line: a link definition's URL (wherever the link is used), the
        attribute list of a fenced code block (written into the page as HTML, past every treeprocessor)."""
        definition = _DEFINITION.match(line)
        if definition:
            problem = self.policy.attribute_problem("a", "href", definition.group(1))
            return [(problem, URL_HINT)] if problem else []
        match = RE_NESTED_FENCE_START.match(line.lstrip("> \t"))
        if match is None or not match.group("attrs"):
            return []
        attributes, _ = get_attrs_and_remainder(match.group("attrs"))
        problems = []
        for name, value in attributes:
            if name == "." or name in CODE_BLOCK_OPTIONS:
                problem = self.policy.attribute_problem("pre", "class", value or "") if name == "." else None
            else:
                problem = self.policy.attribute_problem("pre", name, value or "")
            if problem:
                problems.append((f"code block: {problem}", FENCE_HINT))
        return problems


    def _line_of(self, lines: list[str], name: str, value: str, cursors: dict[str, int]) -> int:
        """The line that most likely wrote ``name="value"`` (an element does not know its line).

        The first line that holds the attribute as an attribute list writes it, else its value, else its name.
        Elements come in the order of the text, so the same attribute again is looked for after the line of the
        one before (``cursors``).
        """
        needles = [f'{name}="{value}"', f"{name}='{value}'", f"{name}={value}"]
        if name == "id":
            needles.append(f"#{value}")
        if name == "class":
            reserved = self.policy.reserved_classes(value)
            needles += [f".{cls}" for cls in reserved] + reserved
        if len(value) >= 3:
            needles.append(value)
        needles.append(name)
        start = cursors.get(f"{name}={value}", 0)
        for needle in needles:
            for index in range(start, len(lines)):
                if needle in lines[index]:
                    cursors[f"{name}={value}"] = index + 1
                    return index
        return start if start < len(lines) else 0


@functools.lru_cache(maxsize=1)
def _checker() -> MarkupChecker:
    return MarkupChecker()


def text_segments(source: ParsedSource) -> list[tuple[int, int]]:
    """(start, end) of each run of body lines that a source page shows as written: those between its edits."""
    segments = []
    cursor = 0
    for edit in sorted(source.edits, key=lambda e: (e.start, e.end)):
        if edit.start > cursor:
            segments.append((cursor, edit.start))
        cursor = max(cursor, edit.end + 1)
    if cursor < len(source.text.lines):
        segments.append((cursor, len(source.text.lines)))
    return segments


def check_source_markup(source: ParsedSource) -> None:
    """Report what the HTML policy would remove from the text a source page shows (errors; notices in the
    mirror) and mark those lines, which the renderer then converts on their own and sanitises."""
    anchors = {entry.anchor for entry in source.entries}
    for start, end in text_segments(source):
        for problem in _checker().problems(source.text.lines[start:end], anchors):
            source.text.unsafe_lines.add(start + problem.index)
            source.problem(start + problem.index, problem.message, problem.hint)


def check_page_markup(text: SourceText) -> list[SourceProblem]:
    """The same for a page the renderer does not parse (the home page, 订阅, 性能, …): every line is shown."""
    problems = []
    for problem in _checker().problems(text.lines):
        text.unsafe_lines.add(problem.index)
        problems.append(SourceProblem(text.path, text.line_number(problem.index), problem.message, problem.hint))
    return problems
