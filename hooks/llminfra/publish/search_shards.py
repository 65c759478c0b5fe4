"""The site's search index, in small files a reader fetches only as a query needs them.

Material's search loads one index of the whole site before it answers anything (10 MB at 10,000
entries). This index is written for our search worker (docs/assets/javascripts/workers/llminfra-search.js)
instead, which fetches, for a query, only the posting lists of the query's tokens and the text of the
results it shows:

- ``search/search_index.json``: what Material's page code fetches and hands to the worker: Material's
  ``config`` (the page's highlighter reads its separator), no documents, and under ``config.llminfra``
  the manifest: the first token of every shard, the number of documents, the documents per chunk,
  and a version (a hash of every file) that the worker appends to each URL, so a browser never mixes
  files of two builds.
- ``search/llminfra/s/<n>.json``: shards of the inverted index. Tokens in UTF-16 order (the order of
  JavaScript's string comparison, so the worker finds a token's shard by binary search on the
  manifest, and the tokens sharing a prefix in neighbouring shards), each shard about
  ``SHARD_BYTES``: ``{token: [delta, ...]}``, each delta the increase of ``2 * document + in_title``.
- ``search/llminfra/d/<n>.json``: the documents, ``CHUNK`` a file, in index order:
  ``[location, title, text, parent]``, as Material's indexer made them (``text`` is HTML); ``parent``
  is the number of the page's own document (its article) for a section, -1 for an article.

Tokens, the same rule in the worker (``tokens`` here, ``queryTerms`` there): the title and text
without tags, entities decoded, lower case; every Han character alone, and every two neighbouring
Han characters (so a Chinese query of n characters is n - 1 bigrams, all of which a verbatim match
holds, whatever words a segmenter would have cut); every run of other letters and digits, whole (a
query word matches the tokens it begins).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SHARD_BYTES = 16_000  # about 4 KB compressed: a query of four Chinese characters fetches three
CHUNK = 8  # documents a file: a result costs about one compressed kilobyte of text
FOLDER = "llminfra"  # under search/
FORMAT = 1

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{HAN}]+")
_WORD = re.compile(rf"[^\W_{HAN}]+")
_TAG = re.compile(r"<[^>]*>")


def plain_text(value: str) -> str:
    """What a reader reads of a title or text: no tags, entities decoded, lower case."""
    return html.unescape(_TAG.sub(" ", value)).lower()


def tokens(value: str) -> set[str]:
    found: set[str] = set()
    text = plain_text(value)
    for run in _HAN_RUN.findall(text):
        found.update(run)
        found.update(run[i:i + 2] for i in range(len(run) - 1))
    found.update(_WORD.findall(text))
    return found


def _utf16(token: str) -> bytes:
    return token.encode("utf-16-be")


@dataclass
class ShardedIndex:
    """Documents in index order, with their tokens' posting lists, built as the documents come."""

    documents: list[list] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _articles: dict[str, int] = field(default_factory=dict)

    def add(self, entry: dict) -> None:
        """One of Material's search entries (``location``, ``title``, ``text``, optional ``tags``)."""
        number = len(self.documents)
        location = entry["location"]
        page, _, anchor = location.partition("#")
        if not anchor:
            self._articles[page] = number
        parent = self._articles.get(page, -1) if anchor else -1
        title, text = entry.get("title") or "", entry.get("text") or ""
        tags = [tag for tag in entry.get("tags") or [] if isinstance(tag, str)]
        self.documents.append([location, title, text, parent] + ([tags] if tags else []))
        in_title = tokens(" ".join([title, *tags]))
        for token in in_title | tokens(text):
            self.postings[token].append(2 * number + (token in in_title))

    def write(self, search_dir: Path, config: dict) -> str:
        """Write the shards and document chunks under ``search_dir``; return ``search_index.json``'s text."""
        files = self._files()
        version = hashlib.sha256(b"".join(name.encode() + b"\0" + data for name, data in files)).hexdigest()[:12]
        folder = search_dir / FOLDER
        if folder.exists():
            shutil.rmtree(folder)  # a previous build's shards (mkdocs serve writes into the same folder)
        for name, data in files:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        manifest = {"format": FORMAT, "version": version, "documents": len(self.documents), "chunk": CHUNK,
                    "shards": self._first_tokens}
        return _json({"config": {**config, FOLDER: manifest}, "docs": []})

    def _files(self) -> list[tuple[str, bytes]]:
        files = []
        for start in range(0, len(self.documents), CHUNK):
            files.append((f"d/{start // CHUNK}.json", _json(self.documents[start:start + CHUNK]).encode()))
        self._first_tokens: list[str] = []
        shard: dict[str, list[int]] = {}
        size = 0
        for token in sorted(self.postings, key=_utf16):
            deltas = _deltas(self.postings[token])
            cost = len(token) * 3 + 4 + sum(len(str(d)) + 1 for d in deltas)
            if shard and size + cost > SHARD_BYTES:
                files.append((f"s/{len(self._first_tokens) - 1}.json", _json(shard).encode()))
                shard, size = {}, 0
            if not shard:
                self._first_tokens.append(token)
            shard[token] = deltas
            size += cost
        if shard:
            files.append((f"s/{len(self._first_tokens) - 1}.json", _json(shard).encode()))
        return files

    def summary(self) -> str:
        return (f"documents={len(self.documents)} tokens={len(self.postings)} "
                f"shards={len(getattr(self, '_first_tokens', []))} chunks={math.ceil(len(self.documents) / CHUNK)}")


def _deltas(values: list[int]) -> list[int]:
    previous, out = 0, []
    for value in values:
        out.append(value - previous)
        previous = value
    return out


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
