"""The one HTML policy (domain.html_policy), as nh3 applies it to raw HTML and the treeprocessor to Markdown."""

from __future__ import annotations

import markdown
import pytest

from llminfra.domain.html_policy import HTML_POLICY, url_scheme
from llminfra.render.safe_html import HtmlPolicyExtension, sanitize_html


@pytest.mark.parametrize("url, scheme", [
    ("javascript:alert(1)", "javascript"), ("JaVaScRiPt:x", "javascript"), ("java\tscript:x", "javascript"),
    ("&#106;avascript:x", "javascript"), ("\u200bjavascript:x", "javascript"), ("vbscript:x", "vbscript"),
    ("data:text/html,x", "data"), ("https://example.com/", "https"), ("../a.md", None), ("#top", None),
])
def test_the_scheme_is_the_one_a_browser_sees(url, scheme):
    assert url_scheme(url) == scheme


def test_raw_html_keeps_content_classes_and_heading_ids_only():
    html = sanitize_html('<h2 id="intro" class="md-header x">标题</h2><p id="p" class="md-button llm-copy-link y">'
                         '<a href="mailto:a@b.c" class="llm-unsafe-link">信</a><img src="mailto:a@b.c" alt="图">'
                         '<img src="data:image/png;base64,AA" alt="点"></p><h3 id="__search">坏</h3>'
                         '<h3 id="a-1a2b3c4d">冒名</h3><h3 id="entry">条目</h3>', page_anchors={"entry"})
    assert '<h2 id="intro" class="x">' in html
    assert '<p class="md-button y">' in html
    assert 'href="mailto:a@b.c"' in html and 'class="llm-unsafe-link"' in html
    assert "<img" in html and "mailto" not in html.split("<img", 1)[1] and "data:" not in html
    assert "__search" not in html and "a-1a2b3c4d" not in html and 'id="entry"' not in html


def test_the_tree_keeps_what_markdown_itself_writes():
    converter = markdown.Markdown(extensions=["tables", "attr_list", "abbr", "admonition", "toc",
                                              HtmlPolicyExtension()],
                                  extension_configs={"tables": {"use_align_attribute": True}})
    html = converter.convert('| a | b |\n|:-|-:|\n| 1 | 2 |\n\n*[KV]: key value\n\n'
                             'KV 缓存 [链接](https://example.com "题"){: .md-button }\n\n'
                             '!!! note "提示"\n    内容\n\n## __toc\n')
    assert '<th align="left">' in html and '<abbr title="key value">KV</abbr>' in html
    assert 'class="md-button" href="https://example.com" rel="noopener noreferrer" title="题"' in html
    assert '<div class="admonition note">' in html
    assert 'id="h-toc"' in html and 'id="__toc"' not in html


def test_ids_of_the_theme_and_the_site_are_reserved_and_free_ones_are_made_from_them():
    for reserved in ("__search", "__palette_0", "a-1a2b3c4d", "n-0000ffff", "m-2025-09", "s-01-intro", "y-2025"):
        assert HTML_POLICY.id_is_reserved(reserved)
        assert not HTML_POLICY.id_is_reserved(HTML_POLICY.free_id(reserved))
    assert not HTML_POLICY.id_is_reserved("a-b") and HTML_POLICY.free_id("intro") == "intro"
