"""``data/upstream.yml``: what the mirror was last synced from, as ``llminfra sync`` recorded it (read by the build)."""

from __future__ import annotations

from pathlib import Path

from llminfra.domain.problems import SourceProblem
from llminfra.domain.upstream import UpstreamProvenance
from llminfra.sources.project_links import project_file
from llminfra.sources.yaml_text import read_yaml

PROVENANCE_FILE = "data/upstream.yml"
PROVENANCE_FIELDS = ("repository", "readme_url", "commit", "committed", "synced", "sha256", "lines")


def read_provenance(root: Path, problems: list[SourceProblem] | None = None) -> UpstreamProvenance | None:
    """``data/upstream.yml`` as sync wrote it; None when the project was never synced."""
    path = project_file(root, PROVENANCE_FILE)
    if path is None:
        return None
    found: list[SourceProblem] = []
    try:
        parsed = read_yaml(path.read_text(encoding="utf-8"), PROVENANCE_FILE)
    except (OSError, UnicodeDecodeError) as exc:
        found.append(SourceProblem(PROVENANCE_FILE, 1, f"cannot read it: {exc}", "run python -m llminfra sync to "
                                                                                   "rewrite it"))
        data = None
    else:
        found += parsed.problems
        data = parsed.value
        if parsed.ok and (not isinstance(data, dict) or not data.get("repository") or not data.get("readme_url")):
            found.append(SourceProblem(PROVENANCE_FILE, 1, "is not a mapping with repository and readme_url",
                                       "run python -m llminfra sync to rewrite it"))
    if found:
        if problems is not None:
            problems.extend(found)
        return None
    return UpstreamProvenance(**{name: (str(data[name]) if data.get(name) is not None else None)
                                 for name in PROVENANCE_FIELDS})
