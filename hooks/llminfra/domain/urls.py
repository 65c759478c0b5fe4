"""Page URLs, computed the way MkDocs does, so generated HTML can link relatively."""

from __future__ import annotations

import functools
import posixpath
from urllib.parse import quote


# Pure, and asked for every tag chip of every entry on every page: ~100,000 times at 10,000 entries.
@functools.lru_cache(maxsize=65536)
def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """URL of a docs page relative to the site root, as MkDocs builds it."""
    stem, _ = posixpath.splitext(src_uri)
    name = posixpath.basename(stem)
    if not use_directory_urls:
        return stem + ".html"
    if name in ("index", "README"):
        parent = posixpath.dirname(stem)
        return parent + "/" if parent else ""
    return stem + "/"


def relative_url(from_url: str, to_url: str) -> str:
    """Link from page ``from_url`` to ``to_url`` (both site-root relative)."""
    path, _, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    target = posixpath.relpath("/" + path, "/" + base) if path else posixpath.relpath("/", "/" + base)
    if path.endswith("/") or path == "":
        target = target.rstrip("/") + "/" if target != "." else "./"
    if target.startswith("./") and target != "./":
        target = target[2:]
    if target == "./" and fragment and path == base:
        return f"#{fragment}"
    target = quote(target, safe="/.-_~%")
    return f"{target}#{fragment}" if fragment else target


def tag_page(slug: str, page_number: int = 1) -> str:
    return f"tags/{slug}/index.md" if page_number == 1 else f"tags/{slug}/{page_number}/index.md"


def year_page(year: int) -> str:
    """The month archive: one page per year, a section per month."""
    return f"archive/{year}/index.md"


def month_location(key: str) -> tuple[str, str]:
    """(page, anchor) of the month ``YYYY-MM`` in the archive."""
    return year_page(int(key[:4])), f"m-{key}"


def weekly_page(key: str | None = None, page_number: int = 1) -> str:
    """The weekly index (``key`` None) and its further pages, or the page of the ISO week ``key`` (``2025-W47``,
    at ``weekly/2025-W47/``).

    A week is a file of the weekly folder, not a folder of its own: the navigation plugin looks every folder up
    among all the files, and a folder per week (thousands on a site of 10,000 entries) made that quadratic.
    """
    if key is not None:
        return f"weekly/{key}.md"
    return "weekly/index.md" if page_number == 1 else f"weekly/{page_number}/index.md"


def listen_page(page_number: int = 1) -> str:
    """The 收听 page (also the podcast's home) and its further pages."""
    return "listen/index.md" if page_number == 1 else f"listen/{page_number}/index.md"


# -- feeds: where they are written in the built site ------------------------

SITE_RSS = "feeds/feed.xml"
SITE_ATOM = "feeds/atom.xml"
SITE_JSON = "feeds/feed.json"
PODCAST_RSS = "feeds/podcast.xml"
PODCAST_ARTWORK = "feeds/podcast.png"
WEEKLY_RSS = "feeds/weekly.xml"  # one item per week (llminfra.publish.weekly_feed)
FEED_PATHS = {"rss": SITE_RSS, "atom": SITE_ATOM, "json": SITE_JSON, "podcast": PODCAST_RSS, "weekly": WEEKLY_RSS}
# The 订阅 page is hand-written; the renderer fills in its feed addresses.
SUBSCRIBE_PAGE = "subscribe.md"

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_TYPE = "application/feed+json"


def tag_feed_path(slug: str) -> str:
    """Site-relative path of a tag's feed (slugs may hold CJK characters)."""
    return f"feeds/tags/{slug}.xml"


def site_feed_links() -> list[dict[str, str]]:
    """The feeds announced in every page's <head>, most useful first."""
    return [
        {"path": SITE_RSS, "type": RSS_TYPE, "label": "RSS"},
        {"path": SITE_ATOM, "type": ATOM_TYPE, "label": "Atom"},
        {"path": SITE_JSON, "type": JSON_TYPE, "label": "JSON Feed"},
        {"path": PODCAST_RSS, "type": RSS_TYPE, "label": "音频摘要播客"},
    ]


def absolute_url(site_url: str, path: str, anchor: str | None = None) -> str:
    """``site_url`` + a site-relative path, percent-encoded (CJK slugs and file names)."""
    url = site_url.rstrip("/") + "/" + quote(path.lstrip("/"), safe="/-_.~")
    return f"{url}#{quote(anchor, safe='-_.~')}" if anchor else url
