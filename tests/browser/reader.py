"""A reader's browser tab on the served site, as the browser tests drive it.

``Reader`` wraps one Playwright page: it opens site paths, uses the real
search UI (open, type, wait for results, click one), and keeps a log of what
went wrong on the way: console errors, uncaught exceptions, failed requests,
HTTP errors and requests that tried to leave 127.0.0.1.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Page, expect

SEARCH_INPUT = "input.md-search__input"
SEARCH_META = ".md-search-result__meta"
# Material's zh texts while the search has nothing to show yet.
SEARCH_WAITING = {"", "键入以开始搜索", "正在初始化搜索引擎"}
SEARCH_NO_RESULTS = "没有找到符合条件的结果"


@dataclass
class PageLog:
    requests: list[tuple[str, str]] = field(default_factory=list)  # (resource type, url), in order
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"console error: {text}" for text in self.console_errors]
                + [f"uncaught exception: {text}" for text in self.page_errors]
                + [f"failed request: {text}" for text in self.failed_requests]
                + [f"HTTP error: {text}" for text in self.http_errors]
                + [f"request outside 127.0.0.1 (blocked): {url}" for url in self.external_requests])

    def urls(self, resource_type: str | None = None) -> list[str]:
        return [url for kind, url in self.requests if resource_type is None or kind == resource_type]

    def clear(self) -> None:
        for values in (self.requests, self.console_errors, self.page_errors, self.failed_requests,
                       self.http_errors, self.external_requests):
            values.clear()


@dataclass(frozen=True)
class SearchHit:
    title: str
    text: str
    href: str  # the link's href attribute, as Material wrote it
    path: str  # site-relative page path, e.g. "share/"
    anchor: str  # "" for a whole page
    collapsed: bool  # inside Material's folded "more results on this page"


class Reader:
    def __init__(self, page: Page, base: str):
        self.page = page
        self.base = base
        self.log = PageLog()
        page.on("request", self._on_request)
        page.on("console", lambda message: message.type == "error" and self.log.console_errors.append(
            f"{message.text} ({message.location.get('url', '')})"))
        page.on("pageerror", lambda error: self.log.page_errors.append(str(error)))
        page.on("requestfailed", self._on_failed)
        page.on("response", lambda response: response.status >= 400 and self.log.http_errors.append(
            f"{response.status} {response.url}"))

    def _on_request(self, request) -> None:
        self.log.requests.append((request.resource_type, request.url))
        if not request.url.startswith(self.base) and not request.url.startswith(("data:", "blob:")):
            self.log.external_requests.append(request.url)

    def _on_failed(self, request) -> None:
        if not request.url.startswith(self.base):
            return  # blocked on purpose, reported as an outside request
        reason = request.failure or ""
        # Cancelled by the browser itself: leaving a page while its scripts still load, or the
        # media loader switching to range requests. Nothing the reader sees; real breakage shows
        # up as an HTTP error or a connection error instead.
        if "ERR_ABORTED" in reason:
            return
        self.log.failed_requests.append(f"{request.url} ({reason})")

    # -- where the tab is --------------------------------------------------

    def url(self, path: str = "") -> str:
        return self.base + path

    def open(self, path: str = ""):
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None
        return response

    @property
    def path(self) -> str:
        """Current page path relative to the site root, without query and fragment."""
        return site_path(self.page.url, self.base)

    @property
    def hash(self) -> str:
        return unquote(urlsplit(self.page.url).fragment)

    def wait_for_path(self, path: str, anchor: str | None = None, timeout: float = 10_000) -> None:
        """Wait for a (possibly instant) navigation to ``path`` (and ``#anchor``)."""
        def arrived(url: str) -> bool:
            return site_path(url, self.base) == path and (
                anchor is None or unquote(urlsplit(url).fragment) == anchor)
        self.page.wait_for_url(arrived, timeout=timeout)

    def expect_entry_shown(self, anchor: str) -> None:
        """The URL points at ``anchor`` and that element is on screen."""
        assert self.hash == anchor, f"URL {self.page.url} does not end with #{anchor}"
        expect(self.page.locator(f"[id='{anchor}']")).to_be_in_viewport()

    def assert_clean(self) -> None:
        problems = self.log.problems()
        assert not problems, "the browser reported:\n" + "\n".join(problems)

    # -- search ------------------------------------------------------------

    def open_search(self) -> None:
        """Open search the way a reader does: the header's search button (phone) or the search box."""
        button = self.page.locator("label.md-header__button[for='__search']")
        if button.is_visible():
            button.click()
        else:
            self.page.locator(SEARCH_INPUT).click()
        expect(self.page.locator(SEARCH_INPUT)).to_be_focused()
        self.page.wait_for_function("() => document.getElementById('__search').checked")

    def type_query(self, query: str) -> None:
        """Latin letters as key presses; Chinese as one committed word, as an input method delivers it."""
        box = self.page.locator(SEARCH_INPUT)
        for run, is_ascii in _runs(query):
            if is_ascii:
                box.press_sequentially(run, delay=20)
            else:
                self.page.keyboard.insert_text(run)

    def search(self, query: str) -> list[SearchHit]:
        self.open_search()
        self.page.locator(SEARCH_INPUT).fill("")  # the box keeps the previous query
        self.type_query(query)
        return self.search_results()

    def search_results(self, timeout: float = 10.0) -> list[SearchHit]:
        """Wait until the result list has settled for the typed query, then read it."""
        self.page.wait_for_function(
            "waiting => !waiting.includes(document.querySelector('.md-search-result__meta').textContent.trim())",
            arg=sorted(SEARCH_WAITING), timeout=timeout * 1000)
        deadline = time.monotonic() + timeout
        previous, stable_since = None, time.monotonic()
        while time.monotonic() < deadline:
            snapshot = self.page.evaluate(_READ_RESULTS)
            if snapshot != previous:
                previous, stable_since = snapshot, time.monotonic()
            elif time.monotonic() - stable_since >= 0.4:
                break
            time.sleep(0.1)
        return [self._hit(item) for item in previous["hits"]]

    def search_meta(self) -> str:
        return self.page.locator(SEARCH_META).inner_text().strip()

    def _hit(self, item: dict) -> SearchHit:
        parts = urlsplit(item["href"])
        return SearchHit(title=item["title"], text=item["text"], href=item["href"],
                         path=site_path(item["href"], self.base), anchor=unquote(parts.fragment),
                         collapsed=item["collapsed"])

    def follow(self, hit: SearchHit) -> None:
        """Click a result (unfolding "more results on this page" first, as a reader must)."""
        link_selector = f"a.md-search-result__link[href='{hit.href}']"
        link = self.page.locator(f".md-search-result__list {link_selector}").first
        if hit.collapsed:
            details = self.page.locator(".md-search-result__list details", has=self.page.locator(link_selector))
            details.first.locator("summary").click()
        link.click()
        self.wait_for_path(hit.path, hit.anchor)


_READ_RESULTS = """() => ({
  meta: document.querySelector('.md-search-result__meta').textContent,
  hits: [...document.querySelectorAll('.md-search-result__list a.md-search-result__link')].map(a => ({
    href: a.getAttribute('href'),
    title: (a.querySelector('h1, h2') || a).textContent,
    text: a.textContent,
    collapsed: !!a.closest('details:not([open])'),
  })),
})"""


def site_path(url: str, base: str) -> str:
    parts = urlsplit(url)
    root = urlsplit(base).path
    return unquote(parts.path[len(root):] if parts.path.startswith(root) else parts.path)


def _runs(text: str) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    for char in text:
        is_ascii = char.isascii()
        if runs and runs[-1][1] == is_ascii:
            runs[-1] = (runs[-1][0] + char, is_ascii)
        else:
            runs.append((char, is_ascii))
    return runs
