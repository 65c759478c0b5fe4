"""``backfill --from DIR_OR_CLONE``: build the arrival ledger (``data/arrivals.yml``) from upstream's history.

Sync records when each entry it has not seen before arrives; entries upstream listed before the ledger existed
get their time here: every version of upstream's file is replayed and each entry keeps the earliest commit time
it appears in (removed and added again, it keeps the first). A time the ledger already holds stays unless the
history shows the entry earlier, and entries the history does not show are kept, so running it again, or after
a sync, changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from llminfra.authoring.arrivals_file import write_arrivals
from llminfra.authoring.upstream_fetch import UpstreamError
from llminfra.authoring.upstream_history import INDEX, HistoryError, read_history
from llminfra.commands.conventions import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command_parser, site_options_or_report
from llminfra.commands.sync import parse_share_list
from llminfra.domain.arrivals import replay_arrivals
from llminfra.domain.layout import SiteLayout
from llminfra.sources.arrivals import ARRIVALS_FILE, read_arrivals
from llminfra.sources.sharelist import ShareListParser


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "backfill", help=f"build {ARRIVALS_FILE} from upstream's history (no network)",
        description=f"Replay every version of upstream's share list and record in {ARRIVALS_FILE} the earliest "
                    "commit time each entry appears in (the commit's own UTC offset). --from is a folder of saved "
                    f"versions with an {INDEX} (tab-separated columns index, commit, committed) or a git clone of "
                    "upstream (git log --first-parent -- README.md). Times already recorded stay unless the "
                    "history shows an entry earlier; running it again changes nothing.",
        codes=((EXIT_OK, f"{ARRIVALS_FILE} holds the history's arrivals (changed or not)"),
               (EXIT_PROBLEMS, "the history could not be read (a bad index.tsv, a git failure); no file changed"),
               (EXIT_USAGE, "usage error, a bad mkdocs.yml, or --from is neither a folder with an index.tsv nor "
                            "a git clone")))
    parser.add_argument("--from", dest="location", type=Path, required=True,
                        help=f"a folder of upstream's versions with an {INDEX}, or a git clone of upstream")
    parser.add_argument("--path", default="README.md",
                        help="the share list's path in the clone (default: %(default)s)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    layout = SiteLayout(root=root)
    options = site_options_or_report(root, "backfill")
    if options is None:
        return EXIT_USAGE
    settings = options.upstream
    ledger, problems = read_arrivals(root)
    for problem in problems:
        print(f"{problem}; backfill writes the file anew", file=sys.stderr)
    try:
        history = read_history(args.location, args.path)
    except HistoryError as exc:
        print(f"llminfra backfill: {exc}", file=sys.stderr)
        return EXIT_USAGE
    parser = ShareListParser(mirror_of=settings.readme_url)
    relative = layout.project_path(layout.mirror_page)
    counts = Counter()

    def versions():
        for version in history:
            if version.data is None:
                continue  # the file was deleted in that commit
            try:
                parsed = parse_share_list(parser, relative, layout.mirror_page, version.data)
            except UpstreamError as exc:
                print(f"llminfra backfill: {version.label}: {exc}; skipped", file=sys.stderr)
                counts["skipped"] += 1
                continue
            counts["versions"] += 1
            yield version.committed, parsed.entries

    try:
        arrivals = replay_arrivals(ledger, versions())
    except HistoryError as exc:
        print(f"llminfra backfill: {exc}; no file changed", file=sys.stderr)
        return EXIT_PROBLEMS
    changed = write_arrivals(root / ARRIVALS_FILE, arrivals)
    new = sum(1 for key in arrivals if key not in ledger)
    earlier = sum(1 for key in arrivals if key in ledger and arrivals[key] != ledger[key])
    days = Counter(when.date().isoformat() for when in arrivals.values())
    print(f"llminfra backfill: {ARRIVALS_FILE} {'written' if changed else 'unchanged'}: {len(arrivals)} entries "
          f"from {counts['versions']} versions of {args.path}"
          + (f" ({counts['skipped']} skipped)" if counts["skipped"] else "")
          + f"; {new} new, {earlier} given an earlier time")
    print("by day: " + ", ".join(f"{day} {count}" for day, count in sorted(days.items())))
    return EXIT_OK
