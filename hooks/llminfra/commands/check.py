"""``check``: validate every source without building the site.

Runs the same parsers and catalog as the build, so it reports the same
``path:line: message (hint)`` problems; errors fail ``mkdocs build --strict``
and make this command exit 1, notices are printed and do not fail.
``--format github`` prints GitHub Actions workflow commands instead, which
annotate the lines of a pull request's diff.
"""

from __future__ import annotations

import argparse
import time

from llminfra.domain.layout import SiteLayout
from llminfra.domain.problems import SourceProblem
from llminfra.domain.site_plan import plan_site
from llminfra.sources.loading import build_catalog

EXIT_ERRORS = 1
EXIT_NO_PROJECT = 2
ANNOTATION_TITLE = "llminfra check"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="validate the sources (fast, no MkDocs build)",
        description="Parse every share list, the series index, the notes and the taxonomy with the build's rules. "
                    "Exit 0 without errors, 1 with errors; notices never fail.")
    parser.add_argument("--format", choices=("text", "github"), default="text",
                        help="text (default) or GitHub Actions annotations")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    layout = SiteLayout(root=args.root.resolve())
    if not layout.docs_path.is_dir():
        print(f"llminfra check: no {layout.docs_dir}/ folder under {layout.root} (run it from the project root "
              "or pass --root)")
        return EXIT_NO_PROJECT
    catalog = build_catalog(layout)
    problems = list(catalog.problems) + generated_page_conflicts(layout, catalog)
    formatter = github_annotation if args.format == "github" else text_line
    for problem in problems:
        print(formatter(problem))
    errors = sum(1 for p in problems if p.severity == "error")
    notices = len(problems) - errors
    print(f"llminfra check: {errors} error(s), {notices} notice(s); {len(catalog.entries)} entries in "
          f"{len(catalog.sources)} sources ({time.perf_counter() - started:.2f}s)")
    return EXIT_ERRORS if errors else 0


def text_line(problem: SourceProblem) -> str:
    """Errors exactly as the build logs them; notices marked as such."""
    if problem.severity == "error":
        return str(problem)
    text = f"{problem.path}:{problem.line}: notice: {problem.message}"
    return text + (f" ({problem.hint})" if problem.hint else "")


def github_annotation(problem: SourceProblem) -> str:
    """A workflow command: ``::error file=…,line=…,title=…::message (hint)``."""
    command = "error" if problem.severity == "error" else "notice"
    message = problem.message + (f" ({problem.hint})" if problem.hint else "")
    properties = ",".join(f"{key}={_escape_property(value)}" for key, value in
                          (("file", problem.path), ("line", str(problem.line)), ("title", ANNOTATION_TITLE)))
    return f"::{command} {properties}::{_escape_data(message)}"


def generated_page_conflicts(layout: SiteLayout, catalog) -> list[SourceProblem]:
    """Files in docs/ at the paths of generated pages: the build replaces them and warns."""
    return [SourceProblem(layout.project_path(page), 1, "this page is generated at build time",
                          f"remove the file from {layout.docs_dir}/")
            for page in (planned.src_uri for planned in plan_site(catalog, layout).pages)
            if (layout.docs_path / page).is_file()]



# GitHub's escaping rules for workflow commands (actions/toolkit, command.ts).
def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
