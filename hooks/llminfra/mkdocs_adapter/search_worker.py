"""The site's search index (``publish/search_shards``), built from Material's own sections of each page.

Material's search plugin splits each page's HTML into sections (an entry is a section) while MkDocs
writes it. ``ShardedSearchIndex`` takes the place of the plugin's index (same class, same sections)
and writes our sharded index instead of Material's single file:

- under ``mkdocs build`` (and ``gh-deploy``) on a machine with more than one CPU, a worker process
  does the work: the hooks submit a source page as soon as its HTML exists (``on_page_content``), so
  the worker indexes while MkDocs is still converting the other pages' markdown; pages that are not
  submitted (generated pages, whose HTML is completed later) go to the worker when Material asks to
  index them; at the end the worker writes the files. Documents are numbered in the order the pages
  were submitted, the same in every build of the same tree, in the worker or not.
- otherwise (``mkdocs serve``, one CPU) the same happens in the build process, and the files are written
  at the end, ``serve --dirty`` keeping the other pages' sections as Material does.

Material's indexer segments Chinese with jieba wherever jieba happens to be installed; this index
never does (``_segment_chinese``): it indexes every Chinese character and pair of characters, and
jieba would only cost time and put word marks into the text.

If the worker fails, the build fails with its error: an index with missing pages would look fine
and find nothing. The worker process imports this module by its name in the installed ``llminfra``
package (``pip install -e .``), like any other module.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from material.plugins.search.plugin import SearchIndex
from mkdocs.exceptions import PluginError

from llminfra.publish.search_shards import ShardedIndex

_STOP = "stop"
_CONFIG_KEYS = ("lang", "separator", "pipeline", "fields")  # what Material writes as the index's config


@dataclass
class TocItem:
    """What Material's indexer reads from a table-of-contents item."""

    id: str
    url: str
    children: list[TocItem] = field(default_factory=list)

    @classmethod
    def copy_of(cls, toc) -> list[TocItem]:
        return [cls(item.id, item.url, cls.copy_of(item.children)) for item in toc]


@dataclass
class PageSnapshot:
    """What Material's indexer reads from a page, as it was when submitted."""

    url: str
    title: str | None
    meta: dict
    content: str
    toc: list[TocItem]

    @classmethod
    def of(cls, page, content: str) -> PageSnapshot:
        return cls(page.url, page.title, dict(page.meta), content, TocItem.copy_of(page.toc))


@dataclass
class WorkerReport:
    index_json: str | None
    pages: int
    busy_seconds: float
    peak_rss_mb: float
    summary: str = ""
    error: str | None = None


class SectionIndex(SearchIndex):
    """Material's indexer (sections of a page's HTML), without jieba."""

    def _segment_chinese(self, data):
        return data


class ShardedSearchIndex(SectionIndex):
    """Material's ``SearchIndex`` in the search plugin's place, writing ``publish/search_shards``' files."""

    def __init__(self, site_dir: str, in_worker: bool, **config):
        super().__init__(**config)
        self._search_dir = Path(site_dir) / "search"
        self._submitted: set[str] = set()
        self.report: WorkerReport | None = None
        self._worker = None
        if in_worker:
            context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
            self._pages = context.Queue()  # put() never blocks: a thread feeds the worker
            # Without this, a build that fails (or a worker that dies) with pages still queued would hang at
            # exit, the feeder thread waiting for a reader. Nothing is lost on success: the worker reports
            # after the last page.
            self._pages.cancel_join_thread()
            self._reports, worker_end = context.Pipe(duplex=False)
            self._worker = context.Process(target=index_pages, args=(self._pages, worker_end),
                                           name="llminfra-search-index", daemon=True)
            self._worker.start()
            worker_end.close()

    def submit(self, page, content: str) -> None:
        """Index ``page`` now, with its final HTML ``content`` (MkDocs sets ``page.content`` only later)."""
        self._submitted.add(page.url)
        if (page.meta.get("search") or {}).get("exclude"):  # as Material skips it
            return
        snapshot = PageSnapshot.of(page, content)
        if self._worker is None:
            super().add_entry_from_context(snapshot)
        else:
            self._pages.put(("page", snapshot))

    # Material's plugin calls this for every page, in on_page_context: the pages not submitted are indexed now.
    # Either way a page's documents are numbered in the order the pages were indexed, in the worker or not.
    def add_entry_from_context(self, page):
        if page.url not in self._submitted:
            self.submit(page, page.content)

    # ... and this once, in on_post_build; Material writes what it returns as search/search_index.json.
    def generate_search_index(self, prev):
        config = {key: self.config.get(key) for key in _CONFIG_KEYS}
        if self._worker is not None:
            self.report = self._collect(config)
            return self.report.index_json
        entries = self.entries
        if prev is not None and entries:  # serve --dirty: this page's sections anew, the others' as they were
            page = entries[0]["location"].partition("#")[0]
            entries = [entry for entry in prev.entries if entry["location"].partition("#")[0] != page] + entries
        elif prev is not None:
            entries = prev.entries
        self.entries = entries
        index = ShardedIndex()
        for entry in entries:
            index.add(entry)
        return index.write(self._search_dir, config)

    def _collect(self, config: dict) -> WorkerReport:
        self._pages.put((_STOP, (str(self._search_dir), config)))
        try:
            report = self._reports.recv()
        except EOFError:
            report = None
        self._worker.join()
        self._pages.close()
        if report is None:
            raise PluginError(f"The search index worker stopped (exit code {self._worker.exitcode}) "
                              "before it wrote the index; the search index was not written.")
        if report.error:
            raise PluginError(f"The search index worker failed; the search index was not written.\n{report.error}")
        return report


def worker_index_wanted(command: str | None) -> bool:
    """Index in a worker for one-off builds on machines with a second core."""
    return command in ("build", "gh-deploy") and (os.cpu_count() or 1) > 1


def index_pages(pages, reports) -> None:
    """The worker: Material's sections of each page received, into our index; then the files and a report."""
    sections = SectionIndex()
    index = ShardedIndex()
    count, busy, index_json = 0, 0.0, None
    try:
        while True:
            kind, payload = pages.get()
            started = time.perf_counter()
            if kind == _STOP:
                search_dir, config = payload
                index_json = index.write(Path(search_dir), config)
                busy += time.perf_counter() - started
                break
            sections.entries = []
            sections.add_entry_from_context(payload)
            for entry in sections.entries:
                index.add(entry)
            count += 1
            busy += time.perf_counter() - started
        error = None
    except Exception:  # reported to the build, which fails with it
        error = traceback.format_exc()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reports.send(WorkerReport(index_json, count, busy, peak_rss_mb, index.summary(), error))
    reports.close()
