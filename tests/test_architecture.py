"""The package's layers depend one way, and only the MkDocs adapter knows MkDocs.

Layers, lowest first (ARCHITECTURE.md): ``domain`` → ``sources`` → ``render`` →
``publish`` → ``authoring`` → ``mkdocs_adapter`` → ``commands``. A module may
import its own layer and the layers below it. The commands read ``mkdocs.yml``
through the adapter, as MkDocs does. Every import statement counts, those
inside functions and ``TYPE_CHECKING`` blocks too.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hooks" / "llminfra"
LAYERS = ["domain", "sources", "render", "publish", "authoring", "mkdocs_adapter", "commands"]
RANK = {name: index for index, name in enumerate(LAYERS)}
THEME_PACKAGES = ("mkdocs", "material")
ADAPTER = "mkdocs_adapter"


def layer_of_module(module: str) -> str | None:
    """``llminfra.render.x`` -> ``render``; ``llminfra.__main__`` counts as ``commands``."""
    parts = module.split(".")
    if parts[0] != "llminfra" or len(parts) < 2:
        return None
    return "commands" if parts[1] == "__main__" else parts[1]


def module_name(path: Path, package: Path = PACKAGE) -> str:
    relative = path.relative_to(package.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def violations(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        here = layer_of_module(module_name(path, package))
        where = path.relative_to(package.parent)
        if here is not None and here not in RANK:
            problems.append(f"{where}: module outside every layer ({here}); put it in one of {LAYERS}")
            continue
        for line, imported in imported_modules(path, package):
            top = imported.split(".")[0]
            if top in THEME_PACKAGES and here != ADAPTER:
                problems.append(f"{where}:{line}: imports {imported}; only llminfra.{ADAPTER} may import MkDocs")
                continue
            there = layer_of_module(imported)
            if here is None or there is None or there == here:
                continue
            if there not in RANK:
                problems.append(f"{where}:{line}: imports {imported}, which is in no layer")
            elif RANK[there] > RANK[here]:
                problems.append(f"{where}:{line}: layer {here} imports {imported} (layer {there}, above it)")
    return problems


def test_layers_depend_one_way_and_only_the_adapter_imports_mkdocs():
    assert violations() == []


def test_every_module_lives_in_a_layer():
    top_level = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()}
    assert top_level - {"__init__.py", "__main__.py"} == set(LAYERS)


def test_the_hooks_file_only_imports_the_adapter():
    hooks = PACKAGE.parent / "site_hooks.py"
    tree = ast.parse(hooks.read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("llminfra")}
    assert imported and all(name.startswith(f"llminfra.{ADAPTER}") for name in imported), imported


@pytest.mark.parametrize(("layer", "source", "expected"), [
    ("domain", "from llminfra.render.site import x\n", "layer domain imports llminfra.render.site"),
    ("domain", "def f():\n    from ..publish import feeds\n", "layer domain imports llminfra.publish"),
    ("render", "import mkdocs.plugins\n", "only llminfra.mkdocs_adapter may import MkDocs"),
    ("publish", "from material.plugins.search import plugin\n", "only llminfra.mkdocs_adapter may import MkDocs"),
    ("authoring", "from llminfra.mkdocs_adapter import events\n", "layer authoring imports llminfra.mkdocs_adapter"),
    ("mkdocs_adapter", "from llminfra.commands import cli\n", "layer mkdocs_adapter imports llminfra.commands"),
])
def test_the_rule_catches_an_upward_import(tmp_path, layer, source, expected):
    package = tmp_path / "llminfra"
    (package / layer).mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / layer / "__init__.py").write_text("")
    (package / layer / "bad.py").write_text(source)
    found = violations(package)
    assert len(found) == 1 and expected in found[0], found


def test_the_rule_allows_downward_imports(tmp_path):
    package = tmp_path / "llminfra"
    (package / "mkdocs_adapter").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "mkdocs_adapter" / "__init__.py").write_text("")
    (package / "mkdocs_adapter" / "ok.py").write_text(
        "import mkdocs\nfrom llminfra.domain import model\nfrom ..publish import feeds\n")
    assert violations(package) == []


def test_check_does_not_load_rendering_or_publishing():
    """``check`` plans the generated pages without the renderer and its libraries.

    (It parses like the build, so Markdown, which makes the plain-text excerpts, and mutagen, which measures
    local audio, are loaded: the parsers report what they find.)
    """
    code = ("import sys; import llminfra.commands.check; "
            "heavy = ('jinja2', 'feedgen', 'lxml', 'nh3', 'llminfra.render', 'llminfra.publish'); "
            "print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_cache_is_keyed_by_object_identity():
    """``id()`` keys break when an object dies and its id is reused; entries and sources have stable keys."""
    calls = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
             for path in PACKAGE.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id"]
    assert calls == []


def test_hooks_that_must_follow_the_search_plugin_say_so_with_event_priority():
    spec = importlib.util.spec_from_file_location("site_hooks_under_test", PACKAGE.parent / "site_hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    for event in ("on_config", "on_page_context", "on_post_build"):
        assert getattr(hooks, event).mkdocs_priority < 0, event  # Material's search plugin runs at 0


NETWORK_MODULES = ("requests", "urllib.request", "http.client", "socket", "urllib3")
# The build (domain, sources, render, publish, the adapter) never touches the network: downloads are
# authoring's, for the two commands that use them (sync, audio).
NETWORK_LAYERS = ("authoring", "commands")


def network_imports(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        here = layer_of_module(module_name(path, package))
        if here in NETWORK_LAYERS:
            continue
        for line, imported in imported_modules(path, package):
            if imported == "urllib" or any(imported == m or imported.startswith(m + ".") for m in NETWORK_MODULES):
                found.append(f"{path.relative_to(package.parent)}:{line}: {imported}")
    return found


def test_only_authoring_and_the_commands_can_reach_the_network(tmp_path):
    assert network_imports() == []
    package = tmp_path / "llminfra"
    (package / "sources").mkdir(parents=True)
    (package / "sources" / "fetch.py").write_text("import requests\n")
    assert network_imports(package) == ["llminfra/sources/fetch.py:1: requests"]
