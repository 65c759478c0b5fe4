"""The search index built by a worker process (mkdocs_adapter/search_worker.py) is Material's, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from conftest import ROOT
from mkdocs.exceptions import PluginError

from llminfra.mkdocs_adapter.search_worker import WorkerSearchIndex, worker_index_wanted


def test_the_command_line_build_indexes_in_the_worker_and_writes_material_s_index(built_site, tmp_path):
    # The fixture built with `mkdocs build`; driven from Python (in a fresh process: jieba's
    # dictionary is global), MkDocs sends no on_startup and Material's plugin indexes in-process.
    # (On a one-core machine Material indexes in the build process, and the index is the same.)
    assert ("llminfra search worker: pages=" in built_site.log) == ((os.cpu_count() or 1) > 1)
    in_python = ("from mkdocs.commands.build import build; from mkdocs.config import load_config; "
                 f"build(load_config({str(built_site.project / 'mkdocs.yml')!r}, site_dir={str(tmp_path / 'site')!r}))")
    result = subprocess.run([sys.executable, "-c", in_python], cwd=built_site.project, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    assert result.returncode == 0 and "llminfra search worker" not in result.stderr, result.stderr[-3000:]
    in_process = (tmp_path / "site/search/search_index.json").read_bytes()
    assert (built_site.path / "search/search_index.json").read_bytes() == in_process
    assert len(json.loads(in_process)["docs"]) > 50


def page(url: str, body: str, **meta) -> SimpleNamespace:
    heading = SimpleNamespace(id="h", url="#h", children=[])
    return SimpleNamespace(url=url, title=url, meta=meta, toc=[heading],
                           content=f'<h2 id="h">{url} 标题</h2><p>{body}</p>')


@pytest.fixture
def worker_index():
    index = WorkerSearchIndex(lang=["zh"], separator=r"[\s]+", pipeline=[], fields={})
    yield index
    if index._worker.is_alive():
        index._worker.kill()


def test_entries_come_in_material_s_page_order_whenever_pages_were_submitted(worker_index):
    early, later = page("b/", "先提交的页面"), page("a/", "张量并行推理")
    excluded = page("x/", "不索引", search={"exclude": True})
    worker_index.submit(early, early.content)
    worker_index.submit(excluded, excluded.content)
    for each in (later, early, excluded):  # the order in which Material asks
        worker_index.add_entry_from_context(each)
    data = json.loads(worker_index.generate_search_index(None))
    # Material gives each page a section for what precedes its first heading.
    assert [doc["location"] for doc in data["docs"]] == ["a/", "a/#h", "b/", "b/#h"]
    assert data["docs"][1]["text"].replace("\u200b", "") == "<p>张量并行推理</p>"  # (jieba's marks, if installed)
    assert data["config"]["lang"] == ["zh"]


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
from llminfra.mkdocs_adapter.search_worker import WorkerSearchIndex

if __name__ == "__main__":
    index = WorkerSearchIndex()
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
