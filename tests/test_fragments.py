"""Template HTML in source pages reaches Python-Markdown as stashed blocks (llminfra.fragments), not as raw HTML."""

from __future__ import annotations

import re

import markdown
import pytest
from conftest import FROZEN, ROOT

from llminfra.domain.layout import SiteLayout
from llminfra.domain.site_plan import plan_site
from llminfra.mkdocs_adapter.fragments import TOKEN, TrustedFragments, TrustedFragmentsExtension
from llminfra.render.options import RenderOptions
from llminfra.render.safe_html import HtmlPolicyExtension
from llminfra.render.site_renderer import SiteRenderer
from llminfra.sources.loading import build_catalog

EXTENSIONS = ["tables", "attr_list", "md_in_html", "toc"]


def convert(text: str, fragments: TrustedFragments | None = None) -> str:
    """The HTML, blank lines aside (a stashed block is followed by one more; the site collapses them)."""
    extensions = [*EXTENSIONS, HtmlPolicyExtension()]
    if fragments is not None:
        extensions.append(TrustedFragmentsExtension(fragments))
    return re.sub(r"\n+", "\n", markdown.Markdown(extensions=extensions).convert(text))


def test_a_token_converts_to_its_block_exactly_as_the_inline_html_would():
    block = '<div class="llm-entry-meta" data-search-exclude>\n<p>*不是强调* <a href="../t/">标签</a></p>\n</div>'
    fragments = TrustedFragments()
    with_token = f"## 标题\n\n{fragments.token(block)}\n\n正文 **加粗**\n"
    assert TOKEN.fullmatch(with_token.splitlines()[2])
    assert convert(with_token, fragments) == convert(f"## 标题\n\n{block}\n\n正文 **加粗**\n")
    assert block in convert(f"{fragments.token(block)}\n", fragments)


def test_a_block_is_kept_until_every_page_that_uses_it_is_converted():
    fragments = TrustedFragments()
    token = fragments.token("<p>同一块</p>")
    assert fragments.token("<p>同一块</p>") == token  # the same HTML on two pages: one token
    key = TOKEN.fullmatch(token).group(1)
    assert fragments.take(key) == fragments.take(key) == "<p>同一块</p>"
    assert fragments.take(key) is None and len(fragments) == 0


def test_a_token_that_was_not_registered_stays_a_comment():
    fragments = TrustedFragments()
    stray = "<!-- llminfra:0123456789abcdef0123 -->"
    assert convert(f"{stray}\n", fragments) == stray


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(SiteLayout(FROZEN))


def test_the_hooks_renderer_writes_tokens_and_the_export_writes_the_html(catalog):
    source = next(s for s in catalog.sources if any(e.audio for e in s.entries))
    fragments = TrustedFragments()
    tokens = source_markdown(catalog, source, RenderOptions(html_block=fragments.token))
    inline = source_markdown(catalog, source, RenderOptions())
    # Every entry's metadata block and every player are blocks; none is raw HTML in the text.
    assert "llm-entry-meta" not in tokens and "<audio" not in tokens
    assert len(re.findall(r"^<!-- llminfra:", tokens, re.M)) == len(fragments) >= len(source.entries)
    assert "llminfra:" not in inline and inline.count('class="llm-entry-meta"') == len(source.entries)
    assert convert(tokens, fragments) == convert(inline)


def source_markdown(catalog, source, options: RenderOptions) -> str:
    """The rendered markdown of a source file's own page."""
    plan = plan_site(catalog, SiteLayout(ROOT))
    return SiteRenderer(catalog, plan, ROOT / "overrides", options).page_markdown(source.page, "")


def test_only_a_trusted_heading_carries_a_site_anchor():
    """The renderer's entry headings reach Python-Markdown marked as trusted: a writer's heading that claims the same
    anchor (or one of the theme's ids) loses it, however it is written."""
    fragments = TrustedFragments()
    text = (f"{fragments.heading(3, '标题', 'a-1234abcd')}\n\n摘要\n\n### 冒名 {{: #a-1234abcd }}\n\n"
            "### 另一个 {: #__search }\n\n### __drawer\n")
    html = convert(text, fragments)
    assert '<h3 id="a-1234abcd">标题' in html and html.count('id="a-1234abcd"') == 1
    assert 'id="__' not in html and "llminfra-anchor" not in html
    # Without the mark (as a writer would type it), the same line is just a heading.
    assert 'id="a-1234abcd"' not in convert("### 标题 {: #a-1234abcd }\n")
