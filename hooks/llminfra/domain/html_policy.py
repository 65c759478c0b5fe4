"""What HTML written by a writer may hold: one policy for every way it reaches a page.

Writers reach the page through raw HTML (cleaned by nh3), through the elements Python-Markdown and its
extensions build from their text (links, images, attribute lists ``{: …}``, admonitions, tables, …; cleaned by
a treeprocessor that runs after ``attr_list``) and through the options of fenced code blocks
(```` ```{.python #id} ````). ``HTML_POLICY`` says, for all three, which elements and attributes may stay; the
renderer applies it (``render.safe_html``) and the parsers report what it would remove
(``sources.markup_check``), so ``check`` and a strict build name the line that the page would lose.

The rules:

- no event handler (``on…``), no ``style``, no ``data-…`` (the theme's scripts read ``data-md-…``):
  only the attributes listed per element;
- ``href`` and ``src`` take http(s), ``mailto:`` (links only) or a relative URL, never ``javascript:``,
  ``vbscript:`` or ``data:``, however they are spelled (entities, case, invisible characters);
- classes, except those of the theme (``md-…``) and of the site (``llm-…``), whose scripts and styles act on
  them (a few meant for content aside);
- ``id`` only on headings, and never one the page already uses: the theme's (``__search``, ``__drawer``,
  ``__palette_0``, … all begin with ``__``), the shapes of the site's entry and month anchors
  (``a-1a2b3c4d``, ``n-…``, ``s-…``, ``m-2025-09``) and the anchors of the entries on the page.

Plain Python: no Markdown, no HTML parser; callers hand it names and values.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Shown as they are; never worth running a script for. ("svg" and "math" only hide vectors of their own.)
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "svg",
                                  "math"})
URL_ATTRIBUTES = frozenset({"href", "src"})
# A link may mail; an image may not. Relative URLs (no scheme) are always fine.
URL_SCHEMES = {"href": frozenset({"http", "https", "mailto"}), "src": frozenset({"http", "https"})}
# Options of a fenced code block that are not attributes of the page (pymdownx.highlight reads them).
CODE_BLOCK_OPTIONS = frozenset({"hl_lines", "linenums", "title", "title_mode"})
# The theme's id namespace (Material's toggles and generated ids), and the site's anchors of entries and months.
THEME_ID_PREFIX = "__"
SITE_ANCHOR = re.compile(r"(?:[an]-[0-9a-f]{8}|m-\d{4}-\d{2}|s-[\w-]+|y-\d{4}|audio-[\w-]+)", re.ASCII)
RESERVED_CLASS_PREFIXES = ("md-", "llm-")
# Classes of those namespaces meant for content: Material's buttons (documented for writers), the mark this
# policy leaves where it removed a link, and the frame of a collector's paste (domain/pastes.py); each is only
# styled, acted on by no script.
CONTENT_CLASSES = frozenset({"md-button", "md-button--primary", "llm-unsafe-link", "llm-pasted"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]+")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url``, after entities and invisible characters; None if relative."""
    text = _INVISIBLE.sub("", html.unescape(url)).lower()
    match = _SCHEME.match(text)
    return match.group(1) if match else None


@dataclass(frozen=True)
class HtmlPolicy:
    # Elements raw HTML may use (others are unwrapped, their text kept; DROPPED_WITH_CONTENT go entirely).
    tags: frozenset[str]
    # Attributes per element; "*" for every element. ``id`` is listed for headings only.
    attributes: Mapping[str, frozenset[str]]

    def allowed(self, tag: str) -> frozenset[str]:
        return self.attributes.get("*", frozenset()) | self.attributes.get(tag, frozenset())

    def attribute_problem(self, tag: str, name: str, value: str, page_anchors: Collection[str] = ()) -> str | None:
        """Why ``name="value"`` may not stay on ``<tag>``; None when it may.

        ``page_anchors``: the anchors the site gives the entries on this page, which no writer's id may take.
        """
        name = name.lower()
        if name.startswith("on"):
            return f"event handler {name!r} on <{tag}> is not allowed"
        if name not in self.allowed(tag):
            return f"attribute {name!r} is not allowed on <{tag}>"
        if name in URL_ATTRIBUTES:
            scheme = url_scheme(value)
            if scheme is not None and scheme not in URL_SCHEMES[name]:
                return f"{name} with the scheme {scheme!r} is not allowed on <{tag}>"
        elif name == "class":
            reserved = self.reserved_classes(value)
            if reserved:
                return f"class {reserved[0]!r} on <{tag}> belongs to the theme or the site"
        elif name == "id":
            if not value.strip():
                return f"an empty id on <{tag}> is not allowed"
            if self.id_is_reserved(value, page_anchors):
                return f"id {value!r} on <{tag}> is one the theme or the site uses"
        return None

    @staticmethod
    def class_is_reserved(name: str) -> bool:
        return name.startswith(RESERVED_CLASS_PREFIXES) and name not in CONTENT_CLASSES

    def reserved_classes(self, value: str) -> list[str]:
        return [cls for cls in value.split() if self.class_is_reserved(cls)]

    @staticmethod
    def id_is_reserved(value: str, page_anchors: Collection[str] = ()) -> bool:
        return value.startswith(THEME_ID_PREFIX) or bool(SITE_ANCHOR.fullmatch(value)) or value in page_anchors

    def free_id(self, value: str, page_anchors: Collection[str] = ()) -> str:
        """``value``, or an id made from it that nothing on the page uses (for ids made from heading text)."""
        while self.id_is_reserved(value, page_anchors):
            value = "h-" + value.lstrip("_")
        return value

    def filtered_classes(self, value: str) -> str:
        """``value`` without the reserved classes."""
        return " ".join(cls for cls in value.split() if not self.class_is_reserved(cls))


_TEXT = frozenset({"class", "title", "lang", "dir"})
HTML_POLICY = HtmlPolicy(
    tags=frozenset({
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }),
    attributes={
        "*": _TEXT,
        # Material's own switch for content search leaves out (the site wraps collector pastes in it); it hides
        # nothing from readers and runs nothing.
        "div": frozenset({"data-search-exclude"}),
        "a": frozenset({"href", "hreflang"}),
        "img": frozenset({"src", "alt", "width", "height", "loading"}),
        "td": frozenset({"colspan", "rowspan", "align"}),
        "th": frozenset({"colspan", "rowspan", "align", "scope"}),
        "time": frozenset({"datetime"}),
        "ol": frozenset({"start", "type"}),
        "details": frozenset({"open"}),
        **{heading: frozenset({"id"}) for heading in HEADINGS},
    },
)
