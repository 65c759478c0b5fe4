"""What every command shares: exit codes and how ``--help`` documents them.

Results go to stdout and diagnostics (problems, errors, warnings) to stderr,
so ``llminfra tags --format json > tags.json`` stays clean; the exception is
``check --format github``, whose annotations GitHub Actions reads from stdout.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from llminfra.domain.site_options import SiteOptions

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the command ran and found errors (in the sources or mkdocs.yml)
EXIT_USAGE = 2  # bad arguments or input, or no project at --root; argparse also exits 2 on usage errors


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of the exit-code epilog."""


def exit_codes(*codes: tuple[int, str]) -> str:
    """An ``--help`` epilog listing the command's exit codes."""
    return "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in codes)


def command_parser(subparsers, name: str, *, help: str, description: str, codes: tuple[tuple[int, str], ...]):
    """A subcommand's parser with the shared help layout and its exit codes in the epilog."""
    return subparsers.add_parser(name, help=help, description=description, epilog=exit_codes(*codes),
                                 formatter_class=HelpFormatter)
EXIT_INTERRUPTED = 130  # what shells report for a program ended by Ctrl-C (128 + SIGINT)


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above 0 (no NaN, no infinity)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds above 0, got {text!r}")
    return value


def attempts(text: str) -> int:
    """An argparse type: a whole number of tries, 1 to 100."""
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 100, got {text!r}")
    return int(text)


def site_options_or_report(root: Path, command: str) -> SiteOptions | None:
    """The project's site options (``extra.llminfra``); None after saying on stderr what is wrong with mkdocs.yml."""
    # Imported here: MkDocs' config loader brings Jinja, which ``check`` (importing this module) must not load.
    from llminfra.mkdocs_adapter.site_config import ProjectConfigError, project_options

    try:
        return project_options(root)
    except ProjectConfigError as error:
        print(f"llminfra {command}: mkdocs.yml: {error}", file=sys.stderr)
        return None
