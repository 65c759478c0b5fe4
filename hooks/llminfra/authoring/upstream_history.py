"""Upstream's history for ``llminfra backfill``: every version of its share list with the date of its commit.

Two places hold it:

- a folder of saved versions with an ``index.tsv`` (tab-separated, a header row with at least ``index``, the
  file's name in the folder, ``commit`` and ``committed``, the commit's date and time with its UTC offset), as
  ``tests/fixtures/upstream-history``;
- a git clone of upstream, read locally with ``git log --first-parent -- README.md`` (the commits that changed
  the file on the branch checked out, as the site saw it arrive; each with its committer date in the commit's
  own UTC offset) and ``git cat-file`` (the file at each of them). Nothing is fetched.

Each version is read within the size cap of a fetched share list.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from llminfra.authoring.upstream_fetch import SYNC_LIMITS, UpstreamError, read_local
from llminfra.domain.arrivals import arrival_time

INDEX = "index.tsv"
INDEX_COLUMNS = ("index", "commit", "committed")
GIT_SECONDS = 120  # one git command on a local clone
# git, as plain as it gets: no prompt for credentials, no pager, messages in English.
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}


class HistoryError(Exception):
    """The history cannot be read: a bad index, a git failure."""


@dataclass(frozen=True)
class Version:
    label: str  # what messages call it: the file's name, or the commit
    commit: str
    committed: datetime  # with the commit's UTC offset
    data: bytes | None  # None: the file does not exist at that commit


def read_history(location: Path, path: str = "README.md", max_bytes: int = SYNC_LIMITS.max_bytes) -> Iterator[Version]:
    """The versions at ``location`` (a folder with an index.tsv, or a git clone), oldest first where known."""
    if (location / INDEX).is_file():
        return _saved_versions(location, max_bytes)
    if location.is_dir() and _git(location, "rev-parse", "--git-dir", check=False).returncode == 0:
        return _commits(location, path, max_bytes)
    raise HistoryError(f"{location}: neither a folder with an {INDEX} nor a git clone")


def _saved_versions(folder: Path, max_bytes: int) -> Iterator[Version]:
    try:
        text = read_local(folder / INDEX, 1024 * 1024).decode("utf-8")
    except (UpstreamError, UnicodeDecodeError) as exc:
        raise HistoryError(f"{folder / INDEX}: cannot read it: {exc}") from None
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    missing = [name for name in INDEX_COLUMNS if name not in (rows.fieldnames or ())]
    if missing:
        raise HistoryError(f"{folder / INDEX}:1: no column {', '.join(missing)} (the header row names "
                           f"{', '.join(INDEX_COLUMNS)}, tab-separated)")
    for number, row in enumerate(rows, 2):
        name, committed = (row.get("index") or "").strip(), arrival_time(row.get("committed") or "")
        where = f"{folder / INDEX}:{number}"
        if not name or PurePosixPath(name).name != name or name.startswith(".") or "\\" in name:
            raise HistoryError(f"{where}: index {name!r} is not the name of a file in the folder")
        if committed is None:
            raise HistoryError(f"{where}: committed {row.get('committed')!r} is not a date and time with its UTC "
                               "offset (e.g. 2025-11-06T23:50:49+08:00)")
        try:
            data = read_local(folder / name, max_bytes)
        except UpstreamError as exc:
            raise HistoryError(f"{where}: {exc}") from None
        yield Version(name, (row.get("commit") or "").strip(), committed, data)


def _commits(clone: Path, path: str, max_bytes: int) -> Iterator[Version]:
    log = _git(clone, "log", "--first-parent", "--reverse", "--format=%H%x09%cI", "--", path)
    for line in log.stdout.decode("utf-8", errors="replace").splitlines():
        commit, _, date = line.partition("\t")
        committed = arrival_time(date)
        if committed is None:
            raise HistoryError(f"{clone}: git log gave {line!r}, not a commit and its date")
        yield Version(commit[:12], commit, committed, _blob(clone, f"{commit}:{path}", max_bytes))


def _blob(clone: Path, name: str, max_bytes: int) -> bytes | None:
    """The file ``commit:path``, or None when the commit has no such file (it was deleted there)."""
    with subprocess.Popen(["git", "-C", str(clone), "cat-file", "blob", name], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, env={**os.environ, **GIT_ENV}) as process:
        data = process.stdout.read(max_bytes + 1)
        if len(data) > max_bytes:
            process.kill()
            raise HistoryError(f"{clone}: {name} is over the cap of {max_bytes:,} bytes")
        code = process.wait(timeout=GIT_SECONDS)
    return data if code == 0 else None


def _git(clone: Path, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(["git", "-C", str(clone), *argv], capture_output=True, timeout=GIT_SECONDS,
                                env={**os.environ, **GIT_ENV})
    except FileNotFoundError:
        raise HistoryError("git is not installed (it reads the clone)") from None
    except subprocess.TimeoutExpired:
        raise HistoryError(f"{clone}: git {argv[0]} took over {GIT_SECONDS} s") from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise HistoryError(f"{clone}: git {argv[0]} failed: {message[-1] if message else result.returncode}")
    return result
