"""Related reading under each entry: up to three titles a reader can read, at desktop and phone width."""

from __future__ import annotations

import pytest

from browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

# Each related title: where it is, how many lines it takes, whether text is cut, and how wide its line is.
MEASURE = """() => [...document.querySelectorAll('.llm-entry-meta__related')].map(list => {
    const box = list.querySelector('ul').getBoundingClientRect();
    return [...list.querySelectorAll('li > a')].map(a => {
        const style = getComputedStyle(a);
        const lineHeight = parseFloat(style.lineHeight);
        const rect = a.getBoundingClientRect();
        return {text: a.textContent, lines: Math.round(a.clientHeight / lineHeight),
                cut: a.scrollHeight > a.clientHeight + 1, width: rect.width, listWidth: box.width,
                left: rect.left, right: rect.right, top: rect.top};
    });
})"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_related_title_has_its_own_line_and_reads_in_full_or_over_two_lines(open_reader, viewport):
    reader = open_reader(viewport)
    reader.open("share/")
    lists = reader.page.evaluate(MEASURE)
    assert lists and all(1 <= len(titles) <= 3 for titles in lists)
    width = viewport["width"]
    for titles in lists:
        tops = [title["top"] for title in titles]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one below the other
        for title in titles:
            assert title["text"].strip()
            assert 1 <= title["lines"] <= 2, title
            assert 0 <= title["left"] and title["right"] <= width, title
            # Cut only once two full lines are used: never a stub of a title and an ellipsis.
            if title["cut"]:
                assert title["lines"] == 2 and title["width"] >= 0.8 * title["listWidth"], title
    reader.assert_clean()
