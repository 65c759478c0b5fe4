"""``add``: put a new article into a share list, the way the upstream collector does, dated.

Right under the heading goes the entry's date line: the day it was added (today, or ``--date``; the only date
this project takes from a clock, never at build time) and, with ``--tags``, its explicit tags, each of which must
be in the taxonomy (written by its id). Without ``--tags`` the entry gets its tags from the taxonomy keywords in
its title and summary, and the command says which.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from llminfra.authoring.sharelist_writer import NewShareEntry, ShareEntryError, add_entry, parse_day, write_text
from llminfra.commands.conventions import EXIT_OK, EXIT_USAGE, command_parser
from llminfra.domain.layout import SiteLayout
from llminfra.domain.links import canonical_url
from llminfra.domain.tagging import KeywordTagger
from llminfra.sources.loading import read_taxonomy
from llminfra.sources.sharelist import ShareListParser

DEFAULT_FILE = "docs/share/contributed.md"  # SiteLayout.contributed_page; the mirror is upstream's
NEW_LIST_HEAD = "# 读者补充的好文\n\n本页收录上游列表之外、由本站贡献者补充的文章（`python -m llminfra add` 写入）。\n"
EXIT_INVALID = EXIT_USAGE
NO_TAGS = "(none: the entry is listed under 未分类; see python -m llminfra tags)"


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "add", help="add an article to a share list (upstream format)",
        description="Insert a new entry at the top of its month in a share list, creating the month heading if "
                    "needed. Only new lines are written; the rest of the file stays byte for byte. Adding an "
                    "article that is already listed (same canonical link) changes nothing. What was done goes to "
                    "stdout, errors to stderr.",
        codes=((EXIT_OK, "added, already listed (nothing changed), or shown with --dry-run"),
               (EXIT_INVALID, "usage error or invalid entry, tags, month or file; nothing was written")))
    parser.add_argument("--title", required=True, help="the article's title")
    parser.add_argument("--link", required=True, help="the article's http(s) URL")
    summary = parser.add_mutually_exclusive_group()
    summary.add_argument("--summary", help="the summary (markdown); default: read from stdin")
    summary.add_argument("--summary-file", type=Path, help="read the summary from this UTF-8 file ('-' = stdin)")
    parser.add_argument("--tags", default="",
                        help="comma-separated explicit tags, each in data/taxonomy.yml (id, name or alias), "
                             "written on the entry's date line by id; default: tags from taxonomy keywords")
    parser.add_argument("--audio", help="http(s) URL of an audio summary (adds an <audio> block)")
    parser.add_argument("--date", default=None, help="the day the entry was added, YYYY-MM-DD (default: today)")
    parser.add_argument("--month", default=None, help="month heading YYYYMM (default: the month of --date)")
    parser.add_argument("--file", default=DEFAULT_FILE, help=f"share list to edit (default: {DEFAULT_FILE})")
    parser.add_argument("--dry-run", action="store_true", help="print the lines that would be added, write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    layout = SiteLayout(root=root)
    path = (root / args.file).resolve()
    keyword_tags: list[str] = []
    try:
        day = parse_day(args.date) if args.date is not None else dt.date.today()  # the one date from a clock
        tags = _explicit_tags(layout, _split_tags(args.tags))
        entry = NewShareEntry.validated(args.title, args.link, _read_summary(args), args.month, args.audio,
                                        day=day, tags=tuple(tags))
        relative, page = _locate(layout, path)
        if page == layout.mirror_page:
            raise ShareEntryError(f"{relative} mirrors the upstream share list and python -m llminfra sync replaces "
                                  f"it; add the entry to {layout.project_path(layout.contributed_page)} (the default)")
        listed = _listed_upstream(layout, entry.link)
        if listed is not None:
            print(f"{listed.source}: already listed upstream (same article link); nothing changed")
            return 0
        raw = _read(path) if path.exists() or page != layout.contributed_page else NEW_LIST_HEAD
        result = add_entry(raw, relative, page, entry)
        if not result.added:
            print(f"{relative}:{result.line}: already listed (same article link); nothing changed")
            return 0
        if not tags:
            keyword_tags = _keyword_tags(layout, result.entry)
    except ShareEntryError as exc:
        print(f"llminfra add: {exc}", file=sys.stderr)
        return EXIT_INVALID
    where = f"{entry.month.display}, dated {day.isoformat()}" + ("（新建月份标题）" if result.month_created else "")
    if args.dry_run:
        print(f"{relative}:{result.line}: would add to {where}:")
        print("\n".join(f"+ {line}" for line in result.inserted))
        return 0
    write_text(path, result.text)
    print(f"{relative}:{result.line}: added 「{entry.title}」 to {where}")
    if tags:
        print("explicit tags: " + ", ".join(f"#{tag}" for tag in tags))
    else:
        print("tags from keywords: " + (", ".join(keyword_tags) if keyword_tags else NO_TAGS))
    return 0


def _listed_upstream(layout: SiteLayout, link: str):
    """The mirror's entry for the article at ``link``, if upstream lists it already."""
    mirror = layout.docs_path / layout.mirror_page
    if not mirror.is_file():
        return None
    canonical = canonical_url(link)
    raw = mirror.read_bytes().decode("utf-8", errors="replace")
    parsed = ShareListParser(mirror_of="upstream").parse(layout.project_path(layout.mirror_page),
                                                         layout.mirror_page, raw)
    return next((e for e in parsed.entries if e.link == canonical), None)


def _read_summary(args: argparse.Namespace) -> str:
    if args.summary is not None:
        return args.summary
    if args.summary_file is not None and str(args.summary_file) != "-":
        try:
            return args.summary_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ShareEntryError(f"cannot read the summary file {args.summary_file}: {exc}") from None
    if sys.stdin is None or sys.stdin.isatty():
        raise ShareEntryError("no summary: pass --summary, --summary-file, or pipe it on stdin")
    return sys.stdin.read()


def _locate(layout: SiteLayout, path: Path) -> tuple[str, str]:
    """(project-relative path, docs-relative page) of a share list, which must live in docs/share/."""
    share_dir = (layout.docs_path / layout.share_dir).resolve()
    if path.parent != share_dir or path.suffix != ".md":
        raise ShareEntryError(f"{path} is not a share list (use a .md file directly in "
                              f"{layout.docs_dir}/{layout.share_dir}/)")
    page = f"{layout.share_dir}/{path.name}"
    return layout.project_path(page), page


def _read(path: Path) -> str:
    if not path.is_file():
        raise ShareEntryError(f"{path} does not exist (create the share list first, starting with its '# ' title)")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ShareEntryError(f"{path} is not valid UTF-8; fix it before adding entries") from None


def _split_tags(value: str) -> list[str]:
    return [tag.strip().lstrip("#") for tag in value.replace("，", ",").split(",") if tag.strip().lstrip("#")]


def _explicit_tags(layout: SiteLayout, requested: list[str]) -> list[str]:
    """The ids of the requested tags, each once, in order; raise when one is not in the taxonomy."""
    if not requested:
        return []
    taxonomy = read_taxonomy(layout)
    resolved = [taxonomy.resolve(name) for name in requested]
    unknown = [name for name, resolution in zip(requested, resolved) if not resolution.known]
    if unknown:
        raise ShareEntryError(f"tags not in {taxonomy.path}: {', '.join('#' + t for t in unknown)} "
                              "(add the tag or an alias to the taxonomy first)")
    return list(dict.fromkeys(resolution.slug for resolution in resolved))


def _keyword_tags(layout: SiteLayout, entry) -> list[str]:
    """The names of the tags the entry gets from taxonomy keywords in its title and summary."""
    taxonomy = read_taxonomy(layout)
    derived = KeywordTagger(taxonomy).tags(entry.title, entry.summary)  # as the catalog will tag it
    return [taxonomy.tags[slug].name for slug in derived]
