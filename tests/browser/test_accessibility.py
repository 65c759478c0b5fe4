"""axe-core finds no serious or critical accessibility problem in our markup, in light and dark schemes."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PAGES = ["", "tags/", "tags/vllm/", "archive/", "archive/2025/", "series/", "share/", "notes/2026-06-22-jay/",
         "weekly/", "weekly/2025-W45/", "404.html"]
DARK_PAGES = ["", "tags/vllm/", "share/"]
SEVERE = {"serious", "critical"}

# The reader's pages of issue 15: no violation of any impact, the theme's markup included.
READER_PAGES = ["", "tags/vllm/", "archive/2025/", "listen/"]
# No exceptions for the theme's markup: the search dialog is named by overrides/partials/search.html and the
# unnamed progress bar (navigation.instant.progress) is off.


def severe_violations(reader, axe_source: str, rules: list[str] | None = None) -> list[str]:
    reader.page.add_script_tag(content=axe_source)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    violations = reader.page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)
    found = []
    for violation in violations:
        if violation["impact"] not in SEVERE:
            continue
        for node in violation["nodes"]:
            selector = " ".join(str(part) for part in node["target"])
            found.append(f"{violation['id']} ({violation['impact']}) at {selector}: {node['html'][:120]}\n"
                         f"    {node.get('failureSummary', '').strip()[:300]}")
    return found


@pytest.mark.parametrize("path", PAGES, ids=[path or "home" for path in PAGES])
def test_no_serious_accessibility_violations(reader, axe_source, path):
    reader.open(path)
    reader.page.wait_for_load_state("networkidle")
    found = severe_violations(reader, axe_source)
    assert not found, "\n".join(found)


def all_violations(reader, axe_source: str) -> list[str]:
    reader.page.add_script_tag(content=axe_source)
    violations = reader.page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}: {node['html'][:120]}"
            for violation in violations for node in violation["nodes"]]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("path", READER_PAGES, ids=[path or "home" for path in READER_PAGES])
def test_reader_pages_have_no_accessibility_violation_of_any_impact(open_reader, axe_source, path, viewport):
    from browser.conftest import DESKTOP, PHONE

    reader = open_reader(PHONE if viewport == "phone" else DESKTOP)
    reader.open(path)
    reader.page.wait_for_load_state("networkidle")
    found = all_violations(reader, axe_source)
    assert not found, "\n".join(found)


def switch_to_dark_scheme(reader) -> None:
    """Press the header's palette toggle until the dark (slate) scheme is on, as a reader would."""
    page = reader.page
    for _ in range(3):
        if page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate":
            return
        page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"


def test_palette_toggle_switches_to_a_dark_scheme_that_stays(reader):
    reader.open("")
    assert reader.page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "default"
    switch_to_dark_scheme(reader)
    background = reader.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    text = reader.page.evaluate("() => getComputedStyle(document.querySelector('.md-typeset')).color")
    assert luminance(background) < 0.05 and luminance(text) > 0.4, (background, text)

    reader.open("tags/")  # the choice is remembered on the next page load
    assert reader.page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
    reader.assert_clean()


@pytest.mark.parametrize("path", DARK_PAGES, ids=[path or "home" for path in DARK_PAGES])
def test_dark_scheme_is_readable(reader, axe_source, path):
    reader.open("")
    switch_to_dark_scheme(reader)
    reader.open(path)
    reader.page.wait_for_load_state("networkidle")
    found = severe_violations(reader, axe_source, rules=["color-contrast", "link-in-text-block"])
    assert not found, "\n".join(found)


def luminance(css_color: str) -> float:
    """Relative luminance (WCAG) of an rgb()/rgba() colour."""
    red, green, blue = (int(value) / 255 for value in re.findall(r"[\d.]+", css_color)[:3])

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
