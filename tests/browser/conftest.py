"""Fixtures for the real-browser acceptance suite.

One build of the site (``built_site`` from tests/conftest.py), one local HTTP
server and one Chromium per test session (``chromium``, also from tests/conftest.py). Every test gets fresh browser
contexts (no shared storage, cookies or cache); requests that try to leave
127.0.0.1 are blocked and logged, so the suite never touches the network and
any third-party request is a failure.

Chromium is Debian's package (tests/browser_support.py). Without it these
tests fail with instructions; they are never skipped, in CI or locally.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import serve_directory
from conftest import FROZEN
from playwright.sync_api import Browser

from browser.reader import Reader
from llminfra.domain.catalog import Catalog
from llminfra.domain.layout import SiteLayout
from llminfra.sources.loading import build_catalog

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
AXE_SCRIPT = ROOT / "node_modules/axe-core/axe.min.js"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser drives Chromium: mark it ``browser`` even if its module forgot to, so
    ``-m "not browser"`` never needs the browser (tests/test_workflows.py checks the selection)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    with serve_directory(built_site.path) as base:
        yield base


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The entries the site was built from, to name expected results without hard-coding them."""
    return build_catalog(SiteLayout(FROZEN))


def new_reader(browser: Browser, base: str, viewport: dict = DESKTOP, **context_options) -> Reader:
    """A reader in a fresh browser context; close it with ``reader.page.context.close()``."""
    options = {"locale": "zh-CN", "color_scheme": "light", "viewport": viewport, **context_options}
    context = browser.new_context(**options)
    context.route(lambda url: not url.startswith(base), lambda route: route.abort("blockedbyclient"))
    return Reader(context.new_page(), base)


@pytest.fixture
def open_reader(chromium, site_url):
    """Open a new reader (own browser context) on a site: ``open_reader(PHONE, base=..., **options)``."""
    readers: list[Reader] = []

    def open_reader(viewport: dict = DESKTOP, base: str | None = None, **context_options) -> Reader:
        readers.append(new_reader(chromium, base or site_url, viewport, **context_options))
        return readers[-1]

    yield open_reader
    for opened in readers:
        opened.page.context.close()


@pytest.fixture
def reader(open_reader) -> Reader:
    return open_reader()


@pytest.fixture
def phone_reader(open_reader) -> Reader:
    return open_reader(PHONE, is_mobile=True, has_touch=True)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT.relative_to(ROOT)} is missing: run `npm ci` (scripts/test does)")
    return AXE_SCRIPT.read_text(encoding="utf-8")
