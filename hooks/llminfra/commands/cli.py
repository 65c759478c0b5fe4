"""Command line: ``python -m llminfra <command>`` (also installed as ``llminfra``).

Each command lives in its own module under ``llminfra.commands`` and exposes
``register(subparsers)``; this file only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

COMMANDS = ("check", "add", "tags", "export", "sync")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m llminfra", description="LLM-infra reading site tools")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current directory)")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"llminfra.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"llminfra.commands.{name}":
                continue  # command not built yet
            raise
        module.register(subparsers)
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
