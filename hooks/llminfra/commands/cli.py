"""Command line: ``python -m llminfra <command>`` (also installed as ``llminfra``).

Each command lives in its own module under ``llminfra.commands`` and exposes
``register(subparsers)``; this file only wires them together. Global options
(``--root``) are accepted before or after the command name.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from llminfra.commands.conventions import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    HelpFormatter,
    exit_codes,
)

COMMANDS = ("check", "add", "tags", "export", "audio", "sync", "backfill")
MODULE_PROG = "python -m llminfra"
ROOT_HELP = "project root (default: current directory)"


def invoked_name(argv0: str | None = None) -> str:
    """The name the program was started by: ``llminfra`` for the installed script, else ``python -m llminfra``."""
    name = Path(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else "")).name
    return MODULE_PROG if name in ("", "__main__.py", "-c") else name


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or invoked_name(), description="LLM-infra reading site tools", formatter_class=HelpFormatter,
        epilog=exit_codes((EXIT_OK, "success"), (EXIT_PROBLEMS, "the command found errors"),
                          (EXIT_USAGE, "usage error, bad input or no project at --root"),
                          (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"))
               + "\n\nresults go to stdout, diagnostics to stderr; see each command's --help")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help=ROOT_HELP)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"llminfra.commands.{name}").register(subparsers)
    for subparser in subparsers.choices.values():
        # SUPPRESS: absent after the command, the value given before it (or the default) stays.
        subparser.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=ROOT_HELP)
    return parser


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    name = prog or invoked_name()
    args = None
    try:
        args = build_parser(name).parse_args(argv)
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        # Ctrl-C is an answer, not a crash: one line, no traceback. Files are replaced atomically, so none is
        # left half written.
        print(f"{name}{' ' + args.command if args else ''}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
