"""``check``: validate every source without building the site.

Runs the same parsers and catalog as the build, so it reports the same
``path:line: message (hint)`` problems; errors fail ``mkdocs build --strict``
and make this command exit 1, notices are printed and do not fail.
Problems go to stderr and the summary line to stdout. ``--format github``
prints GitHub Actions workflow commands instead, which annotate the lines of
a pull request's diff; they go to stdout, where the runner reads them.
``--summary FILE`` also appends the result as markdown (a table of the
problems) to FILE: CI passes ``$GITHUB_STEP_SUMMARY``, the job's summary page.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from llminfra.commands.conventions import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command_parser
from llminfra.domain.layout import SiteLayout
from llminfra.domain.problems import SourceProblem
from llminfra.domain.site_options import SiteOptions
from llminfra.domain.site_plan import plan_site
from llminfra.sources.loading import build_catalog

CONFIG_FILE = "mkdocs.yml"
EXIT_ERRORS = EXIT_PROBLEMS
EXIT_NO_PROJECT = EXIT_USAGE
ANNOTATION_TITLE = "llminfra check"


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "check", help="validate the sources and mkdocs.yml (fast, no MkDocs build)",
        description="Parse every share list, the series index, the notes and the taxonomy with the build's rules, "
                    "and validate mkdocs.yml (the extra.llminfra options block included). Problems go to stderr, "
                    "the summary to stdout; notices never fail.",
        codes=((EXIT_OK, "no errors (notices may be printed)"),
               (EXIT_ERRORS, "errors in the sources, data/taxonomy.yml or mkdocs.yml"),
               (EXIT_NO_PROJECT, "usage error, or no docs/ folder at --root")))
    parser.add_argument("--format", choices=("text", "github"), default="text",
                        help="text (default; problems on stderr) or GitHub Actions annotations (on stdout, where "
                             "the runner reads workflow commands)")
    parser.add_argument("--summary", type=Path, metavar="FILE",
                        help="also append the result as markdown, a table of the problems, to FILE (CI: "
                             "$GITHUB_STEP_SUMMARY, the job's summary page)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    layout = SiteLayout(root=args.root.resolve())
    if not layout.docs_path.is_dir():
        print(f"llminfra check: no {layout.docs_dir}/ folder under {layout.root} (run it from the project root "
              "or pass --root)", file=sys.stderr)
        return EXIT_NO_PROJECT
    config_problems, options = config_errors(layout.root / CONFIG_FILE)
    catalog = build_catalog(layout, upstream=options.upstream)
    problems = (config_problems + list(catalog.problems)
                + generated_page_conflicts(layout, catalog))
    formatter, stream = (github_annotation, sys.stdout) if args.format == "github" else (text_line, sys.stderr)
    for problem in problems:
        print(formatter(problem), file=stream)
    errors = sum(1 for p in problems if p.severity == "error")
    notices = len(problems) - errors
    print(f"llminfra check: {errors} error(s), {notices} notice(s); {len(catalog.entries)} entries in "
          f"{len(catalog.sources)} sources ({time.perf_counter() - started:.2f}s)")
    if args.summary is not None:
        with args.summary.open("a", encoding="utf-8") as summary:
            summary.write(markdown_summary(problems, len(catalog.entries), len(catalog.sources)))
    return EXIT_ERRORS if errors else 0


def config_errors(config_file: Path) -> tuple[list[SourceProblem], SiteOptions]:
    """mkdocs.yml's problems, as MkDocs and the site's options block see them; none without a mkdocs.yml.

    Without one there is nothing to build, but the sources can still be checked (with the default options,
    as with a bad one). Also returns the options.
    """
    if not config_file.is_file():
        return [], SiteOptions()
    # Imported here: MkDocs' config machinery is needed only when there is a config to read.
    from llminfra.mkdocs_adapter.site_config import ProjectConfigError, load_project_config

    try:
        return [], load_project_config(config_file)[1]
    except ProjectConfigError as error:
        return [SourceProblem(config_file.name, 0, problem) for problem in error.problems], SiteOptions()


def text_line(problem: SourceProblem) -> str:
    """Errors exactly as the build logs them; notices marked as such. Line 0: the file as a whole."""
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    if problem.severity == "error":
        return f"{where}: {problem.message}" + (f" ({problem.hint})" if problem.hint else "")
    text = f"{where}: notice: {problem.message}"
    return text + (f" ({problem.hint})" if problem.hint else "")


def github_annotation(problem: SourceProblem) -> str:
    """A workflow command: ``::error file=…,line=…,title=…::message (hint)``."""
    command = "error" if problem.severity == "error" else "notice"
    message = problem.message + (f" ({problem.hint})" if problem.hint else "")
    properties = ",".join(f"{key}={_escape_property(value)}" for key, value in
                          (("file", problem.path), ("line", str(problem.line)), ("title", ANNOTATION_TITLE))
                          if key != "line" or problem.line)
    return f"::{command} {properties}::{_escape_data(message)}"


SUMMARY_ROWS = 200  # a job summary holds at most 1 MiB; the rest are in the log and the annotations


def markdown_summary(problems: list[SourceProblem], entries: int, sources: int) -> str:
    """The result as markdown for a job summary: a heading with the counts, then a table of the problems,
    errors first, each cell escaped so that no text from a source can break the table or become markup."""
    errors = [p for p in problems if p.severity == "error"]
    notices = [p for p in problems if p.severity != "error"]
    verdict = "❌" if errors else "✅"
    lines = [f"### {verdict} llminfra check: {len(errors)} error(s), {len(notices)} notice(s)", "",
             f"{entries} entries in {sources} sources.", ""]
    if problems:
        lines += ["| Severity | Where | Problem | How to fix |", "| --- | --- | --- | --- |"]
        shown = (errors + notices)[:SUMMARY_ROWS]
        for problem in shown:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            kind = "error" if problem.severity == "error" else "notice"
            lines.append(f"| {kind} | {_markdown_cell(where, code=True)} | {_markdown_cell(problem.message)} | "
                         f"{_markdown_cell(problem.hint or '')} |")
        if len(problems) > len(shown):
            lines += ["", f"… and {len(problems) - len(shown)} more (see the log)."]
        lines.append("")
    return "\n".join(lines) + "\n"


def _markdown_cell(text: str, code: bool = False) -> str:
    """``text`` as the content of one table cell: one line, no pipe that ends the cell, no HTML."""
    text = " ".join(text.split())
    if not code:  # markdown's own punctuation first: the entities below bring their own '&', '#' and ';'
        text = "".join(f"\\{c}" if c in "\\`*_[]~" else c for c in text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "&#124;")
    return (f"<code>{text}</code>" if text else "") if code else text


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
