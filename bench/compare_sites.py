"""Compare two builds of the site: which files differ, and how, once the generator tag is set aside.

    python bench/compare_sites.py SITE_A SITE_B [--show 5]

Prints the files only in one build, then every file whose content differs:
HTML after normalising ``<meta name="generator">``, other text files as they
are (gzip files by their uncompressed content). Exit status 0 when the two
builds are the same after normalisation, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import re
import sys
from pathlib import Path

GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')


def normalise(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.suffix == ".html":
        data = GENERATOR.sub('<meta name="generator" content="…">', data.decode("utf-8")).encode("utf-8")
    return data


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def first_difference(a: bytes, b: bytes, context: int = 3) -> str:
    lines_a = a.decode("utf-8", errors="replace").splitlines()
    lines_b = b.decode("utf-8", errors="replace").splitlines()
    diff = list(difflib.unified_diff(lines_a, lines_b, lineterm="", n=context))
    return "\n".join(line[:200] for line in diff[2:2 + 4 * context + 4])


def compare(site_a: Path, site_b: Path, show: int) -> int:
    in_a, in_b = files(site_a), files(site_b)
    only_a, only_b = sorted(in_a - in_b), sorted(in_b - in_a)
    differing = [name for name in sorted(in_a & in_b) if normalise(site_a / name) != normalise(site_b / name)]
    html = [name for name in differing if name.endswith(".html")]
    print(f"{site_a}: {len(in_a)} files; {site_b}: {len(in_b)} files")
    print(f"only in the first: {len(only_a)} {only_a[:10]}")
    print(f"only in the second: {len(only_b)} {only_b[:10]}")
    print(f"HTML files differing after normalising the generator tag: {len(html)} of "
          f"{sum(1 for n in in_a & in_b if n.endswith('.html'))}")
    print(f"other files differing: {len(differing) - len(html)} {[n for n in differing if n not in html][:10]}")
    generator_a = _generator(site_a)
    generator_b = _generator(site_b)
    print(f"generator tags: {generator_a!r} / {generator_b!r}")
    for name in differing[:show]:
        print(f"--- {name}")
        print(first_difference(normalise(site_a / name), normalise(site_b / name)))
    return 0 if not (only_a or only_b or differing) else 1


def _generator(site: Path) -> str | None:
    index = site / "index.html"
    match = GENERATOR.search(index.read_text(encoding="utf-8")) if index.is_file() else None
    return match.group(0) if match else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site_a", type=Path)
    parser.add_argument("site_b", type=Path)
    parser.add_argument("--show", type=int, default=5, help="differences to print (default 5)")
    args = parser.parse_args(argv)
    return compare(args.site_a, args.site_b, args.show)


if __name__ == "__main__":
    sys.exit(main())
