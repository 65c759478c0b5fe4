"""The Chinese query set of the search tests, derived from a catalog (never a list of today's docs/).

For every source kind (share list, series, notes) it takes, from the entries' titles and summaries:

- taxonomy terms (the words the site's tags are found by) that occur verbatim in an entry;
- compounds that a word segmenter (jieba) splits in the running text: two neighbouring jieba words, one of them a
  single character, together 3–4 characters (零|气泡 in "的零气泡流水", 重|排序 in "（重排序）"), which a search that
  segments the text and the query separately turns into a different, shorter query. jieba is not installed with
  the tests (Material's search plugin would segment every page with it): its compounds for the frozen fixture are
  in ``fixtures/search_compounds.txt``, written by ``scripts/search_compounds.py``.

Only terms that occur in at most ``MAX_ENTRIES`` entries are kept, so that every entry holding the term
is on the first screen of results. Selection is deterministic (catalog order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from llminfra.domain.catalog import Catalog
from llminfra.domain.model import Entry
from llminfra.domain.taxonomy import CJK, SEPARATORS, Taxonomy

HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
MAX_ENTRIES = 3
PER_KIND = {"taxonomy": 8, "compound": 12}
# Terms the issue reports as missed; in the query set whenever an entry holds them.
KNOWN_MISSES = ("零气泡", "重排序")
# Function words and numerals: a compound with one of them as its single character is running text
# ("训练与", "的架构"), not a term.
FUNCTION_CHARS = set("的一二三不在有是为以于上而后之来及了因下可到由这与也此但并个其已无我们起最再今去好只又或很亦某把"
                     "那你乃它吧被比别当从得打凡各给跟和何还即几既看据距靠另么每拿哪您凭且却让仍啥如若使谁虽随同所她"
                     "往些向沿用咱则怎曾至致着诸自将对中等出能含非均侧")


@dataclass(frozen=True)
class Query:
    term: str
    kind: str  # "taxonomy" | "compound" | "reported"
    entry: Entry


def chinese_terms(taxonomy: Taxonomy) -> list[str]:
    """The site's Chinese domain terms: tag names, aliases and keywords in Chinese, and ``search_terms``.

    Search must find each of them inside running text: the query set starts from this list.
    """
    words = {w.strip() for w in taxonomy.search_terms if CJK.search(w)}
    for info in taxonomy.tags.values():
        for word in [info.name, *info.aliases, *info.keywords]:
            if CJK.search(word) and not SEPARATORS.search(word.strip()):
                words.add(word.strip())
    return sorted(words)


def searchable_text(entry: Entry) -> str:
    return f"{entry.title}\n{entry.summary}"


COMPOUNDS = Path(__file__).parent / "fixtures" / "search_compounds.txt"


def split_compounds(text: str, compounds: tuple[str, ...]) -> list[str]:
    """The frozen list's compounds that ``text`` holds, in the order they first occur in it."""
    found = [(text.find(compound), number, compound) for number, compound in enumerate(compounds)]
    return [compound for position, _, compound in sorted(found) if position >= 0]


def frozen_compounds() -> tuple[str, ...]:
    return tuple(line for line in COMPOUNDS.read_text(encoding="utf-8").splitlines() if line)


def query_set(catalog: Catalog) -> list[Query]:
    texts = [(entry, searchable_text(entry)) for entry in catalog.entries]

    def holders(term: str) -> list[Entry]:
        return [entry for entry, text in texts if term in text]

    words = [w for w in chinese_terms(catalog.taxonomy) if len(w) >= 2 and HAN_RUN.fullmatch(w)]
    compounds = frozen_compounds()
    chosen: dict[str, Query] = {}
    for term in KNOWN_MISSES:
        if found := holders(term):
            chosen[term] = Query(term, "reported", found[0])
    counts: dict[tuple[str, str], int] = {}
    for entry, text in texts:
        candidates = ([("taxonomy", w) for w in words if w in text]
                      + [("compound", c) for c in split_compounds(text, compounds)])
        for kind, term in candidates:
            key = (str(entry.kind), kind)
            if term in chosen or counts.get(key, 0) >= PER_KIND[kind]:
                continue
            if len(holders(term)) > MAX_ENTRIES:
                continue
            chosen[term] = Query(term, kind, entry)
            counts[key] = counts.get(key, 0) + 1
    return list(chosen.values())
