"""Write tests/fixtures/search_compounds.txt: the compounds a word segmenter splits in the frozen fixture's text.

    pip install 'jieba>=0.42.1,<0.43' && python scripts/search_compounds.py

The search tests' query set (tests/search_queries.py) holds terms that a segmenter cuts differently in running
text from the query: two neighbouring jieba words, one of them a single character, together 3–4 characters
(零|气泡 in "的零气泡流水", 重|排序 in "（重排序）"). jieba is not a dependency of the site or of its tests (with it
installed, Material's search plugin would segment every page with it on every build): this script, run by hand
when the frozen fixture (tests/fixtures/project) changes, writes the list once, one compound a line, in the
order of the catalog's entries.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import FROZEN  # noqa: E402
from search_queries import FUNCTION_CHARS, HAN_RUN, searchable_text  # noqa: E402

from llminfra.domain.layout import SiteLayout  # noqa: E402
from llminfra.sources.loading import build_catalog  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "search_compounds.txt"


def split_compounds(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.ERROR)
    found = []
    for run in HAN_RUN.findall(text):
        words = list(jieba.cut(run))
        for first, second in zip(words, words[1:]):
            compound = first + second
            single = first if len(first) == 1 else second
            if 3 <= len(compound) <= 4 and len(single) == 1 and single not in FUNCTION_CHARS:
                found.append(compound)
    return found


def main() -> int:
    catalog = build_catalog(SiteLayout(FROZEN))
    compounds: dict[str, None] = {}
    for entry in catalog.entries:
        compounds.update(dict.fromkeys(split_compounds(searchable_text(entry))))
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{3,4}", c) for c in compounds)
    OUT.write_text("".join(f"{c}\n" for c in compounds), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(compounds)} compounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
