"""``audio [--refresh]``: measure the remote audio clips into data/audio.yml.

The build never downloads; this command does, once per clip: size, duration
and type go into ``data/audio.yml`` (commit it), so players and the podcast
can tell a 2-minute summary from a 20-minute one before anyone presses play.
``--refresh`` re-checks every known clip and re-measures the ones that changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time

from llminfra.authoring.remote_audio import AUDIO_LIMITS, measure_remote_audio
from llminfra.commands.conventions import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    attempts,
    command_parser,
    seconds,
    site_options_or_report,
)
from llminfra.domain.links import redact_url
from llminfra.sources.audio_metadata import AUDIO_DATA

EXIT_FAILED = EXIT_PROBLEMS
EXIT_NO_PROJECT = EXIT_USAGE


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "audio", help=f"measure remote audio clips into {AUDIO_DATA} (network)",
        description=f"Download every remote audio clip not yet in {AUDIO_DATA}, measure its size, duration and "
                    "type with mutagen and record them with its ETag, Last-Modified and SHA-256. Results go to "
                    "stdout, clips that could not be measured to stderr.",
        codes=((EXIT_OK, "every clip measured or already known"),
               (EXIT_FAILED, "some clips could not be measured (each named with file:line on stderr)"),
               (EXIT_NO_PROJECT, "usage error, no docs/ folder at --root, or a broken mkdocs.yml or data file")))
    parser.add_argument("--refresh", action="store_true",
                        help="also re-check known clips (conditional request, then SHA-256); re-measure changed ones")
    parser.add_argument("--max-mb", type=float, default=AUDIO_LIMITS.max_bytes / 1024 / 1024,
                        help="refuse a clip larger than this many MB (default: %(default)g)")
    add_download_options(parser, AUDIO_LIMITS, "per clip")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    root = args.root.resolve()
    if not (root / "docs").is_dir():
        print(f"llminfra audio: no docs/ folder under {root} (run it from the project root or pass --root)",
              file=sys.stderr)
        return EXIT_NO_PROJECT
    limits = dataclasses.replace(AUDIO_LIMITS, max_bytes=int(args.max_mb * 1024 * 1024), timeout=args.timeout,
                                 attempts=args.attempts, total_seconds=args.max_seconds)
    options = site_options_or_report(root, "audio")
    if options is None:
        return EXIT_NO_PROJECT
    try:
        report = measure_remote_audio(root, refresh=args.refresh, limits=limits, upstream=options.upstream)
    except ValueError as exc:
        print(f"llminfra audio: {exc}", file=sys.stderr)
        return EXIT_NO_PROJECT
    for url in report.measured:
        print(f"measured: {redact_url(url)}")
    for url in report.changed:
        print(f"changed, measured again: {redact_url(url)}")
    print_failures(report)
    for url in report.unused:
        print(f"notice: {AUDIO_DATA} has a record no source uses: {redact_url(url)}", file=sys.stderr)
    print(f"llminfra audio: {len(report.measured)} measured, {len(report.changed)} changed, "
          f"{len(report.unchanged)} unchanged, {len(report.known)} already known, {len(report.failed)} failed; "
          f"{report.downloaded_bytes:,} bytes downloaded ({time.perf_counter() - started:.2f}s)")
    return EXIT_FAILED if report.failed else 0


def add_download_options(parser, defaults, each: str) -> None:
    """``--timeout``, ``--attempts`` and ``--max-seconds``: the limits of every download (audio and sync)."""
    parser.add_argument("--timeout", type=seconds, default=defaults.timeout,
                        help="seconds to wait for a connection or for the next bytes (default: %(default)g)")
    parser.add_argument("--attempts", type=attempts, default=defaults.attempts,
                        help=f"tries {each} on connection errors, timeouts, truncated bodies, 429 and 5xx "
                             "(default: %(default)d)")
    parser.add_argument("--max-seconds", type=seconds, default=defaults.total_seconds,
                        help=f"wall-clock cap {each}: connecting, every attempt and every pause included "
                             "(default: %(default)g)")


def print_failures(report) -> None:
    for url, where, message in report.failed:
        print(f"{where}: audio {redact_url(url)} not measured: {message}", file=sys.stderr)
