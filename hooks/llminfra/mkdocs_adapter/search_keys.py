"""Chinese substring search inside Material's own search index.

Material's search box segments a Chinese query greedily against the words of
the index (``segment`` in its search worker), and never looks at the query's
last character: a term that jieba split differently in the text (零气泡 in
"的|零|气泡|流水", 重排序 in "重|排序") becomes a shorter, different query
(零*, 重*) and its entry drowns among the entries that merely share a
character. Material 9 has no hook for its query side, so the index is changed
instead, in two ways that only use what Material supports (extra search
fields, ``search.separator``):

- every Chinese word of ``title``, ``text`` and ``tags`` is followed by
  ``MARKER`` (U+200C, invisible, not a separator). No index token is then made
  of Chinese characters alone, so Material's segmenter finds no word inside a
  query and leaves it whole: 零气泡 is searched as ``零气泡*``;
- a hidden field (``KEYS_FIELD``, declared in mkdocs.yml under
  ``plugins.search.fields``) holds, for each position of each run of Chinese
  characters in the entry, the next ``WINDOW`` characters (plus ``MARKER``).
  A query that occurs verbatim in the entry is a prefix of one of them, which
  ``零气泡*`` matches; an entry that holds only part of the query does not.

The site's script (``docs/assets/llminfra.js``) removes the marker from the
results, as it removes U+200B.
"""

from __future__ import annotations

import re

MARKER = "\u200c"
KEYS_FIELD = "keys"
# Longest query (in Chinese characters) found as a substring: the technical terms of the
# site are 2–8 characters; each extra character costs one more character per key.
WINDOW = 8
MIN_QUERY = 2

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{_HAN}]+")
# Material separates jieba's words with U+200B: a run of Chinese text is Chinese words joined by it.
_SEGMENTED_RUN = re.compile(f"[{_HAN}]+(?:\u200b[{_HAN}]+)*")


def mark_words(value: str) -> str:
    """``value`` with ``MARKER`` after each run of Chinese characters."""
    return HAN_RUN.sub(lambda match: match.group(0) + MARKER, value)


def substring_keys(*values: str, window: int = WINDOW) -> str:
    """The hidden keys of an entry: one per start position in each Chinese run, ``window`` characters long."""
    keys: dict[str, None] = {}
    for value in values:
        for segmented in _SEGMENTED_RUN.finditer(value):
            run = segmented.group(0).replace("\u200b", "")
            for start in range(len(run) - MIN_QUERY + 1):
                keys[run[start:start + window] + MARKER] = None
    return " ".join(keys)


def add_substring_keys(entry: dict) -> dict:
    """Mark the Chinese words of a Material search entry and add its hidden keys (in place)."""
    title, text = entry.get("title") or "", entry.get("text") or ""
    keys = substring_keys(title, text)
    if keys:
        entry[KEYS_FIELD] = keys
    entry["title"], entry["text"] = mark_words(title), mark_words(text)
    if isinstance(entry.get("tags"), list):
        entry["tags"] = [mark_words(str(tag)) for tag in entry["tags"]]
    return entry
