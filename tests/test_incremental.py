"""`mkdocs serve --dirty`: a rebuild converts only the pages whose text changed."""

from __future__ import annotations

import calendar
import os
import re
import sys

import pytest
from conftest import ROOT, build_in_process

from llminfra.mkdocs_adapter.serve_cache import ServeCache, mark_for_rebuild

sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402


def test_generated_file_is_rewritten_only_when_its_markdown_changes(tmp_path):
    cache = ServeCache(tmp_path)
    path = cache.generated_file("tags/vllm/index.md", "# vLLM\n")
    os.utime(path, (1, 1))
    assert cache.generated_file("tags/vllm/index.md", "# vLLM\n") == path and os.path.getmtime(path) == 1
    cache.generated_file("tags/vllm/index.md", "# vLLM 2\n")
    assert os.path.getmtime(path) > 1 and open(path, encoding="utf-8").read() == "# vLLM 2\n"


def test_body_changed_compares_with_the_previous_build(tmp_path):
    cache = ServeCache(tmp_path)
    assert not cache.body_changed("index.md", "a")  # first build: everything is built anyway
    assert not cache.body_changed("index.md", "a")
    assert cache.body_changed("index.md", "b")


def test_mark_for_rebuild_makes_the_output_older_than_any_source(tmp_path):
    built = tmp_path / "index.html"
    built.write_text("x")
    mark_for_rebuild(str(built))
    assert os.path.getmtime(built) == 0
    mark_for_rebuild(str(tmp_path / "missing.html"))  # nothing to do


@pytest.fixture
def project(tmp_path):
    return generate.generate_project(tmp_path / "project", 100, seed=11).root


def test_dirty_rebuild_updates_changed_pages_and_skips_the_rest(project, tmp_path, monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.chdir(project)
    site = tmp_path / "site"

    def dirty_build():
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        build_in_process(config, dirty=True)
        return config

    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        build_in_process(config, dirty=True)
        untouched = site / "notes" / "index.html"  # no new note: the notes index does not change
        written = untouched.stat().st_mtime_ns
        share = max((project / "docs/share").glob("[0-9]*.md"))
        text = share.read_text(encoding="utf-8")
        month = re.search(r"^## (\d{4})(\d{2})\n", text, re.M)
        year, number = int(month.group(1)), int(month.group(2))
        added = f"{year:04d}-{number:02d}-{calendar.monthrange(year, number)[1]:02d}"  # the newest day of the site
        share.write_text(text[: month.end()] + "\n## [增量构建新条目](https://mp.weixin.qq.com/s?__biz=SW5j==&mid=1&idx=1"
                         f"&sn=0123456789abcdef0123456789abcdef#rd)\n{added}\n\n用 vLLM 的 KV cache 测试增量构建。\n\n"
                         + text[month.end():], encoding="utf-8")
        dirty_build()
    finally:
        config.plugins.on_shutdown()
    assert "增量构建新条目" in (site / "share" / share.stem / "index.html").read_text(encoding="utf-8")
    assert "增量构建新条目" in (site / "index.html").read_text(encoding="utf-8")  # home: its file did not change
    assert "增量构建新条目" in (site / "tags/vllm/index.html").read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == written


def test_a_serve_session_ends_at_shutdown_and_every_build_has_its_own_state(project, monkeypatch):
    """Build state is per build: a `serve --dirty` session leaves nothing behind for later builds."""
    from mkdocs.config import load_config

    from llminfra.mkdocs_adapter.events import state_of

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.chdir(project)

    def configured():
        config = load_config(config_file=str(project / "mkdocs.yml"))
        return config.plugins.on_config(config)

    session = load_config(config_file=str(project / "mkdocs.yml"))
    session.plugins.on_startup(command="serve", dirty=True)
    try:
        during = configured()
        assert state_of(during).serve_cache is not None  # a rebuild of the session shares its cache
    finally:
        session.plugins.on_shutdown()
    first, second = configured(), configured()
    assert state_of(first).serve_cache is None and state_of(second).serve_cache is None
    assert state_of(first) is not state_of(second)
