"""Measurements for bench/run.py: builds, the built site, `mkdocs serve` rebuilds, the reader's page loads.

Every build is a separate ``python -m mkdocs build`` process; its wall time is
measured around it and its peak RSS and CPU time come from ``os.wait4`` (the
resource usage of that one child). CPU time includes the search index worker
(a child that the build waits for); ``os.wait4`` reports the larger of the two
processes' peak RSS, so the worker's own peak, which it logs, is added to it.
"""

from __future__ import annotations

import gzip
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMING_LINE = re.compile(r"llminfra timing: (.*)")
TIMING_FIGURE = re.compile(r"(\w+)=([0-9.]+)s")
WORKER_RSS = re.compile(r"llminfra search worker: .*peak_rss=([0-9.]+)MB")


def build_env(project: Path | None = None) -> dict:
    """The environment of a build; with ``project``, that project's own copy of the hooks comes first on the path
    (MkDocs loads the hook file from it, and the search-index worker process imports the package from the path)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "REPO_URL")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if project is not None and (project / "hooks" / "llminfra").is_dir():
        env["PYTHONPATH"] = str(project / "hooks")
    return env


# -- builds -------------------------------------------------------------------


@dataclass
class BuildRun:
    wall: float  # seconds
    cpu: float  # user + system seconds of the build process
    peak_rss_mb: float  # the build process and its search index worker, added up
    phases: dict[str, float] = field(default_factory=dict)  # from the hooks' timing line
    worker_rss_mb: float = 0.0  # the search index worker's part of peak_rss_mb


def run_build(config: Path, site: Path, strict: bool = True) -> BuildRun:
    """``mkdocs build`` of ``config`` into ``site``; raises with the log tail if it fails."""
    config, site = config.resolve(), site.resolve()
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), "-d", str(site)]
    if strict:
        command.append("--strict")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=config.parent, env=build_env(config.parent), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    log = b"".join(output).decode("utf-8", errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"build of {config} failed ({process.returncode}):\n{log[-3000:]}")
    worker = WORKER_RSS.search(log)
    worker_rss = float(worker.group(1)) if worker else 0.0
    return BuildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024 + worker_rss, parse_timings(log),
                    worker_rss)


def parse_timings(log: str) -> dict[str, float]:
    match = TIMING_LINE.search(log)
    return {name: float(value) for name, value in TIMING_FIGURE.findall(match.group(1))} if match else {}


# -- the built site -------------------------------------------------------------


@dataclass
class SiteFigures:
    html_files: int
    site_bytes: int
    html_bytes: int
    average_html_bytes: float
    largest_html_bytes: int
    largest_html: str
    pages_over_300kb: list[str]
    search_index_bytes: int  # every file of the sharded index
    search_index_gzip_bytes: int
    search_files: int = 0


def site_figures(site: Path, limit: int = 300 * 1024) -> SiteFigures:
    sizes: dict[str, int] = {}
    total = 0
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                sizes[path.relative_to(site).as_posix()] = size
    largest = max(sizes, key=sizes.get)
    # The sharded search index (publish/search_shards.py): the manifest, the shards and the document chunks, every
    # file under search/; a reader fetches only the manifest and the few files of a query.
    search = [path.read_bytes() for path in sorted((site / "search").rglob("*")) if path.is_file()]
    return SiteFigures(
        html_files=len(sizes),
        site_bytes=total,
        html_bytes=sum(sizes.values()),
        average_html_bytes=sum(sizes.values()) / len(sizes),
        largest_html_bytes=sizes[largest],
        largest_html=largest,
        pages_over_300kb=sorted((p for p, s in sizes.items() if s > limit), key=lambda p: -sizes[p]),
        search_index_bytes=sum(len(data) for data in search),
        search_index_gzip_bytes=sum(len(gzip.compress(data, 9)) for data in search),
        search_files=len(search),
    )


# -- `mkdocs serve` --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServeRebuild:
    first_build: float  # seconds until the server answered
    log_rebuilds: list[float]  # edit -> "Documentation built" in the log
    visible_rebuilds: list[float]  # edit -> the served page shows the new entry


def measure_serve_rebuild(project: Path, edits: int = 3, dirty: bool = False, timeout: float = 600,
                          log_file: Path | None = None) -> ServeRebuild:
    """Start ``mkdocs serve`` (``--dirty``: rebuild changed pages only), then time the rebuild after each edit.

    Each edit adds an entry at the top of the newest share list: ``docs/share/index.md`` when it holds the list
    (the real site's mirror, ``generate.py --share-only``), else the newest year's file.
    """
    project = project.resolve()
    index = project / "docs" / "share" / "index.md"
    if re.search(r"^## \d{6}[ \t]*$", index.read_text(encoding="utf-8"), re.M):
        share, path = index, "share/"
    else:
        share = max((project / "docs" / "share").glob("[0-9]*.md"))
        path = f"share/{share.stem}/"
    original = share.read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/{path}"
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")]
    process = subprocess.Popen(command + (["--dirty"] if dirty else []), cwd=project, env=build_env(project),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: queue.Queue = queue.Queue()
    log: list[str] = []

    def read() -> None:
        for raw in process.stdout:
            line = raw.decode("utf-8", errors="replace")
            log.append(line)
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()
    started = time.perf_counter()
    try:
        _wait_for_log(lines, "Serving on", started + timeout)
        _wait_for_page(url, "", started + timeout)
        first = time.perf_counter() - started
        log_times, visible_times = [], []
        for number in range(1, edits + 1):
            title = f"基准测试新增条目 {number} {time.time_ns()}"
            _drain(lines)
            edited = time.perf_counter()
            share.write_text(_with_new_entry(share.read_text(encoding="utf-8"), title, number), encoding="utf-8")
            visible = _wait_for_page(url, title, edited + timeout) - edited
            # The log line follows the written page: a short wait, and no figure rather than a hang.
            try:
                built = _wait_for_log(lines, "Documentation built", time.perf_counter() + 60) - edited
            except TimeoutError:
                built = float("nan")
            log_times.append(built)
            visible_times.append(visible)
        return ServeRebuild(first, log_times, visible_times)
    finally:
        if log_file is not None:
            log_file.write_text("".join(log), encoding="utf-8")
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        share.write_text(original, encoding="utf-8")


def _with_new_entry(text: str, title: str, number: int) -> str:
    month = re.search(r"^## \d{6}[ \t]*\n", text, re.M)
    entry = (f"\n## [{title}](https://mp.weixin.qq.com/s?__biz=QmVuY2g{number:04d}==&mid=1&idx=1"
             f"&sn={time.time_ns():032x}#rd)\n\n基准测试在服务运行时加入的条目：编辑一个好文分享文件后，"
             "测量 mkdocs serve 重新构建并显示新条目所需的时间。\n\n")
    return text[: month.end()] + entry + text[month.end():]


def _drain(lines: queue.Queue) -> None:
    while not lines.empty():
        lines.get_nowait()


def _wait_for_log(lines: queue.Queue, needle: str, deadline: float) -> float:
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"mkdocs serve did not log {needle!r}")
        try:
            stamp, line = lines.get(timeout=remaining)
        except queue.Empty:
            continue
        if needle in line:
            return stamp


def _wait_for_page(url: str, needle: str, deadline: float) -> float:
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if needle in response.read().decode("utf-8", errors="replace"):
                    return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {needle!r}")


# -- the reader's side --------------------------------------------------------------------


PAGE_ASSET = re.compile(r"(\.(html|css|js|png|svg|jpe?g|gif|webp|ico|woff2?)|/)$")


@dataclass
class HomeLoad:
    method: str  # "browser" (Chromium, recorded responses) or "html" (assets listed in the page)
    bytes_without_search_index: int  # HTML + CSS + JS + images (and fonts) the home page loads
    requests: int
    search_index_fetches: int | None  # over a visit: home, search, another page, search again
    largest: list[tuple[str, int]]
    other_bytes: int = 0  # data the scripts fetch besides the search index (sitemap.xml for instant navigation)
    other: list[tuple[str, int]] = field(default_factory=list)


def measure_home_load(site: Path) -> HomeLoad:
    try:
        return _browser_home_load(site)
    except Exception as exc:  # no Playwright or Chromium: fall back to reading the page
        print(f"  (browser measurement unavailable: {exc}; counting the assets the HTML lists)")
        return _html_home_load(site)


def _browser_home_load(site: Path) -> HomeLoad:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import chromium_path, serve_directory
    from playwright.sync_api import sync_playwright

    with serve_directory(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        context = browser.new_context()
        responses: list[tuple[str, int]] = []

        def record(response):
            try:
                body = response.body()
            except Exception:  # redirects and aborted requests have no body
                return
            responses.append((response.url.removeprefix(base), len(body)))

        context.on("response", record)
        page = context.new_page()
        page.goto(base, wait_until="networkidle")
        page.wait_for_timeout(1000)  # let the theme's scripts settle before clicking
        loaded = [r for r in responses if not r[0].endswith("search_index.json")]
        home = [r for r in loaded if PAGE_ASSET.search(r[0].split("?")[0]) or r[0] == ""]
        other = [r for r in loaded if r not in home]
        # The rest of the visit: search, follow a link (instant navigation), search again.
        page.keyboard.press("/")
        page.keyboard.type("推理")
        page.wait_for_timeout(1500)
        page.keyboard.press("Escape")
        page.click("a.md-tabs__link >> nth=1")
        page.wait_for_load_state("networkidle")
        page.keyboard.press("/")
        page.keyboard.type("vLLM")
        page.wait_for_timeout(1500)
        fetches = sum(1 for url, _ in responses if url.endswith("search_index.json"))
        browser.close()
    return HomeLoad("browser", sum(size for _, size in home), len(home), fetches,
                    sorted(home, key=lambda r: -r[1])[:5], sum(size for _, size in other), other)


class _AssetLister(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon") and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.assets.append(attrs["src"])


def _html_home_load(site: Path) -> HomeLoad:
    html = (site / "index.html").read_text(encoding="utf-8")
    lister = _AssetLister()
    lister.feed(html)
    worker = re.search(r'"search":\s*"([^"]+)"', html)
    assets = lister.assets + ([worker.group(1)] if worker else [])
    sizes = [("index.html", len(html.encode()))]
    for asset in assets:
        path = site / asset.split("#")[0].split("?")[0]
        if "://" not in asset and path.is_file():
            sizes.append((asset, path.stat().st_size))
    return HomeLoad("html", sum(s for _, s in sizes), len(sizes), None, sorted(sizes, key=lambda r: -r[1])[:5])
