"""``tags``: what the taxonomy does to the catalog, to help curate ``data/taxonomy.yml``.

Lists every tag with its entry count (taxonomy tags no entry uses count 0),
the explicit tags that are not in the taxonomy with where they occur, and
the entries that got no tag from keywords (shown under 未分类 on the site).

``--explain LINK`` prints why one entry has its tags: each tag given with its
evidence (keyword, where it was found, how often, points), the tags
considered and rejected with the reason, pastes left out and corrections.

``--evaluate LABELS`` measures the tags against a hand labelling instead
(``llminfra.domain.tag_quality``): on the project's catalog, or on the
upstream-format share lists given with ``--lists`` (each read as the mirror).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from llminfra.commands.conventions import EXIT_OK, EXIT_USAGE, command_parser, site_options_or_report
from llminfra.domain.catalog import Catalog
from llminfra.domain.layout import SiteLayout
from llminfra.domain.links import canonical_url
from llminfra.domain.model import Entry
from llminfra.domain.pastes import tag_summary
from llminfra.domain.tag_quality import TagQuality, measure
from llminfra.domain.tagging import (
    BROAD_THRESHOLD,
    MAX_KEYWORD_TAGS,
    PASSING_FACTOR,
    THRESHOLD,
    ZONE_NAMES,
    ZONE_POINTS,
    KeywordTagger,
)
from llminfra.domain.taxonomy import FALLBACK_TAG
from llminfra.sources.loading import build_catalog, read_taxonomy
from llminfra.sources.sharelist import ShareListParser
from llminfra.sources.tag_labels import read_labels


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "tags", help="tag counts, unknown tags and untagged entries",
        description="Report tag usage to help curate the taxonomy: counts per tag, explicit tags missing from "
                    "the taxonomy (and where), entries no keyword matched. The report goes to stdout; problems "
                    "in the sources are left to `check`.",
        codes=((EXIT_OK, "report written"),
               (EXIT_USAGE, "usage error, no docs/ folder at --root, no entry with the --explain link, "
                            "or an unreadable --evaluate file")))
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text table (default) or JSON")
    parser.add_argument("--explain", metavar="LINK",
                        help="why the entry with this article link has its tags: the evidence of each tag given, "
                             "the tags considered and rejected, pastes left out, corrections applied")
    parser.add_argument("--evaluate", metavar="LABELS", type=Path,
                        help="measure precision, recall, tags per entry and related reading against a hand "
                             "labelling (YAML: entries with link, about, defensible)")
    parser.add_argument("--lists", metavar="FILE", type=Path, nargs="+",
                        help="with --evaluate: measure these upstream-format share lists, each read as the mirror, "
                             "instead of the project's catalog (e.g. every version of upstream's history)")
    parser.add_argument("--details", action="store_true",
                        help="with --evaluate: list each entry's wrong and missing tags")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    layout = SiteLayout(root=args.root.resolve())
    if not layout.docs_path.is_dir():
        print(f"llminfra tags: no {layout.docs_dir}/ folder under {layout.root} (run it from the project root "
              "or pass --root)", file=sys.stderr)
        return EXIT_USAGE
    options = site_options_or_report(layout.root, "tags")
    if options is None:
        return EXIT_USAGE
    if args.evaluate is not None:
        return evaluate(args, layout, options)
    if args.explain is not None:
        return explain(args, layout, options)
    catalog = build_catalog(layout, upstream=options.upstream)
    report = tag_report(catalog)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_text(report))
    return EXIT_OK


def tag_report(catalog: Catalog) -> dict:
    rows = []
    for slug, info in catalog.taxonomy.tags.items():
        tagged = catalog.tags.get(slug)
        if tagged is None and (not info.known or slug == FALLBACK_TAG):
            continue  # unknown tags only exist through their entries; the fallback only when used
        entries = tagged.entries if tagged else []
        kinds: dict[str, int] = {}
        for entry in entries:
            kinds[entry.kind.value] = kinds.get(entry.kind.value, 0) + 1
        rows.append({"slug": slug, "name": info.name, "count": len(entries), "known": info.known,
                     "taxonomy_line": info.line or None, "kinds": kinds})
    rows.sort(key=lambda row: (-row["count"], row["slug"]))
    unknown = [{"slug": slug, "name": catalog.taxonomy.tags[slug].name, "count": len(entries),
                "occurrences": [_where(entry) for entry in entries]}
               for slug, entries in sorted(catalog.unknown_tags.items())]
    return {
        "entries": len(catalog.entries),
        "tags": rows,
        "unknown": unknown,
        "untagged": [_where(entry) for entry in catalog.untagged],
    }


def format_text(report: dict) -> str:
    out = [f"标签 tags: {len(report['tags'])} ({report['entries']} entries)", ""]
    table = [("count", "slug", "name", "share/series/note", "")]
    for row in report["tags"]:
        kinds = "/".join(str(row["kinds"].get(kind, 0)) for kind in ("share", "series", "note"))
        flag = "" if row["known"] else "未登记 not in taxonomy"
        if row["known"] and row["count"] == 0:
            flag = "未使用 unused"
        table.append((str(row["count"]), row["slug"], row["name"], kinds, flag))
    widths = [max(_width(cells[i]) for cells in table) for i in range(4)]
    for cells in table:
        line = "  ".join(_pad(cell, widths[i], right=i == 0) for i, cell in enumerate(cells[:4]))
        out.append((line + "  " + cells[4]).rstrip())
    out += ["", f"未登记的显式标签 unknown explicit tags: {len(report['unknown'])}"]
    for tag in report["unknown"]:
        places = ", ".join(f"{o['path']}:{o['line']}" for o in tag["occurrences"])
        out.append(f"  #{tag['name']} ({tag['count']}): {places}")
    out += ["", f"无关键词命中的条目 untagged entries: {len(report['untagged'])}"]
    for entry in report["untagged"]:
        out.append(f"  {entry['path']}:{entry['line']}  {entry['title']}")
    return "\n".join(out)


def _where(entry: Entry) -> dict:
    return {"path": entry.source.path, "line": entry.source.line, "title": entry.title,
            "kind": entry.kind.value, "link": entry.link}


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding


# -- --evaluate ------------------------------------------------------------------------------------


def evaluate(args: argparse.Namespace, layout: SiteLayout, options) -> int:
    try:
        text = args.evaluate.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"llminfra tags: cannot read {args.evaluate}: {error}", file=sys.stderr)
        return EXIT_USAGE
    labels, problems = read_labels(text, str(args.evaluate))
    known = read_taxonomy(layout).tags
    for gold in labels.values():
        for slug in sorted((gold.about | gold.defensible) - set(known)):
            print(f"{args.evaluate}:{gold.line}: notice: tag {slug!r} is not in {layout.taxonomy}", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not labels:
        return EXIT_USAGE
    measured: list[tuple[str, TagQuality]] = []
    pastes: dict[str, set[str]] = {}  # list -> its distinct pasted paragraphs
    if args.lists:
        for path in args.lists:
            try:
                raw = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                print(f"llminfra tags: cannot read {path}: {error}", file=sys.stderr)
                return EXIT_USAGE
            source = ShareListParser(mirror_of=options.upstream.readme_url).parse(
                str(path), layout.mirror_page, raw)
            catalog = build_catalog(layout, sources=[source], upstream=options.upstream)
            measured.append((str(path), measure(catalog.entries, labels)))
            pastes[str(path)] = {" ".join(p.paragraph.text.split()) for p in catalog.pastes}
    else:
        catalog = build_catalog(layout, upstream=options.upstream)
        name = layout.project_path(layout.mirror_page) + " …"
        measured.append((name, measure(catalog.entries, labels)))
        pastes[name] = {" ".join(p.paragraph.text.split()) for p in catalog.pastes}
    pastes["all"] = set().union(*pastes.values())
    total = TagQuality()
    for _, quality in measured:
        total.extend(quality)
    rows = [(name, quality) for name, quality in measured if quality.entries]
    if len(measured) > 1:
        rows.append(("all", total))
    if args.format == "json":
        print(json.dumps({name: {**quality_json(quality, args.details), "pastes": len(pastes.get(name, ()))}
                          for name, quality in rows}, ensure_ascii=False, indent=2))
    else:
        print(format_quality(rows, args.details, {name: len(found) for name, found in pastes.items()}))
    return EXIT_OK


def quality_json(quality: TagQuality, details: bool) -> dict:
    out = {"entries": len(quality.entries), "precision": round(quality.precision, 4),
           "recall": round(quality.recall, 4), "tags_mean": round(quality.mean_tags, 3),
           "tags_max": quality.max_tags, "related_links": quality.related_links,
           "related_sharing_about": quality.related_sharing, "related_share": round(quality.related_share, 4)}
    if details:
        out["details"] = [{"link": e.link, "title": e.title, "shown": e.shown, "wrong": e.wrong,
                           "missing": e.missing} for e in quality.entries]
    return out


def format_quality(rows: list[tuple[str, TagQuality]], details: bool, pastes: dict[str, int]) -> str:
    table = [("list", "entries", "precision", "recall", "tags/entry", "max", "related sharing an about tag",
              "pastes")]
    for name, quality in rows:
        table.append((name, str(len(quality.entries)), f"{quality.precision:.3f}", f"{quality.recall:.3f}",
                      f"{quality.mean_tags:.2f}", str(quality.max_tags),
                      f"{quality.related_share:.3f} ({quality.related_sharing}/{quality.related_links})",
                      str(pastes.get(name, 0))))
    widths = [max(_width(cells[i]) for cells in table) for i in range(len(table[0]))]
    out = ["  ".join(_pad(cell, widths[i], right=i > 0) for i, cell in enumerate(cells)).rstrip()
           for cells in table]
    if details:
        name, quality = rows[-1] if len(rows) == 1 else rows[-2]
        out += ["", f"{name}: wrong (neither about nor defensible) and missing (about, not shown) tags"]
        for entry in quality.entries:
            if entry.wrong or entry.missing:
                out.append(f"  {entry.title[:48]}")
                out.append(f"    shown {' '.join(entry.shown)}")
                if entry.wrong:
                    out.append(f"    wrong {' '.join(entry.wrong)}")
                if entry.missing:
                    out.append(f"    missing {' '.join(entry.missing)}")
    return "\n".join(out)


# -- --explain -------------------------------------------------------------------------------------


def explain(args: argparse.Namespace, layout: SiteLayout, options) -> int:
    catalog = build_catalog(layout, upstream=options.upstream)
    link = canonical_url(args.explain)
    entry = next((e for e in catalog.entries if e.link == link), None)
    if entry is None:
        print(f"llminfra tags: no entry links to {link}", file=sys.stderr)
        return EXIT_USAGE
    print(format_explanation(catalog, entry))
    return EXIT_OK


def format_explanation(catalog: Catalog, entry: Entry) -> str:
    taxonomy = catalog.taxonomy

    def name(slug: str) -> str:
        return taxonomy.tags[slug].name if slug in taxonomy.tags else slug

    out = [entry.title, f"{entry.source}  {entry.link}", ""]
    if not entry.tags_from_keywords:
        out.append("显式标签 explicit tags, as written (normalised through aliases): "
                   + " ".join(f"{slug} ({name(slug)})" for slug in entry.tags))
        return "\n".join(out)
    points = ", ".join(f"{ZONE_NAMES[zone]} {value:g}" for zone, value in ZONE_POINTS.items())
    out += [f"关键词证据 keyword evidence, points per occurrence: {points}; in passing ×{PASSING_FACTOR:g}",
            f"a topic tag from {THRESHOLD:g} points, a broad one from {BROAD_THRESHOLD:g} and named in title "
            f"or opening, or implied by a narrower tag; at most {MAX_KEYWORD_TAGS}", ""]
    tagging = KeywordTagger(taxonomy).tag(entry.title, tag_summary(entry))
    given = [d for d in tagging.decisions if d.accepted]
    rejected = [d for d in tagging.decisions if not d.accepted]
    for heading, decisions in (("给出 given", given), ("考虑后未给出 considered and rejected", rejected)):
        out.append(f"{heading}: {len(decisions)}")
        for decision in decisions:
            broad = " (broad)" if taxonomy.tags[decision.slug].broad else ""
            out.append(f"  {decision.slug} · {name(decision.slug)}{broad}: {decision.score:g} points; "
                       f"{decision.reason}")
            for evidence in decision.evidence:
                passing = ", in passing" if evidence.passing else ""
                out.append(f"      {evidence.keyword!r} in {ZONE_NAMES[evidence.zone]} ×{evidence.count}{passing}"
                           f" = {evidence.points:g}")
        out.append("")
    pastes = [p for p in catalog.pastes if p.paragraph.entry.link == entry.link]
    adopted = [p for p in catalog.pastes if p.owner is entry and p.kind == "stray"]
    for paste in pastes:
        out.append(f"粘贴 paste left out: {paste.paragraph.source.path}:{paste.paragraph.line} "
                   f"(belongs to {paste.owner.source})")
    for paste in adopted:
        out.append(f"本条目的段落 own paragraph found under {paste.paragraph.source.path}:{paste.paragraph.line}: "
                   "counted here")
    corrections = catalog.corrections
    correction = next((c for c in corrections.corrections if c.link == entry.link), None) if corrections else None
    if correction is not None:
        changes = [f"+{slug}" for slug, _ in correction.add] + [f"-{slug}" for slug, _ in correction.remove]
        out.append(f"更正 corrections at {corrections.path}:{correction.line}: " + " ".join(changes))
    out.append("显示 shown: " + " ".join(f"{slug} ({name(slug)})" for slug in entry.tags))
    return "\n".join(out)
