"""Fast rebuilds under ``mkdocs serve --dirty``: only the pages whose text changed are rebuilt.

In a dirty build MkDocs converts and writes only the files it sees as
modified: a docs file newer than its output, and every in-memory file. The
hooks render every generated page on every build, so this cache keeps each
generated page's markdown in a file that is rewritten only when the markdown
changed (an unchanged one stays older than its output and is skipped), and
remembers the rendered body of each docs page the hooks rewrite (share lists,
series, notes, home), so that one whose body changed though its file did not
(a new entry on the home page, a series neighbour's title) can be marked for
rebuilding.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class ServeCache:
    def __init__(self, directory: Path | None = None):
        self.directory = directory or Path(tempfile.mkdtemp(prefix="llminfra-serve-"))
        self._bodies: dict[str, str] = {}  # docs page -> sha1 of its last rendered body

    def generated_file(self, src_uri: str, markdown: str, fingerprint: str = "") -> str:
        """Path of a file holding ``markdown``, rewritten (and so newer) only if it or ``fingerprint`` changed.

        ``fingerprint`` stands for what else the page shows (a listing's body, rendered later).
        """
        path = self.directory / src_uri
        data = markdown.encode("utf-8")
        if self.body_changed(src_uri, markdown + "\0" + fingerprint) or not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return str(path)

    def body_changed(self, src_uri: str, body: str) -> bool:
        """Whether ``body`` differs from the one rendered for ``src_uri`` by the previous build."""
        digest = hashlib.sha1(body.encode("utf-8")).hexdigest()
        previous = self._bodies.get(src_uri)
        self._bodies[src_uri] = digest
        return previous is not None and previous != digest


def mark_for_rebuild(output_path: str) -> None:
    """Make a page's built file older than any source, so a dirty build rebuilds it."""
    if os.path.isfile(output_path):
        os.utime(output_path, (0, 0))
