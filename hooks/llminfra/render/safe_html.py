"""Keeping writers' HTML and Markdown inert, by the one policy of ``domain.html_policy``.

- ``sanitize_html``: raw HTML written in a page (anything between the structural lines the parsers
  understand) is rendered on its own and passed through nh3, configured from the policy (elements,
  attributes, URL schemes) and asking it about every attribute nh3 would keep (classes, ids), so it can
  neither run script nor leave a tag open that would swallow the entries below it.
- ``HtmlPolicyExtension`` (``sources.markup_policy``): the same policy over every element Python-Markdown
  builds, attribute lists included, after the last extension that sets attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import markdown
import nh3

from llminfra.domain.document import SourceText
from llminfra.domain.html_policy import DROPPED_WITH_CONTENT, HTML_POLICY, URL_SCHEMES, HtmlPolicy
from llminfra.render.markdown_text import blocks, has_raw_html
from llminfra.sources.markup_policy import HtmlPolicyExtension

__all__ = ["HtmlPolicyExtension", "WrittenText", "sanitize_html"]


def sanitize_html(fragment: str, page_anchors: Collection[str] = (), policy: HtmlPolicy = HTML_POLICY) -> str:
    """Clean an HTML fragment with the policy (balanced, no script, safe URLs, no reserved class or id)."""

    def keep(tag: str, name: str, value: str) -> str | None:
        if name == "class":
            return policy.filtered_classes(value) or None
        return None if policy.attribute_problem(tag, name, value, page_anchors) else value

    return nh3.clean(
        fragment,
        tags=set(policy.tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in policy.attributes.items()},
        attribute_filter=keep,
        url_schemes=set().union(*URL_SCHEMES.values()),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class WrittenText:
    """A page's own text (what its writer typed, between the lines the renderer replaces), made safe to show.

    Kept as markdown, except each block (paragraphs, lists and tables between blank lines; a fenced code block)
    that holds raw HTML, or a line the HTML policy would change (``SourceText.unsafe_lines``, found by the
    parse-time check): that block is rendered on its own and sanitised, so an unclosed or hostile tag can neither
    run nor swallow the entries that follow it, and the exported pages (built without our hooks) are as safe as
    the site's.
    """

    def __init__(self, markdown_factory: Callable[[], markdown.Markdown] | None = None):
        self._factory = markdown_factory
        self._markdown: markdown.Markdown | None = None

    def lines(self, text: SourceText, start: int, end: int, page_anchors: Collection[str] = ()) -> list[str]:
        lines = text.lines[start:end]
        unsafe = [index - start for index in text.unsafe_lines if start <= index < end]
        if not unsafe and not has_raw_html(lines):
            return lines
        out: list[str] = []
        offset = 0
        for block, is_code in blocks(lines):
            flagged = any(offset <= index < offset + len(block) for index in unsafe)
            offset += len(block)
            if not any(line.strip() for line in block) or (not flagged and (is_code or not has_raw_html(block))):
                out.extend(block)
                continue
            converter = self._converter()
            converter.reset()
            html = sanitize_html(converter.convert("\n".join(block)), page_anchors)
            if html.strip():  # (a comment alone leaves nothing)
                out.extend(["", f'<div class="llm-rich">{html}</div>', ""])
        return out

    def _converter(self) -> markdown.Markdown:
        if self._markdown is None:
            self._markdown = self._factory() if self._factory else markdown.Markdown(
                extensions=["tables", "attr_list", "def_list", "abbr", HtmlPolicyExtension()])
        return self._markdown
