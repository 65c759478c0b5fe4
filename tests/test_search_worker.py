"""The search index (publish/search_shards.py) written by a worker process (mkdocs_adapter/search_worker.py)
is the one the build process writes without it, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import BUILDS, ROOT
from mkdocs.exceptions import PluginError

from llminfra.mkdocs_adapter.search_worker import ShardedSearchIndex, worker_index_wanted


def search_files(site: Path) -> dict[str, bytes]:
    folder = site / "search"
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_command_line_build_indexes_in_the_worker_and_writes_the_in_process_index(built_site, tmp_path):
    # The fixture built with `mkdocs build`; driven from Python, MkDocs sends no on_startup and the pages are
    # indexed in the build process. (On a one-core machine the command line indexes in-process too.)
    assert ("llminfra search worker: pages=" in built_site.log) == ((os.cpu_count() or 1) > 1)
    in_python = ("from mkdocs.commands.build import build; from mkdocs.config import load_config; "
                 f"build(load_config({str(built_site.project / 'mkdocs.yml')!r}, site_dir={str(tmp_path / 'site')!r}))")
    BUILDS.add("mkdocs command line")
    result = subprocess.run([sys.executable, "-c", in_python], cwd=built_site.project, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    assert result.returncode == 0 and "llminfra search worker" not in result.stderr, result.stderr[-3000:]
    in_process = search_files(tmp_path / "site")
    assert search_files(built_site.path) == in_process
    assert json.loads(in_process["search_index.json"])["config"]["llminfra"]["documents"] > 50


def page(url: str, body: str, **meta) -> SimpleNamespace:
    heading = SimpleNamespace(id="h", url="#h", children=[])
    return SimpleNamespace(url=url, title=url, meta=meta, toc=[heading],
                           content=f'<h2 id="h">{url} 标题</h2><p>{body}</p>')


@pytest.fixture
def worker_index(tmp_path):
    index = ShardedSearchIndex(str(tmp_path / "site"), True, lang=["zh"], separator=r"[\s]+", pipeline=[], fields={})
    yield index
    if index._worker.is_alive():
        index._worker.kill()


@pytest.mark.parametrize("in_worker", [True, False], ids=["worker", "in-process"])
def test_documents_are_numbered_in_the_order_pages_were_indexed(tmp_path, in_worker):
    index = ShardedSearchIndex(str(tmp_path / "site"), in_worker, lang=["zh"], separator=r"[\s]+", pipeline=[],
                               fields={})
    early, later = page("b/", "先提交的页面"), page("a/", "张量并行推理")
    excluded = page("x/", "不索引", search={"exclude": True})
    index.submit(early, early.content)
    index.submit(excluded, excluded.content)
    for each in (later, early, excluded):  # the order in which Material asks
        index.add_entry_from_context(each)
    data = json.loads(index.generate_search_index(None))
    assert data["docs"] == [] and data["config"]["lang"] == ["zh"]
    chunk = json.loads((tmp_path / "site/search/llminfra/d/0.json").read_text(encoding="utf-8"))
    # Material gives each page a section for what precedes its first heading: the page's article (parent -1).
    assert [doc[0] for doc in chunk] == ["b/", "b/#h", "a/", "a/#h"]
    assert [doc[3] for doc in chunk] == [-1, 0, -1, 2]
    assert chunk[3][2] == "<p>张量并行推理</p>"  # never jieba's word marks, installed or not


def test_a_failing_worker_fails_the_build_with_its_error(worker_index):
    worker_index._pages.put(("page", None))  # not a page: Material's indexer raises on it
    with pytest.raises(PluginError, match="(?s)search index worker failed.*AttributeError"):
        worker_index.generate_search_index(None)


def test_a_worker_that_died_fails_the_build(worker_index):
    worker_index._worker.kill()
    worker_index._worker.join()
    with pytest.raises(PluginError, match=r"stopped \(exit code -9\)"):
        worker_index.generate_search_index(None)


def test_the_worker_runs_for_one_off_builds_on_machines_with_a_second_core(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert worker_index_wanted("build") and worker_index_wanted("gh-deploy")
    assert not worker_index_wanted("serve") and not worker_index_wanted(None)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert not worker_index_wanted("build")


@pytest.mark.parametrize("collect", [True, False], ids=["index-asked-for", "build-failed-before"])
def test_a_failed_worker_does_not_keep_the_build_from_exiting(tmp_path, collect):
    # Pages queued for a worker that is gone: the queue's feeder thread must not wait for it at exit,
    # whether MkDocs still asks for the index or the build failed before it did.
    script = tmp_path / "failed_worker.py"
    script.write_text(f"""
import sys
sys.path.insert(0, {str(ROOT / "hooks")!r})
from types import SimpleNamespace
from mkdocs.exceptions import PluginError
from llminfra.mkdocs_adapter.search_worker import ShardedSearchIndex

if __name__ == "__main__":
    index = ShardedSearchIndex({str(tmp_path / "site")!r}, True)
    index._worker.kill()
    index._worker.join()
    page = SimpleNamespace(url="p/", title="p", meta={{}}, toc=[], content="<p>页面</p>" * 50_000)
    for number in range(5):
        index.submit(page, page.content)
    try:
        if {collect}:
            index.generate_search_index(None)
        else:
            raise PluginError("a page failed")
    except PluginError:
        print("failed as expected")
""", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "failed as expected" in result.stdout, result.stderr[-2000:]
