"""What a page load costs the reader beyond the theme: one sitemap request, nothing of ours blocking render."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

READER_PAGES = ["", "tags/vllm/", "archive/2025/", "listen/"]


@pytest.mark.parametrize("path", READER_PAGES, ids=[path or "home" for path in READER_PAGES])
def test_a_page_load_fetches_at_most_one_sitemap(reader, path):
    """Material fetches a sitemap next to every link[rel=alternate]; the feed links must not count."""
    requested: list[str] = []
    reader.page.on("request", lambda request: requested.append(request.url))
    reader.open(path)
    reader.page.wait_for_load_state("networkidle")
    sitemaps = [url for url in requested if url.split("?")[0].endswith("sitemap.xml")]
    assert len(sitemaps) <= 1, sitemaps
    feeds = reader.page.evaluate("() => [...document.querySelectorAll('link[type*=\"xml\"], link[type*=\"json\"]')]"
                                 ".map(link => link.rel)")
    assert feeds and all("alternate" in rel.split() for rel in feeds), feeds  # still discoverable by feed readers


@pytest.mark.parametrize("path", READER_PAGES, ids=[path or "home" for path in READER_PAGES])
def test_no_script_blocks_the_first_paint(reader, path):
    """Ours and the theme's bundle are deferred: the first paint waits for no script download."""
    reader.open(path)
    scripts = reader.page.evaluate("""() => [...document.querySelectorAll('script[src]')]
        .map(script => ({src: new URL(script.src).pathname, deferred: script.defer || script.async}))""")
    assert any("/assets/javascripts/bundle." in script["src"] for script in scripts), scripts
    assert any("/assets/llminfra" in script["src"] for script in scripts), scripts
    blocking = [script["src"] for script in scripts if not script["deferred"]]
    assert not blocking, blocking


def test_the_deferred_theme_still_runs_before_our_scripts(reader):
    """Deferred scripts run in document order: Material's document$ exists when ours subscribe to it, so the
    theme's components are mounted (no-js gone, search ready) and our speed control reflects the saved rate."""
    reader.page.add_init_script("window.localStorage.setItem('llminfra.playbackRate', '1.5')")
    reader.open("listen/")
    state = reader.page.evaluate("""() => ({
        js: document.documentElement.classList.contains('js'),
        documentObservable: typeof window.document$ !== 'undefined',
        pressed: [...document.querySelectorAll('[data-llm-speed][aria-pressed="true"]')]
            .map(button => button.dataset.llmSpeed)})""")
    assert state == {"js": True, "documentObservable": True, "pressed": ["1.5"]}, state


@pytest.mark.parametrize("path", READER_PAGES, ids=[path or "home" for path in READER_PAGES])
def test_no_stylesheet_of_ours_blocks_the_first_paint(reader, path):
    """Only the theme's stylesheets are linked; ours are inline in <head>, and in effect."""
    reader.open(path)
    linked = reader.page.evaluate("""() => [...document.styleSheets].filter(sheet => sheet.href)
        .map(sheet => new URL(sheet.href).pathname)""")
    assert linked and all("/assets/stylesheets/" in href for href in linked), linked
    # Our reading measure (line-height 1.85 on .md-typeset) applies without any stylesheet of ours.
    ratio = reader.page.evaluate("""() => { const style = getComputedStyle(document.querySelector('.md-typeset'));
        return parseFloat(style.lineHeight) / parseFloat(style.fontSize); }""")
    assert ratio == pytest.approx(1.85, abs=0.01)


@pytest.mark.parametrize("path", READER_PAGES, ids=[path or "home" for path in READER_PAGES])
def test_nothing_shifts_while_the_page_loads(phone_reader, path):
    """Cumulative layout shift 0 on a phone: nothing our scripts reveal after the first paint moves the page."""
    reader = phone_reader

    def arrive_late(route):
        # As on a slow connection: our deferred scripts run well after the first paint.
        time.sleep(0.6)
        route.continue_()

    reader.page.route("**/assets/llminfra*.js", arrive_late)
    reader.open(path)
    reader.page.wait_for_load_state("networkidle")
    shifts = reader.page.evaluate("""() => new Promise(resolve => {
        new PerformanceObserver(list => resolve(list.getEntries().filter(e => !e.hadRecentInput)
            .map(e => ({value: e.value, nodes: e.sources.map(s => s.node && s.node.nodeName)}))))
            .observe({type: 'layout-shift', buffered: true});
        setTimeout(() => resolve([]), 1000);
    })""")
    assert sum(shift["value"] for shift in shifts) == 0, shifts


def test_copy_link_buttons_are_shown_from_the_first_paint_and_hidden_without_scripts(open_reader):
    with_scripts = open_reader()
    with_scripts.page.route("**/assets/llminfra.js", lambda route: route.abort())  # the script never arrives
    with_scripts.open("share/")
    actions = with_scripts.page.locator(".llm-entry-meta__actions")
    buttons = with_scripts.page.locator(".llm-entry-meta__actions > .llm-copy-link")
    assert actions.count() > 0 and buttons.count() == actions.count()
    assert buttons.first.is_visible()
    without_scripts = open_reader(java_script_enabled=False)
    without_scripts.open("share/")
    assert without_scripts.page.locator(".llm-entry-meta__actions").first.is_visible()
    assert not without_scripts.page.locator(".llm-copy-link").first.is_visible()


def test_the_speed_control_is_shown_from_the_first_paint_and_hidden_without_scripts(open_reader):
    with_scripts = open_reader()
    with_scripts.open("listen/")
    assert with_scripts.page.locator("[data-llm-speed-control]").is_visible()
    without_scripts = open_reader(java_script_enabled=False)
    without_scripts.open("listen/")
    assert without_scripts.page.locator(".llm-playlist").is_visible()  # the page itself is there
    assert not without_scripts.page.locator("[data-llm-speed-control]").is_visible()  # a control that does nothing


def test_listing_items_off_screen_are_rendered_only_when_scrolled_to(phone_reader):
    """A long listing costs a phone no more at load than a short one: items below the screen skip layout and
    paint (content-visibility: auto) until the reader scrolls near them; nothing is hidden from the reader."""
    reader = phone_reader
    rendered = "el => el.checkVisibility({contentVisibilityAuto: true})"
    longest = None
    for path in READER_PAGES:
        reader.open(path)
        items = reader.page.locator("ol.llm-list > li.llm-item")
        if items.count() >= 8 and (longest is None or items.count() > longest[1]):
            longest = (path, items.count())
    assert longest is not None, "no reader page lists 8 or more items"
    reader.open(longest[0])
    items = reader.page.locator("ol.llm-list > li.llm-item")
    first_title = items.first.locator(".llm-item__title")
    far_title = items.nth(longest[1] - 2).locator(".llm-item__title")
    assert first_title.evaluate(rendered)  # on the first screen
    assert not far_title.evaluate(rendered)  # far below: not laid out yet
    assert far_title.text_content().strip()  # but there, for find-in-page and screen readers
    # The last item is always rendered: axe-core misreads the contrast of skipped text near the dark footer.
    assert items.last.locator(".llm-item__title").evaluate(rendered)
    far_title.scroll_into_view_if_needed()
    reader.page.wait_for_function(f"() => ({rendered})(document.querySelectorAll("
                                  f"'ol.llm-list > li.llm-item')[{longest[1] - 2}].querySelector('.llm-item__title'))")
