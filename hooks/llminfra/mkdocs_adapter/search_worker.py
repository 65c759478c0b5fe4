"""Material's search index, built on the machine's second core.

Material's search plugin indexes each page while MkDocs writes it: it parses
the page's HTML into sections (and, where jieba happens to be installed, segments
Chinese text, which ``page_output.compact_search_index`` undoes: the browser
indexes one token per Chinese character). At 10,000 entries that is a large
share of the build, all of it on the one core MkDocs uses. ``WorkerSearchIndex`` takes the plugin's place (same class,
same JSON) and hands each page to a worker process instead, which runs
Material's own indexing code on it:

- the hooks submit a source page as soon as its HTML exists
  (``on_page_content``), so the worker indexes while MkDocs is still
  converting the other pages' markdown;
- pages that are not submitted (generated pages, whose HTML is completed
  later) go to the worker when Material asks to index them;
- at the end, the worker's entries are put in the order in which Material
  asked for the pages, so the index is the one Material would have written.

Only under ``mkdocs build`` (and ``gh-deploy``) on a machine with more than one
CPU; ``mkdocs serve`` keeps Material's index, which it updates page by page.
If the worker fails, the build fails with its error: an index with missing
pages would look fine and find nothing.

The worker process imports this module by its name in the installed
``llminfra`` package (``pip install -e .``), like any other module.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
import traceback
from dataclasses import dataclass, field

from material.plugins.search.plugin import SearchIndex
from mkdocs.exceptions import PluginError

_STOP = None


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
    entries_by_url: dict[str, list[dict]]
    pages: int
    busy_seconds: float
    peak_rss_mb: float
    error: str | None = None


class WorkerSearchIndex(SearchIndex):
    """Material's ``SearchIndex`` whose pages are indexed by a worker process."""

    def __init__(self, **config):
        super().__init__(**config)
        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        self._pages = context.Queue()  # put() never blocks: a thread feeds the worker
        # Without this, a build that fails (or a worker that dies) with pages still queued would hang at exit,
        # the feeder thread waiting for a reader. Nothing is lost on success: the worker reports after the last page.
        self._pages.cancel_join_thread()
        self._reports, worker_end = context.Pipe(duplex=False)
        self._worker = context.Process(target=index_pages, args=(self._pages, worker_end),
                                       name="llminfra-search-index", daemon=True)
        self._worker.start()
        worker_end.close()
        self._submitted: set[str] = set()
        self._order: list[str] = []  # page URLs, in the order Material indexes pages
        self.report: WorkerReport | None = None

    def submit(self, page, content: str) -> None:
        """Index ``page`` now, with its final HTML ``content``."""
        self._submitted.add(page.url)
        if not (page.meta.get("search") or {}).get("exclude"):  # as Material skips it
            self._pages.put(("page", PageSnapshot.of(page, content)))

    # Material's plugin calls this for every page, in on_page_context.
    def add_entry_from_context(self, page):
        self._order.append(page.url)
        if page.url not in self._submitted:
            self.submit(page, page.content)

    # ... and this once, in on_post_build.
    def generate_search_index(self, prev):
        self.report = self._collect()
        self.entries = [entry for url in self._order for entry in self.report.entries_by_url.pop(url, [])]
        # Submitted but never asked for by Material (not expected): indexed all the same.
        self.entries += [entry for entries in self.report.entries_by_url.values() for entry in entries]
        return super().generate_search_index(prev)

    def _collect(self) -> WorkerReport:
        self._pages.put(_STOP)
        try:
            report = self._reports.recv()
        except EOFError:
            report = None
        self._worker.join()
        self._pages.close()
        if report is None:
            raise PluginError(f"The search index worker stopped (exit code {self._worker.exitcode}) "
                              "before it sent the index; the search index was not written.")
        if report.error:
            raise PluginError(f"The search index worker failed; the search index was not written.\n{report.error}")
        return report


def worker_index_wanted(command: str | None) -> bool:
    """Index in a worker for one-off builds on machines with a second core."""
    return command in ("build", "gh-deploy") and (os.cpu_count() or 1) > 1


def index_pages(pages, reports) -> None:
    """The worker: Material's indexer over each page received, then one report with every entry."""
    index = SearchIndex()
    entries_by_url: dict[str, list[dict]] = {}
    count, busy = 0, 0.0
    try:
        while (message := pages.get()) is not _STOP:
            _, payload = message
            started = time.perf_counter()
            before = len(index.entries)
            index.add_entry_from_context(payload)
            entries_by_url.setdefault(payload.url, []).extend(index.entries[before:])
            count += 1
            busy += time.perf_counter() - started
        error = None
    except Exception:  # reported to the build, which fails with it
        error = traceback.format_exc()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reports.send(WorkerReport(entries_by_url, count, busy, peak_rss_mb, error))
    reports.close()

