"""``export OUT_DIR``: every page of the site as plain markdown, buildable without the hooks.

``OUT_DIR`` becomes a docs folder: generated pages (tags, archive, notes
index, …), source pages with their rendered bodies, the home page, and copies
of every other file under ``docs/``. With ``--config FILE`` it also writes a
``mkdocs.yml`` without ``hooks:`` that builds it with plain MkDocs or Zensical,
with paths relative to it and the templates copied beside it. A ``FILE``
inside ``OUT_DIR`` makes ``OUT_DIR`` a self-contained project (pages in
``OUT_DIR/docs``)::

    python -m llminfra export build/export --config build/mkdocs.yml
    mkdocs build --strict -f build/mkdocs.yml -d build/site
    python -m llminfra export out --config out/mkdocs.yml && (cd out && zensical build)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from llminfra.commands.conventions import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command_parser
from llminfra.domain.layout import SiteLayout
from llminfra.mkdocs_adapter.site_config import ProjectConfigError, load_project_settings
from llminfra.sources.project_links import escaping_links

EXIT_BAD_CONFIG = EXIT_PROBLEMS
EXIT_NO_PROJECT = EXIT_USAGE


def register(subparsers) -> None:
    parser = command_parser(
        subparsers, "export", help="write every page as plain markdown (builds without the hooks)",
        description="Write the generated pages, the rendered source pages and every other docs/ file into OUT_DIR, "
                    "a docs folder that plain MkDocs builds into the same site. The summary goes to stdout, "
                    "errors to stderr.",
        codes=((EXIT_OK, "exported"),
               (EXIT_BAD_CONFIG, "mkdocs.yml has errors (each printed with its key), or a symbolic link leads out of "
                                 "docs/, overrides/ or data/ (each printed with its path)"),
               (EXIT_NO_PROJECT, "usage error, no mkdocs.yml at --root, or OUT_DIR would overwrite the project")))
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to (re)create")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="also write a mkdocs.yml without hooks that builds OUT_DIR")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: every command registers at start-up, and `check` should not load the renderer and feeds.
    from llminfra.publish.export import copy_templates, export_site, portable_config

    started = time.perf_counter()
    root = args.root.resolve()
    config = root / "mkdocs.yml"
    if not config.is_file():
        print(f"llminfra export: no mkdocs.yml in {root} (run it from the project root or pass --root)",
              file=sys.stderr)
        return EXIT_NO_PROJECT
    out = args.out_dir.resolve()
    if out == root or root.is_relative_to(out) or out.is_relative_to(root / "docs"):
        print(f"llminfra export: {out} would overwrite the project; choose another folder", file=sys.stderr)
        return EXIT_NO_PROJECT
    try:
        settings = load_project_settings(config)
    except ProjectConfigError as error:
        for problem in error.problems:
            print(f"{config.name}: {problem}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    # As the build: nothing behind a link out of the project's folders is read, rendered or copied.
    links = escaping_links(SiteLayout(root=root, docs_dir=settings.docs_dir))
    for link in links:
        print(f"{link.path}: {link.problem().message} ({link.problem().hint})", file=sys.stderr)
    if links:
        return EXIT_BAD_CONFIG
    config_path = args.config.resolve() if args.config else None
    # A config inside OUT_DIR makes OUT_DIR a project: the pages go to OUT_DIR/docs, beside it.
    docs_out = out / "docs" if config_path is not None and config_path.parent == out else out
    report = export_site(root, settings, docs_out)
    if config_path is not None:
        config_path.parent.mkdir(parents=True, exist_ok=True)
        text = config.read_text(encoding="utf-8")
        copy_templates(text, config_path, root)
        config_path.write_text(portable_config(text, docs_out, config_path), encoding="utf-8")
    print(f"llminfra export: {len(report.generated)} generated, {len(report.rendered)} rendered, "
          f"{len(report.copied)} copied and {len(report.feeds)} feed files in {docs_out} "
          f"({time.perf_counter() - started:.2f}s)")
    return 0
