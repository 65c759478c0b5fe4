"""Render screenshots of the built site at desktop and phone width.

Usage: python scripts/screenshots.py [SITE_DIR] [OUT_DIR] [--readme]

Builds nothing itself: point it at a built site (default: site/), e.g.

    mkdocs build --strict -d /tmp/site && python scripts/screenshots.py /tmp/site /tmp/shots

Serves the site on 127.0.0.1 and drives Debian's Chromium through Playwright
(never `playwright install`). Each page is shot at the top of the viewport
(not the full page), once at 1280×900 and once as a 375×812 touch phone.
Chinese needs fonts-noto-cjk; emoji in headings need fonts-noto-color-emoji.

--readme also writes screenshots/README-home-desktop.png and
screenshots/README-home-phone.png, the two shown in README.md.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium_path, serve_directory  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

# name -> (path, element to scroll to the top of the screen, or None)
PAGES = {
    "home": ("", None),
    "tag": ("tags/vllm/", None),
    "month": ("archive/2025/", None),
    "series": ("series/", None),
    "share": ("share/", None),
    "share-audio": ("share/", "figure.llm-audio"),
    "note": ("notes/2026-06-22-jay/", None),
    "listen": ("listen/", None),
    "subscribe": ("subscribe/", None),
    "weekly": ("weekly/", None),
    # The newest week: the first week the weekly index links to (see LATEST_WEEK).
    "week": (None, None),
}
LATEST_WEEK = "a[href*='W']"  # on weekly/, week pages are linked as 2025-W47/
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}
README_SHOTS = ROOT / "screenshots"


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    site = Path(args[0] if args else ROOT / "site")
    out = Path(args[1] if len(args) > 1 else ROOT / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with serve_directory(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        for device, options in DEVICES.items():
            context = browser.new_context(locale="zh-CN", color_scheme="light", **options)
            page = context.new_page()
            for name, (path, scroll_to) in PAGES.items():
                if path is None:  # the newest week, whatever the content
                    page.goto(base + "weekly/", wait_until="networkidle")
                    url = urljoin(page.url, page.locator(f"article {LATEST_WEEK}").first.get_attribute("href"))
                else:
                    url = base + path
                page.goto(url, wait_until="networkidle")
                page.evaluate("() => document.fonts.ready")
                if scroll_to:
                    page.locator(scroll_to).first.evaluate("element => element.scrollIntoView({block: 'center'})")
                target = out / f"{name}-{device}.png"
                page.screenshot(path=str(target), full_page=False)
                print(target)
                if name == "home" and "--readme" in sys.argv:
                    README_SHOTS.mkdir(exist_ok=True)
                    shutil.copyfile(target, README_SHOTS / f"README-home-{device}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
