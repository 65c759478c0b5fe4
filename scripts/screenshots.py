"""Render screenshots of the built site at desktop and phone width.

Usage: python scripts/screenshots.py [SITE_DIR] [OUT_DIR]

Builds nothing itself: point it at a built site (default: site/). Serves it
on 127.0.0.1 and drives Debian's Chromium through Playwright.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium_path, serve_directory  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

PAGES = {
    "home": "",
    "tag": "tags/vllm/",
    "month": "archive/2025-09/",
    "series": "series/",
    "share": "share/",
    "note": "notes/2026-06-22-jay/",
}
VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 812)}


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with serve_directory(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        for device, (width, height) in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PAGES.items():
                page.goto(base + path, wait_until="networkidle")
                target = out / f"{name}-{device}.png"
                page.screenshot(path=str(target), full_page=False)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
