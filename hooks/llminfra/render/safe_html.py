"""Keeping contributor-written HTML and links inert.

Two guards, both built on well-kept libraries:

- ``sanitize_html``: raw HTML written in a source (anything between the
  structural lines the parsers understand) is rendered on its own and passed
  through nh3 with an explicit allow-list, so it can neither run script nor
  leave a tag open that would swallow the entries below it.
- ``SafeLinksExtension``: a Python-Markdown treeprocessor that drops link and
  image URLs with schemes other than http(s)/mailto (``javascript:``,
  ``data:``, ``vbscript:``, however they are spelled) and marks outbound
  links ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "ol": {"start", "type"},
    "code": {"class"},
}
# Removed together with their content, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
URL_SCHEMES = {"http", "https", "mailto"}
OUTBOUND = {"http", "https"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u200b-\u200f\u2028\u2029\ufeff]+")


def sanitize_html(fragment: str) -> str:
    """Clean an HTML fragment with the allow-list (balanced, no script, safe URLs)."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see, after entities and invisible characters."""
    text = html.unescape(url.replace(AMP_SUBSTITUTE, "&"))
    text = _INVISIBLE.sub("", text).lower()
    match = _SCHEME.match(text)
    return match.group(1) if match else None


def is_safe_url(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in URL_SCHEMES


class _SafeLinks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                href = element.get("href")
                if href is None:
                    continue
                if not is_safe_url(href):
                    _unlink(element)
                elif url_scheme(href) in OUTBOUND:
                    element.set("rel", "noopener noreferrer")
            elif element.tag == "img":
                src = element.get("src")
                if src is not None and (not is_safe_url(src) or url_scheme(src) == "mailto"):
                    alt = element.get("alt") or ""
                    _unlink(element)
                    element.text = alt


def _unlink(element: etree.Element) -> None:
    # Keep the text, drop the URL. A <span>, because MkDocs expects every
    # <a> and <img> it sees to carry a URL.
    element.tag = "span"
    element.attrib.clear()
    element.set("class", "llm-unsafe-link")


class SafeLinksExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After inline patterns have created the links (priority 20).
        md.treeprocessors.register(_SafeLinks(md), "llminfra_safe_links", 15)
