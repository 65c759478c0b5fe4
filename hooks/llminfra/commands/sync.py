"""``sync``: make the files sync owns agree with upstream's current share list.

The mirror (``docs/share/index.md``) belongs to upstream: sync overwrites it with upstream's file, byte for byte,
and nothing else in docs/. Contributors' entries live in ``docs/share/contributed.md``, which sync never reads or
writes. Sync owns four files. It works out what each should hold and writes each one that differs, so a sync
interrupted at any point is repaired by the next one, and a repeated sync of the same file changes no file:

- ``docs/share/index.md``: upstream's bytes;
- ``data/upstream.yml``: where they come from, their SHA-256 and a fingerprint per line (so ``check`` can name
  the first line a hand edit changed); while upstream's file stays the same, its commit and sync day are kept;
- ``data/arrivals.yml``: when each entry first appeared: ``--committed`` (upstream's commit date), else this
  machine's clock, the one place sync reads it; a recorded time never changes;
- ``data/audio.yml``: the remote audio clips not measured yet (the ``audio`` command's step; ``--no-audio``).

Upstream's file is never rejected for what its entries hold (its problems are notices); only a fetch that
returned something other than a share list (an empty file, an HTML page, another encoding, far fewer entries
than the mirror) is refused, and then no file changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import sys
from pathlib import Path

from llminfra.authoring.arrivals_file import arrivals_yaml
from llminfra.authoring.atomic_files import replace_if_different
from llminfra.authoring.remote_audio import AUDIO_LIMITS, measure_remote_audio
from llminfra.authoring.upstream_fetch import (
    SYNC_LIMITS,
    UpstreamError,
    fetch,
    provenance_yaml,
    sync_limits,
)
from llminfra.commands.audio import print_failures
from llminfra.commands.conventions import EXIT_OK, attempts, command_parser, seconds, site_options_or_report
from llminfra.domain.arrivals import arrival_time, record_arrivals
from llminfra.domain.layout import SiteLayout
from llminfra.domain.links import encode_once, is_safe_outbound, redact_url
from llminfra.domain.site_options import UpstreamSettings
from llminfra.domain.upstream import (
    EntrySummary,
    UpstreamChange,
    UpstreamProvenance,
    diff_entries,
    first_differing_line,
    line_fingerprints,
)
from llminfra.sources.arrivals import ARRIVALS_FILE, read_arrivals
from llminfra.sources.audio_metadata import AUDIO_DATA
from llminfra.sources.provenance import PROVENANCE_FILE, read_provenance
from llminfra.sources.sharelist import ShareListParser

EXIT_FETCH_FAILED = 1
EXIT_NOT_A_SHARE_LIST = 2
# Fewer than this share of the entries the mirror holds is a broken fetch, not upstream's edit.
SHRINK_LIMIT = 0.5
# Bytes a share list may start with before its '# ' title: a BOM, zero-width spaces, blank lines.
_LEADING = (b"\xef\xbb\xbf", b"\xe2\x80\x8b", b" ", b"\t", b"\r", b"\n")
# The pull request body lists at most this many entries per section (GitHub caps a body at 65,536 characters).
PR_LISTED = 100
PR_TITLE_CHARS = 200


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "sync", help="copy the upstream share list into the mirror (docs/share/index.md)",
        description="Fetch upstream's README (default: extra.llminfra.upstream.readme_url in mkdocs.yml) and make "
                    "the files sync owns agree with it: the mirror (byte for byte), data/upstream.yml, "
                    "data/arrivals.yml and, measuring new remote audio clips, data/audio.yml. Each is written "
                    "only when it differs, so an interrupted sync is finished by the next one. Prints the entries "
                    "added, removed and changed, or 'no change'; problems go to stderr.",
        codes=((EXIT_OK, "the files sync owns agree with upstream's file (changed or not)"),
               (EXIT_FETCH_FAILED, "the fetch failed (network error, timeout, cap, HTTP error) or a file could "
                                   "not be written; run sync again"),
               (EXIT_NOT_A_SHARE_LIST, "usage error, a bad mkdocs.yml, or content that is not a share list "
                                       "(no file changes)")))
    parser.add_argument("--from", dest="location", help="URL (http, https, file) or local path to read instead")
    parser.add_argument("--commit", help="upstream commit the file is from (recorded in data/upstream.yml)")
    parser.add_argument("--committed",
                        help="upstream's date and time of that commit, ISO 8601 with its UTC offset "
                             "(e.g. 2025-11-06T23:50:49+08:00): the arrival time of the entries new to "
                             "data/arrivals.yml; without it, this machine's clock")
    parser.add_argument("--timeout", type=seconds,
                        help=f"seconds to wait for a connection or for the next bytes (default: "
                             f"{SYNC_LIMITS.timeout:g} for the share list, {AUDIO_LIMITS.timeout:g} per audio clip)")
    parser.add_argument("--attempts", type=attempts,
                        help="tries per download on connection errors, timeouts, truncated bodies, 429 and 5xx "
                             f"(default: {SYNC_LIMITS.attempts})")
    parser.add_argument("--max-seconds", type=seconds,
                        help="wall-clock cap per download, every attempt and pause included (default: "
                             f"{SYNC_LIMITS.total_seconds:g} for the share list, {AUDIO_LIMITS.total_seconds:g} "
                             "per audio clip)")
    parser.add_argument("--allow-shrink", action="store_true",
                        help=f"accept a file with fewer than {SHRINK_LIMIT:.0%}% of the mirror's entries")
    parser.add_argument("--no-audio", action="store_true",
                        help="do not measure the new remote audio clips (python -m llminfra audio does it later)")
    parser.add_argument("--pr-body", type=Path, help="also write the change as markdown here (pull request body; "
                                                     "empty when no file changed)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    layout = SiteLayout(root=root)
    options = site_options_or_report(root, "sync")
    if options is None:
        return EXIT_NOT_A_SHARE_LIST
    settings = options.upstream
    committed = arrival_time(args.committed) if args.committed is not None else None
    if args.committed is not None and committed is None:
        print(f"llminfra sync: --committed {args.committed!r} is not a date and time with its UTC offset "
              "(write it as 2025-11-06T23:50:49+08:00)", file=sys.stderr)
        return EXIT_NOT_A_SHARE_LIST
    now = dt.datetime.now(dt.timezone.utc).astimezone()  # the one place sync reads the clock
    mirror = layout.docs_path / layout.mirror_page
    relative = layout.project_path(layout.mirror_page)
    location = args.location or settings.readme_url
    shown = redact_url(location)
    try:
        fetched = fetch(location, sync_limits(args.timeout, args.attempts, args.max_seconds))
    except UpstreamError as exc:
        print(f"llminfra sync: fetch failed: {exc}; no file changed", file=sys.stderr)
        return EXIT_FETCH_FAILED
    parser = ShareListParser(mirror_of=settings.readme_url)
    try:
        new = parse_share_list(parser, relative, layout.mirror_page, fetched.data)
    except UpstreamError as exc:
        print(f"llminfra sync: {shown}: {exc}; no file changed", file=sys.stderr)
        return EXIT_NOT_A_SHARE_LIST
    old_bytes = mirror.read_bytes() if mirror.is_file() else b""
    old_entries = parser.parse(relative, layout.mirror_page, old_bytes.decode("utf-8", errors="replace")).entries
    if old_entries and len(new.entries) < len(old_entries) * SHRINK_LIMIT and not args.allow_shrink:
        print(f"llminfra sync: {shown} has {len(new.entries)} entries, the mirror {len(old_entries)}: "
              f"looks like a broken file (pass --allow-shrink if upstream really removed them); "
              f"no file changed", file=sys.stderr)
        return EXIT_NOT_A_SHARE_LIST

    problems: list = []
    recorded = read_provenance(root, problems)
    ledger, ledger_problems = read_arrivals(root)
    for problem in problems + ledger_problems:
        print(f"{problem}; sync writes the file anew", file=sys.stderr)
    if ledger_problems:
        print(f"llminfra sync: arrivals lost with the bad records get this sync's time; python -m llminfra "
              f"backfill rebuilds {ARRIVALS_FILE} from upstream's history", file=sys.stderr)
    _warn_about_a_hand_edit(layout, recorded, old_bytes, fetched.data)
    when = committed or now
    arrivals = record_arrivals(ledger, new.entries, when)
    provenance = desired_provenance(recorded, settings, args.commit, args.committed, fetched.data,
                                    now.date().isoformat())
    written: list[str] = []
    for path, data in ((mirror, fetched.data),
                       (root / PROVENANCE_FILE, provenance_yaml(provenance).encode("utf-8")),
                       (root / ARRIVALS_FILE, arrivals_yaml(arrivals).encode("utf-8"))):
        try:
            if replace_if_different(path, data):
                written.append(path.relative_to(root).as_posix())
        except OSError as exc:
            print(f"llminfra sync: cannot write {path.relative_to(root).as_posix()}: {exc.strerror or exc}; "
                  "run sync again to finish", file=sys.stderr)
            return EXIT_FETCH_FAILED

    change = diff_entries(old_entries, new.entries)
    if old_bytes == fetched.data:
        print(f"llminfra sync: no change ({relative} is upstream's file, {len(new.entries)} entries)")
    else:
        print(summary_text(relative, change, len(new.entries), shown))
    if len(arrivals) > len(ledger):
        source = "upstream's commit date, --committed" if committed else "this machine's clock: no --committed given"
        print(f"arrivals: {len(arrivals) - len(ledger)} entries recorded in {ARRIVALS_FILE} as arriving "
              f"{when.isoformat()} ({source})")
    notices = [p for p in new.problems if p.severity == "notice"]
    if notices:
        print(f"{len(notices)} notice(s) in upstream's file (shown as readers expect; see python -m llminfra check)")
    if not args.no_audio and run_audio_measurement(root, settings, args):
        written.append(AUDIO_DATA)
    repaired = [name for name in written if name != relative] if old_bytes == fetched.data else []
    if repaired:
        print(f"llminfra sync: wrote {', '.join(repaired)} (they did not agree with {relative})")
    if args.pr_body is not None:
        args.pr_body.write_text(pr_body(change if old_bytes != fetched.data else None, shown, provenance, written),
                                encoding="utf-8")
    return 0


def parse_share_list(parser: ShareListParser, path: str, page: str, data: bytes):
    """The parsed share list in ``data``; raises ``UpstreamError`` when the fetch returned something else.

    Only the start decides: a share list starts with a ``# `` title in UTF-8 (after a BOM, zero-width spaces or
    blank lines). Whatever is wrong further down (a hostile entry, stray bytes) is upstream's file as it is: it
    is mirrored, rendered inert and reported as notices.
    """
    if not data.strip():
        raise UpstreamError("the file is empty")
    start = _after_leading(data)
    title = start.split(b"\n", 1)[0]
    if start[:15].lower().startswith((b"<!doctype", b"<html")):
        raise UpstreamError("this is an HTML page, not a share list")
    try:
        title.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UpstreamError(f"not UTF-8 text (byte {len(data) - len(start) + exc.start})") from None
    if not start.startswith(b"# ") or b"\x00" in title:
        raise UpstreamError("does not start with a '# ' title: this is not a share list")
    return parser.parse(path, page, data.decode("utf-8", errors="replace"))


def _after_leading(data: bytes) -> bytes:
    while True:
        for lead in _LEADING:
            if data.startswith(lead):
                data = data[len(lead):]
                break
        else:
            return data


def desired_provenance(recorded: UpstreamProvenance | None, settings: UpstreamSettings, commit: str | None,
                       committed: str | None, data: bytes, today: str) -> UpstreamProvenance:
    """What ``data/upstream.yml`` should say about ``data``.

    While upstream's file stays the same, the commit it was first synced from and the day of that sync are
    kept (a commit that did not change the file is no news); a record that has none gets the given one.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    if recorded is not None and recorded.sha256 == sha256:
        if recorded.commit or not commit:
            commit, committed = recorded.commit, recorded.committed
        today = recorded.synced or today
    return UpstreamProvenance(repository=settings.repository, readme_url=settings.readme_url, commit=commit,
                              committed=committed, synced=today, sha256=sha256, lines=line_fingerprints(data))


def _warn_about_a_hand_edit(layout: SiteLayout, recorded: UpstreamProvenance | None, old: bytes,
                            new: bytes) -> None:
    """Say where the mirror was edited by hand since the last sync: upstream's file is about to replace it."""
    if recorded is None or not recorded.sha256 or not old or old == new:
        return
    if hashlib.sha256(old).hexdigest() == recorded.sha256:
        return
    line = first_differing_line(old, recorded.lines)
    print(f"{layout.project_path(layout.mirror_page)}:{line}: was edited by hand since the last sync; upstream's "
          f"file replaces it (entries of your own belong in {layout.project_path(layout.contributed_page)}; "
          "those the edit added are listed as removed below)", file=sys.stderr)


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


def pr_body(change: UpstreamChange | None, origin: str, provenance: UpstreamProvenance, written: list[str]) -> str:
    """The pull request's markdown: empty when no file changed.

    Upstream's titles are hostile input shown on GitHub: each is a code span, which GitHub renders as typed (no
    HTML, Markdown, @mention, issue reference or autolink); the only links are entries' own http(s) URLs.
    """
    if not written:
        return ""
    commit = f"，提交 {inert(provenance.short_commit)}" if provenance.commit else ""
    lines = [f"上游好文列表有更新（{inert(origin)}{commit}）。", ""]
    if change is None:
        lines += ["镜像文件没有变化；sync 补写了与它不一致的文件。", ""]
    else:
        lines += _pr_section(f"新增 {len(change.added)} 篇", [_pr_item(e) for e in change.added])
        lines += _pr_section(f"上游删除 {len(change.removed)} 篇", [_pr_item(e) for e in change.removed])
        lines += _pr_section(f"上游修改 {len(change.changed)} 篇",
                             [f"{_pr_item(after)}（{'、'.join(_what_changed(before, after))}）"
                              for before, after in change.changed])
        if not change.entries_changed:
            lines += ["条目没有变化，只有条目以外的文字有改动。", ""]
    lines.append("由 `python -m llminfra sync` 生成；sync 写了：" + "、".join(f"`{name}`" for name in written) + "。")
    return "\n".join(lines) + "\n"


def _pr_section(heading: str, items: list[str]) -> list[str]:
    if not items:
        return []
    more = [f"- ……另外 {len(items) - PR_LISTED} 篇见 sync 的输出"] if len(items) > PR_LISTED else []
    return [f"### {heading}", "", *[f"- {item}" for item in items[:PR_LISTED]], *more, ""]


def _pr_item(entry: EntrySummary) -> str:
    item = f"{entry.month or '（无月份）'} {inert(entry.title)}"
    if entry.link and is_safe_outbound(entry.link):
        # encode_once leaves no space, '<' or '>' in it: the link cannot end early or open a tag.
        item += f" [原文](<{encode_once(entry.link.strip())}>)"
    return item


def inert(text: str) -> str:
    """``text`` as a Markdown code span: shown as typed on GitHub, whatever it holds."""
    text = " ".join(text.split())[:PR_TITLE_CHARS]
    if not text:
        return "（空）"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def run_audio_measurement(root: Path, upstream: UpstreamSettings, args: argparse.Namespace) -> bool:
    """Measure the remote audio clips the new file names (``python -m llminfra audio``); whether data/audio.yml
    changed. The command line's download limits apply to each clip."""
    limits = sync_limits(args.timeout, args.attempts, args.max_seconds, base=AUDIO_LIMITS)
    path = root / AUDIO_DATA
    before = path.read_bytes() if path.is_file() else None
    try:
        report = measure_remote_audio(root, upstream=upstream, limits=limits)
    except ValueError as exc:
        print(f"llminfra sync: audio not measured: {exc}", file=sys.stderr)
        return False
    print_failures(report)
    print(f"audio: {len(report.measured)} measured, {len(report.changed)} changed, {len(report.failed)} failed")
    return (path.read_bytes() if path.is_file() else None) != before
