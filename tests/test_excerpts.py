"""Excerpts of listings and feeds come from the summary as rendered, not from deleting markup characters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llminfra.render import excerpts
from llminfra.render.excerpts import EXCERPT_SOURCE_FACTOR, excerpt_of, plain_excerpt
from llminfra.sources import plain_text
from llminfra.sources.notes import NoteParser
from llminfra.sources.sharelist import ShareListParser


@pytest.mark.parametrize("summary, excerpt", [
    ("调大 `max_tokens` 并打开 SO_REUSEPORT。", "调大 max_tokens 并打开 SO_REUSEPORT。"),
    ("**SO_REUSEPORT** 与 _强调_ 与 a*b 与 snake_case_name", "SO_REUSEPORT 与 强调 与 a*b 与 snake_case_name"),
    ("`__init__` 保留，__init__ 按 Markdown 加粗", "__init__ 保留，init 按 Markdown 加粗"),
    ("见 [vLLM (v1)](https://example.org/a_(b)) 的说明。", "见 vLLM (v1) 的说明。"),
    ("[链接](<https://example.org/a b>) 和 <https://example.org/x_y>", "链接 和 https://example.org/x_y"),
    ("AT&amp;T &lt;tag&gt; &#x4E2D; 与 R&D", "AT&T <tag> 中 与 R&D"),
    ("用 ``a `b` c`` 与 \\*星号\\* 与 \\_下划线\\_", "用 a `b` c 与 *星号* 与 _下划线_"),
    ("第一段。\n\n```python\nsecret_code()\n```\n\n- 列表一\n- 列表二", "第一段。 列表一 列表二"),
    ("图 ![示意图](https://example.org/i.png) 后文 <span>内联 HTML</span>", "图 后文 内联 HTML"),
])
def test_excerpt_is_the_rendered_text(summary, excerpt):
    assert plain_excerpt(summary) == excerpt


def test_excerpt_is_cut_to_the_limit_with_an_ellipsis():
    text = plain_excerpt("词" * 500, limit=20)
    assert text == "词" * 19 + "…"


def test_a_huge_summary_is_excerpted_from_its_start_only(monkeypatch):
    summary = ("一段 `code_span` 文字。" * 50 + "\n\n") * 20_000  # about 15 MB
    converted: list[int] = []
    render = plain_text.markdown_plain_text
    monkeypatch.setattr(excerpts, "markdown_plain_text", lambda text: converted.append(len(text)) or render(text))
    text = plain_excerpt(summary)
    assert text.startswith("一段 code_span 文字。") and len(text) == 140
    # Only whole leading paragraphs, about four times the excerpt, go to the converter: not 15 MB.
    assert converted and max(converted) < 2 * len(summary.split("\n\n")[0]) + 140 * EXCERPT_SOURCE_FACTOR


def test_an_entry_s_excerpt_is_made_once_from_its_summary_or_what_its_parser_names():
    share = ("## 202509\n\n## [标题](https://example.com/a)\n\n"
             "`max_tokens` 和 [vLLM (v1)](https://example.org/a_(b)) &amp; **SO_REUSEPORT**\n")
    (entry,) = ShareListParser().parse("docs/share/index.md", "share/index.md", share).entries
    assert entry.excerpt is None  # the parsers read; excerpts are the renderer's
    assert excerpt_of(entry) == "max_tokens 和 vLLM (v1) & SO_REUSEPORT" == entry.excerpt
    entry.summary = "changed"
    assert excerpt_of(entry) == "max_tokens 和 vLLM (v1) & SO_REUSEPORT"  # made once per entry
    note = ("---\ndate: 2026-06-01\n---\n\n## ✅ 保留条目\n\n### 1. 条目\n\n- **来源**：<https://e.com>\n\n正文很长。\n\n"
            "**保留理由**：一句话说明**为什么**。\n")
    (item,) = NoteParser().parse("docs/notes/x.md", "notes/x.md", note).entries
    assert excerpt_of(item) == "一句话说明为什么。"


PROSE_PIECES = [*"推理重排序模型ab Zk09\n\t，。（）()%.,-+/?'\"@$^", "\n\n", "  ", "1. ", "- ", "\n- ", "\n    "]


@settings(max_examples=500, deadline=None, derandomize=True)  # the same examples in every run
@given(st.lists(st.sampled_from(PROSE_PIECES), max_size=40).map("".join))
def test_prose_without_markup_skips_the_converter_and_reads_the_same(text):
    """The shortcut for plain prose gives what Python-Markdown shows for it."""
    converter = plain_text._plain_text_markdown()
    converter.reset()
    reader = plain_text._PlainText()
    reader.feed(converter.convert(text))
    reader.close()
    assert plain_text.markdown_plain_text(text) == " ".join("".join(reader.parts).split())
