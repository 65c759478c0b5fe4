"""CI/CD and contributor tooling: GitHub workflows, pre-commit, lint."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.y*ml"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
# The README's commands: CI runs exactly these, so there is one source of truth.
CHECK, TEST, BUILD = "python -m llminfra check", "bash scripts/test", "mkdocs build --strict"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.fixture(scope="module")
def site() -> dict:
    return load(ROOT / ".github/workflows/site.yml")


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def step_index(job: dict, predicate) -> int:
    return next(i for i, step in enumerate(job["steps"]) if predicate(step))


def runs(job: dict) -> list[str]:
    return [s["run"] for s in job["steps"] if "run" in s]


def test_there_are_workflows():
    assert WORKFLOWS and (ROOT / ".github/workflows/site.yml") in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow):
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             str(workflow)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_released_versions(workflow):
    data = load(workflow)
    uses = [step["uses"] for job in data["jobs"].values() for step in job.get("steps", []) if "uses" in step]
    assert uses
    for action in uses:
        assert PINNED.match(action), f"{action} is not pinned to a release tag or commit"
        assert not action.endswith(("@main", "@master", "@latest"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_read_only_except_for_the_pages_deploy_and_the_sync_pr(workflow):
    data = load(workflow)
    assert data["permissions"] == {"contents": "read"}
    for job in data["jobs"].values():
        granted = job.get("permissions", {})
        writes = {scope for scope, level in granted.items() if level == "write"}
        if writes and steps_using(job, "peter-evans/create-pull-request"):
            assert granted == {"contents": "write", "pull-requests": "write"}  # push its branch, open its PR
        elif writes:
            assert granted == {"contents": "read", "pages": "write", "id-token": "write"}
            assert steps_using(job, "actions/deploy-pages"), "only the Pages deploy job may write"


def test_runs_on_pull_requests_and_pushes_to_main(site):
    assert "pull_request" in site["on"]
    assert site["on"]["push"]["branches"] == ["main"]
    assert "cancel-in-progress" in site["concurrency"] and "github.ref" in site["concurrency"]["group"]


def test_test_job_checks_tests_builds_and_uploads_a_preview(site):
    job = site["jobs"]["test"]
    commands = runs(job)
    assert commands.count(f"{CHECK} --format github") == 1
    assert TEST in commands and BUILD in commands
    check = step_index(job, lambda s: s.get("run") == f"{CHECK} --format github")
    test = step_index(job, lambda s: s.get("run") == TEST)
    build = step_index(job, lambda s: s.get("run") == BUILD)
    upload = step_index(job, lambda s: s.get("uses", "").startswith("actions/upload-artifact@"))
    assert check < test < build < upload, "check early, upload only what passed"
    assert job["steps"][upload]["with"]["path"].rstrip("/") == "site"
    # scripts/test installs chromium with apt-get as root: a Debian container with the README's Python.
    assert job["container"]["image"].startswith("python:3.11-")


def test_deploy_needs_the_checks_and_uses_the_official_pages_actions(site):
    job = site["jobs"]["deploy"]
    assert job["needs"] == "test" or "test" in job["needs"]
    assert "pull_request" in job["if"] and "refs/heads/main" in job["if"]
    assert job["environment"]["name"] == "github-pages"
    assert job["concurrency"]["cancel-in-progress"] is False
    configure = step_index(job, lambda s: s.get("uses", "").startswith("actions/configure-pages@"))
    build = step_index(job, lambda s: s.get("run") == BUILD)
    upload = step_index(job, lambda s: s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    deploy = step_index(job, lambda s: s.get("uses", "").startswith("actions/deploy-pages@"))
    assert configure < build < upload < deploy
    pages_id = job["steps"][configure]["id"]
    assert job["steps"][build]["env"]["SITE_URL"] == f"${{{{ steps.{pages_id}.outputs.base_url }}}}"
    assert job["steps"][upload]["with"]["path"].rstrip("/") == "site"
    assert job["environment"]["url"] == f"${{{{ steps.{job['steps'][deploy]['id']}.outputs.page_url }}}}"


def test_builds_know_the_repository_and_pin_dates_to_the_last_commit(site):
    assert site["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    for job in site["jobs"].values():
        pin = step_index(job, lambda s: "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in s.get("run", ""))
        assert '>> "$GITHUB_ENV"' in job["steps"][pin]["run"]
        assert pin < step_index(job, lambda s: s.get("run") == BUILD)


@pytest.fixture(scope="module")
def sync() -> dict:
    return load(ROOT / ".github/workflows/sync.yml")


def test_sync_runs_daily_and_on_demand_and_never_on_pull_requests(sync):
    assert set(sync["on"]) == {"schedule", "workflow_dispatch"}
    assert len(sync["on"]["schedule"]) == 1 and len(sync["on"]["schedule"][0]["cron"].split()) == 5
    assert sync["concurrency"]["cancel-in-progress"] is False


def test_sync_checks_everything_before_it_opens_one_pull_request(sync):
    (job,) = sync["jobs"].values()
    opening = steps_using(job, "peter-evans/create-pull-request")
    assert len(opening) == 1 and opening[0]["uses"].endswith("@v7")
    sync_at = step_index(job, lambda s: "python -m llminfra sync" in s.get("run", ""))
    assert "--pr-body" in job["steps"][sync_at]["run"] and "--commit" in job["steps"][sync_at]["run"]
    checks = [step_index(job, lambda s, c=c: c in s.get("run", "")) for c in (CHECK, TEST, BUILD)]
    open_at = job["steps"].index(opening[0])
    assert sync_at < min(checks) and max(checks) < open_at
    # Every step after the sync runs only when it changed something; a failing sync (non-zero) stops the job.
    assert all(s.get("if") == "steps.sync.outputs.changed == 'true'" for s in job["steps"][sync_at + 1:])
    assert "continue-on-error" not in job["steps"][sync_at]
    options = opening[0]["with"]
    assert options["branch"] == "sync/upstream"  # one branch: the same pull request is updated
    assert options["body-path"].endswith("pr-body.md")
    assert options["add-paths"].split() == ["docs/share/index.md", "data/upstream.yml"]
    assert options["token"] == "${{ secrets.SYNC_TOKEN || github.token }}"  # safe default without the secret


def test_sync_reads_no_untrusted_expression_inside_shell_scripts(sync):
    (job,) = sync["jobs"].values()
    for command in runs(job):
        assert "${{" not in command, "pass values through env, not into the script text"


def test_the_docs_describe_the_sync_pull_request_and_its_token():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for text in (README, contributing):
        assert "sync.yml" in text and "SYNC_TOKEN" in text and "GITHUB_TOKEN" in text
    assert "docs/share/contributed.md" in README and "docs/share/contributed.md" in contributing


def test_workflows_run_the_readme_commands_and_nothing_else_for_tests():
    for command in (CHECK, TEST, BUILD):
        assert command in README
    for workflow in WORKFLOWS:
        for job in load(workflow)["jobs"].values():
            for command in runs(job):
                assert "pytest" not in command, "tests run through scripts/test, as the README says"


# -- pre-commit and lint ------------------------------------------------------


@pytest.fixture(scope="module")
def pre_commit() -> dict:
    return yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def hooks(config: dict) -> dict[str, dict]:
    return {hook["id"]: {**hook, "rev": repo.get("rev")} for repo in config["repos"] for hook in repo["hooks"]}


def test_pre_commit_runs_the_source_check_on_content_changes(pre_commit):
    check = hooks(pre_commit)["llminfra-check"]
    assert check["entry"] == CHECK and check["language"] == "system" and check["pass_filenames"] is False
    files = re.compile(check["files"])
    assert files.search("docs/share/index.md") and files.search("data/taxonomy.yml")
    assert not files.search("hooks/llminfra/catalog.py")


def test_pre_commit_leaves_the_upstream_share_lists_byte_identical(pre_commit):
    found = hooks(pre_commit)
    for fixer in ("end-of-file-fixer", "trailing-whitespace"):
        exclude = re.compile(found[fixer]["exclude"])
        assert exclude.search("docs/share/index.md") and not exclude.search("docs/notes/2026-06-22-jay.md")
    assert "check-yaml" in found and "ruff-check" in found
    for hook in found.values():
        assert hook["rev"] is None or re.fullmatch(r"v\d+\.\d+\.\d+", hook["rev"])


def test_pre_commit_ruff_matches_the_pinned_test_dependency(pre_commit):
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pinned = re.search(r'"ruff>=(\d+\.\d+),<', pyproject).group(1)
    assert hooks(pre_commit)["ruff-check"]["rev"].startswith(f"v{pinned}.")


CONTRIBUTOR_TOOLING = [
    "hooks/llminfra/commands/check.py", "hooks/llminfra/commands/add.py", "hooks/llminfra/commands/tags.py",
    "hooks/llminfra/authoring/sharelist_writer.py", "tests/test_cli.py", "tests/test_workflows.py",
    "tests/test_reproducible.py", "tests/test_edit_links.py",
]


def test_contributor_tooling_passes_ruff():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *CONTRIBUTOR_TOOLING],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
