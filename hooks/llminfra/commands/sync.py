"""``sync``: replace the mirror of the upstream share list with upstream's current file, byte for byte.

The mirror (``docs/share/index.md``) belongs to upstream: sync overwrites it and nothing else in docs/.
Contributors' entries live in ``docs/share/contributed.md``, which sync never reads or writes. Besides the
mirror, sync writes ``data/upstream.yml`` (where the copy comes from, for the share page) when the file changed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import sys
from pathlib import Path

from llminfra.authoring.atomic_files import write_bytes_atomically
from llminfra.authoring.remote_audio import measure_remote_audio
from llminfra.authoring.upstream_fetch import (
    SYNC_LIMITS,
    UpstreamError,
    fetch,
    provenance_yaml,
    sync_limits,
)
from llminfra.commands.conventions import EXIT_OK, command_parser
from llminfra.domain.layout import SiteLayout
from llminfra.domain.site_options import UpstreamSettings
from llminfra.domain.upstream import EntrySummary, UpstreamChange, UpstreamProvenance, diff_entries
from llminfra.mkdocs_adapter.site_config import ProjectConfigError, project_options
from llminfra.sources.provenance import PROVENANCE_FILE
from llminfra.sources.sharelist import ShareListParser

EXIT_FETCH_FAILED = 1
EXIT_NOT_A_SHARE_LIST = 2
# Fewer than this share of the entries the mirror holds is a broken fetch, not upstream's edit.
SHRINK_LIMIT = 0.5


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "sync", help="copy the upstream share list into the mirror (docs/share/index.md)",
        description="Fetch upstream's README (default: extra.llminfra.upstream.readme_url in mkdocs.yml) and write "
                    "it to the mirror byte for byte, then measure its new remote audio clips. Prints the entries "
                    "added, removed and changed, or 'no change'; problems go to stderr.",
        codes=((EXIT_OK, "the mirror is upstream's file (changed or not)"),
               (EXIT_FETCH_FAILED, "the fetch failed (network error, timeout, HTTP error); the mirror is unchanged"),
               (EXIT_NOT_A_SHARE_LIST, "usage error, a bad mkdocs.yml, or content that is not a share list "
                                       "(the mirror is unchanged)")))
    parser.add_argument("--from", dest="location", help="URL (http, https, file) or local path to read instead")
    parser.add_argument("--commit", help="upstream commit the file is from (recorded in data/upstream.yml)")
    parser.add_argument("--committed", help="upstream's date of that commit, ISO 8601")
    parser.add_argument("--timeout", type=float, default=SYNC_LIMITS.timeout,
                        help="seconds to wait for a connection or for the next bytes (default: %(default)g)")
    parser.add_argument("--attempts", type=int, default=SYNC_LIMITS.attempts,
                        help="tries in all on connection errors, timeouts, 429 and 5xx (default: %(default)d)")
    parser.add_argument("--allow-shrink", action="store_true",
                        help=f"accept a file with fewer than {SHRINK_LIMIT:.0%}% of the mirror's entries")
    parser.add_argument("--no-audio", action="store_true",
                        help="do not measure the new remote audio clips (python -m llminfra audio does it later)")
    parser.add_argument("--pr-body", type=Path, help="also write the change as markdown here (pull request body)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    layout = SiteLayout(root=root)
    try:
        settings = project_options(root).upstream
    except ProjectConfigError as error:
        print(f"llminfra sync: mkdocs.yml: {error}", file=sys.stderr)
        return EXIT_NOT_A_SHARE_LIST
    mirror = layout.docs_path / layout.mirror_page
    relative = layout.project_path(layout.mirror_page)
    location = args.location or settings.readme_url
    try:
        fetched = fetch(location, sync_limits(args.timeout, args.attempts))
    except UpstreamError as exc:
        print(f"llminfra sync: fetch failed: {exc}; {relative} is unchanged", file=sys.stderr)
        return EXIT_FETCH_FAILED
    old_bytes = mirror.read_bytes() if mirror.is_file() else b""
    parser = ShareListParser(mirror_of=settings.readme_url)
    try:
        new = parse_share_list(parser, relative, layout.mirror_page, fetched.data)
    except UpstreamError as exc:
        print(f"llminfra sync: {location}: {exc}; {relative} is unchanged", file=sys.stderr)
        return EXIT_NOT_A_SHARE_LIST
    old_entries = parser.parse(relative, layout.mirror_page, old_bytes.decode("utf-8", errors="replace")).entries
    if old_entries and len(new.entries) < len(old_entries) * SHRINK_LIMIT and not args.allow_shrink:
        print(f"llminfra sync: {location} has {len(new.entries)} entries, the mirror {len(old_entries)}: "
              f"looks like a broken file (pass --allow-shrink if upstream really removed them); "
              f"{relative} is unchanged", file=sys.stderr)
        return EXIT_NOT_A_SHARE_LIST
    if fetched.data == old_bytes:
        print(f"llminfra sync: no change ({relative} is upstream's file, {len(new.entries)} entries)")
        _write_pr_body(args.pr_body, None, fetched.origin)
        return 0
    change = diff_entries(old_entries, new.entries)
    write_bytes_atomically(mirror, fetched.data)
    provenance = _provenance(root, settings, args, fetched.data)
    write_bytes_atomically(root / PROVENANCE_FILE, provenance_yaml(provenance).encode("utf-8"))
    print(summary_text(relative, change, len(new.entries), fetched.origin))
    notices = [p for p in new.problems if p.severity == "notice"]
    if notices:
        print(f"{len(notices)} notice(s) in upstream's file (shown as readers expect; see python -m llminfra check)")
    _write_pr_body(args.pr_body, change, fetched.origin, provenance)
    if not args.no_audio:
        run_audio_measurement(root, settings)
    return 0


def parse_share_list(parser: ShareListParser, path: str, page: str, data: bytes):
    """The parsed share list in ``data``; raises ``UpstreamError`` when it is not one."""
    if not data.strip():
        raise UpstreamError("the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UpstreamError(f"not UTF-8 text (byte {exc.start})") from None
    start = text.lstrip("\ufeff\u200b \t\r\n")
    if "\x00" in text or not start.startswith("# "):
        what = "an HTML page" if start[:15].lower().startswith(("<!doctype", "<html")) else "a share list"
        raise UpstreamError(f"does not start with a '# ' title: this is not a share list ({what}?)"
                            if what == "a share list" else f"this is {what}, not a share list")
    parsed = parser.parse(path, page, text)
    errors = [p for p in parsed.problems if p.severity == "error"]
    if errors:
        raise UpstreamError(f"{len(errors)} error(s) a share list cannot have, first: {errors[0]}")
    return parsed


def summary_text(relative: str, change: UpstreamChange, total: int, origin: str) -> str:
    if not change.entries_changed:
        return (f"llminfra sync: {relative} updated from {origin}: same {total} entries "
                "(only text outside the entries changed)")
    lines = [f"llminfra sync: {relative} updated from {origin}: {total} entries; "
             f"{len(change.added)} added, {len(change.removed)} removed, {len(change.changed)} changed"]
    lines += [f"+ {_label(e)}" for e in change.added]
    lines += [f"- {_label(e)}" for e in change.removed]
    lines += [f"~ {_label(after)} ({', '.join(_what_changed(before, after))})" for before, after in change.changed]
    return "\n".join(lines)


def _label(entry: EntrySummary) -> str:
    return f"{entry.month or '（无月份）'} 「{entry.title}」"


def _what_changed(before: EntrySummary, after: EntrySummary) -> list[str]:
    return [name for name in ("title", "month", "summary", "audio") if getattr(before, name) != getattr(after, name)]


def _provenance(root: Path, settings, args, data: bytes) -> UpstreamProvenance:
    commit, committed = args.commit, args.committed
    if args.location and not (commit and committed):
        known = _history_index(Path(args.location))
        commit, committed = commit or known[0], committed or known[1]
    return UpstreamProvenance(
        repository=settings.repository, readme_url=settings.readme_url, commit=commit, committed=committed,
        synced=dt.datetime.now(dt.timezone.utc).date().isoformat(), sha256=hashlib.sha256(data).hexdigest())


def _history_index(path: Path) -> tuple[str | None, str | None]:
    """(commit, date) of a saved upstream version listed in an ``index.tsv`` beside it (index, commit, committed)."""
    index = path.parent / "index.tsv"
    if not path.is_file() or not index.is_file():
        return None, None
    with index.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row.get("index") == path.name:
                return row.get("commit") or None, row.get("committed") or None
    return None, None


def _write_pr_body(path: Path | None, change: UpstreamChange | None, origin: str,
                   provenance: UpstreamProvenance | None = None) -> None:
    if path is None:
        return
    if change is None:
        path.write_text("", encoding="utf-8")  # empty: nothing to propose
        return
    lines = [f"上游好文列表有更新（{origin}" + (f"，提交 {provenance.short_commit}" if provenance and provenance.commit
                                         else "") + "）。", ""]
    if change.added:
        lines += [f"### 新增 {len(change.added)} 篇", ""]
        lines += [f"- {e.month} [{_escape_brackets(e.title)}]({e.link})" if e.link else f"- {e.month} {e.title}"
                  for e in change.added]
        lines.append("")
    if change.removed:
        lines += [f"### 上游删除 {len(change.removed)} 篇", ""] + [f"- {e.month} {e.title}" for e in change.removed]
        lines.append("")
    if change.changed:
        lines += [f"### 上游修改 {len(change.changed)} 篇", ""]
        lines += [f"- {after.month} {after.title}（{'、'.join(_what_changed(before, after))}）"
                  for before, after in change.changed]
        lines.append("")
    if not change.entries_changed:
        lines += ["条目没有变化，只有条目以外的文字有改动。", ""]
    lines.append("由 `python -m llminfra sync` 生成；本 PR 只改动镜像文件 docs/share/index.md 与 data/upstream.yml。")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _escape_brackets(title: str) -> str:
    return title.replace("[", "\\[").replace("]", "\\]")


def run_audio_measurement(root: Path, upstream: UpstreamSettings) -> None:
    """Measure the remote audio clips the new file names (``python -m llminfra audio``); the mirror is written."""
    try:
        report = measure_remote_audio(root, upstream=upstream)
    except ValueError as exc:
        print(f"llminfra sync: audio not measured: {exc}", file=sys.stderr)
        return
    for url, where, message in report.failed:
        print(f"{where}: audio {url} not measured: {message}", file=sys.stderr)
    print(f"audio: {len(report.measured)} measured, {len(report.changed)} changed, {len(report.failed)} failed")
