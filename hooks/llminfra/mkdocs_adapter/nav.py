"""The site navigation after the hooks: generated pages linked in, long sections trimmed, page chain rebuilt."""

from __future__ import annotations

from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page

from llminfra.domain.html_policy import HTML_POLICY
from llminfra.domain.page_meta import printable

# The theme writes the current page's whole section of the navigation into
# every page (navigation.prune drops the other sections): a section of n pages
# costs n² in total. Longer sections keep their index and their last pages.
NAV_SECTION_LIMIT = 30

def trim_nav_sections(items, limit: int = NAV_SECTION_LIMIT) -> list:
    """Keep at most ``limit`` pages (plus the index page) in each section, the last ones; returns those left out.

    Sections list their files by name, and dated names (notes, yearly share
    lists) put the newest last; the section's index page lists them all.
    """
    left_out = []
    for item in items:
        children = getattr(item, "children", None)
        if not children:
            continue
        left_out += trim_nav_sections(children, limit)
        index = children[:1] if getattr(children[0], "is_index", False) else []
        rest = children[len(index):]
        if len(rest) > limit:
            left_out += rest[:-limit]
            children[:] = index + rest[-limit:]
    return left_out


def drop_from_nav(items, is_dropped) -> None:
    """Remove, in place, the pages for which ``is_dropped(page)`` holds, and sections left empty.

    awesome-pages lists every page under a folder it is told to include, the
    generated older parts of long source files (``share/2024/2/``) too; they
    are reached from their source's page, like tag pages, not from the navigation.
    """
    kept = []
    for item in items:
        children = getattr(item, "children", None)
        if children is not None:
            drop_from_nav(children, is_dropped)
            if not children:
                continue
        elif is_dropped(item):
            continue
        kept.append(item)
    items[:] = kept


def link_generated_pages(nav, files, generated: dict) -> None:
    def visit(items, parent):
        for index, item in enumerate(items):
            if isinstance(item, Link) and item.url in generated:
                page = files.get_file_from_path(item.url).page
                page.title, page.parent = item.title, parent
                items[index] = page
            elif isinstance(item, Section):
                visit(item.children, item)

    visit(nav.items, None)


def make_nav_inert(items) -> None:
    """Every title in the navigation shown as text, and no link there that the HTML policy refuses.

    ``.pages`` files (awesome-pages) are written by contributors: a nav entry ``"<img …>": index.md``, a section
    ``title:`` or a link ``点我: "javascript:…"`` reached every page, because the theme prints navigation
    titles unescaped and links as written. ``check`` reports such links (``sources.nav_files``).
    """
    drop_from_nav(items, lambda item: isinstance(item, Link)
                  and HTML_POLICY.attribute_problem("a", "href", item.url or "") is not None)
    for item in walk(items):
        # A page's title set by the navigation overrides the property (a page's own title is escaped with its meta).
        title = vars(item).get("title") if isinstance(item, Page) else item.title
        if isinstance(title, str) and printable(title) != title:
            item.title = printable(title)


def chain_pages(nav) -> None:
    """The navigation's page list and previous/next links, after the hooks changed it."""
    nav.pages = [item for item in walk(nav.items) if isinstance(item, Page)]
    for previous, following in zip(nav.pages, nav.pages[1:]):
        previous.next_page, following.previous_page = following, previous


def walk(items):
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from walk(item.children)
