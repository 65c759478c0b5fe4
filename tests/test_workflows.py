"""CI/CD and contributor tooling: GitHub workflows, Dependabot, scripts/test, the check's job summary, pre-commit."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_frozen_project

from llminfra.commands.check import SUMMARY_ROWS, markdown_summary
from llminfra.commands.cli import main
from llminfra.domain.problems import SourceProblem

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.y*ml"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
# The README's commands: CI runs exactly these, so there is one source of truth.
CHECK, TEST, BUILD = "python -m llminfra check", "bash scripts/test", "mkdocs build --strict"
CHECK_IN_CI = f'{CHECK} --format github --summary "$GITHUB_STEP_SUMMARY"'
# A full commit SHA, then the release it is, as Dependabot writes it: `uses: owner/repo@<sha> # v1.2.3`.
PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})"
                         r"\s+#\s+(?P<version>v\d+\.\d+\.\d+)\s*$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.fixture(scope="module")
def site() -> dict:
    return load(ROOT / ".github/workflows/site.yml")


@pytest.fixture(scope="module")
def sync() -> dict:
    return load(ROOT / ".github/workflows/sync.yml")


def action(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


def steps_using(job: dict, name: str) -> list[dict]:
    return [s for s in job["steps"] if action(s) == name]


def step_index(job: dict, predicate) -> int:
    return next(i for i, step in enumerate(job["steps"]) if predicate(step))


def step_named(job: dict, name: str) -> dict:
    return job["steps"][step_index(job, lambda s: s.get("name") == name)]


def runs(job: dict) -> list[str]:
    return [s["run"] for s in job["steps"] if "run" in s]


def all_jobs() -> list[tuple[str, str, dict]]:
    return [(workflow.name, name, job) for workflow in WORKFLOWS for name, job in load(workflow)["jobs"].items()]


def run_step(script: str, cwd: Path, env: dict[str, str], tmp_path: Path) -> tuple[subprocess.CompletedProcess,
                                                                                    dict[str, str]]:
    """Run a workflow step's script as GitHub runs it (bash -eo pipefail); returns its $GITHUB_OUTPUT values."""
    output = tmp_path / "github-output"
    output.write_text("", encoding="utf-8")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
                   "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(runner_temp), **env}
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                            env=environment, capture_output=True, text=True, timeout=120)
    values = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return result, values


def git(cwd: Path, *argv: str) -> str:
    return subprocess.run(["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org", *argv], cwd=cwd,
                          check=True, capture_output=True, text=True, timeout=60).stdout


# -- every workflow -----------------------------------------------------------


def test_there_are_workflows():
    assert WORKFLOWS and (ROOT / ".github/workflows/site.yml") in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow):
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             str(workflow)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def zizmor() -> str:
    """zizmor (test extras) beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "zizmor"
    found = str(beside) if beside.is_file() else shutil.which("zizmor")
    assert found, "zizmor comes with the test extras: pip install -e '.[test]'"
    return found


def test_zizmor_finds_nothing_of_medium_severity_or_above():
    result = subprocess.run([zizmor(), "--offline", "--min-severity", "medium", ".github"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"zizmor's findings:\n{result.stdout}\n{result.stderr}"
    for workflow in WORKFLOWS:  # it did audit them
        assert f"completed .github/workflows/{workflow.name}" in result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(workflow):
    lines = [line for line in workflow.read_text(encoding="utf-8").splitlines()
             if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    for line in lines:
        assert PINNED_LINE.match(line), f"not `uses: owner/repo@<40-hex sha> # vX.Y.Z`: {line.strip()}"


def test_an_action_has_one_pin_everywhere():
    pins: dict[str, set[tuple[str, str]]] = {}
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if match := PINNED_LINE.match(line):
                pins.setdefault(match["action"], set()).add((match["sha"], match["version"]))
    assert pins and all(len(versions) == 1 for versions in pins.values()), pins


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_checkout_keeps_its_credentials(workflow):
    """The test suite runs upstream's and contributors' content: no step after a checkout may find a token."""
    checkouts = [step for job in load(workflow)["jobs"].values() for step in steps_using(job, "actions/checkout")]
    assert checkouts
    assert all(step.get("with", {}).get("persist-credentials") is False for step in checkouts)


# The only jobs that may write, what they may write, and the only actions they run: none runs the project's code.
WRITERS = {
    ("site.yml", "deploy"): ({"pages": "write", "id-token": "write"},
                             ["actions/download-artifact", "actions/upload-pages-artifact", "actions/deploy-pages"]),
    ("sync.yml", "pull-request"): ({"contents": "write", "pull-requests": "write"},
                                   ["actions/checkout", "actions/download-artifact", "actions/download-artifact",
                                    "peter-evans/create-pull-request"]),
}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_read_only_by_default_and_declared_by_every_job(workflow):
    data = load(workflow)
    assert data["permissions"] == {"contents": "read"}
    for name, job in data["jobs"].items():
        assert "permissions" in job, f"{workflow.name}: job {name} declares no permissions"
        assert set(job["permissions"].values()) <= {"read", "write", "none"}


@pytest.mark.parametrize("workflow, name, job", all_jobs(), ids=[f"{w}:{n}" for w, n, _ in all_jobs()])
def test_only_the_publishing_jobs_write_and_they_run_no_project_code(workflow, name, job):
    writes = {scope: level for scope, level in job["permissions"].items() if level == "write"}
    if (workflow, name) not in WRITERS:
        assert not writes, f"{workflow}: job {name} may write {writes}"
        return
    granted, actions = WRITERS[(workflow, name)]
    assert job["permissions"] == granted
    assert "container" not in job and runs(job) == []
    assert [action(step) for step in job["steps"]] == actions


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_a_token_is_given_only_to_the_step_that_opens_the_pull_request(workflow):
    for name, job in load(workflow)["jobs"].items():
        for step in job["steps"]:
            text = json.dumps(step)
            if "secrets." in text or "github.token" in text or "GITHUB_TOKEN" in text:
                assert action(step) == "peter-evans/create-pull-request", f"{workflow.name}: {name}: {step}"
                assert step["with"]["token"] == "${{ secrets.SYNC_TOKEN || github.token }}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_shell_script(workflow):
    for job in load(workflow)["jobs"].values():
        for command in runs(job):
            assert "${{" not in command, "pass values through env, not into the script text"


def test_workflows_run_the_readme_commands_and_nothing_else_for_tests():
    for command in (CHECK, TEST, BUILD):
        assert command in README
    for workflow in WORKFLOWS:
        for job in load(workflow)["jobs"].values():
            for command in runs(job):
                assert "pytest" not in command, "tests run through scripts/test, as the README says"
                assert "playwright install" not in command, "the browser is Debian's chromium"


def test_dependabot_keeps_the_actions_the_python_packages_and_the_npm_tools_current():
    path = ROOT / ".github/dependabot.yml"
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.dependabot",
                             str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    updates = {u["package-ecosystem"]: u for u in yaml.safe_load(path.read_text(encoding="utf-8"))["updates"]}
    assert {"github-actions", "pip", "npm"} <= set(updates)
    for update in updates.values():
        assert update["directory"] == "/" and update["schedule"]["interval"]
    assert (ROOT / "pyproject.toml").is_file() and (ROOT / "package-lock.json").is_file()


# -- site.yml: the fast path for content, everything else ---------------------


def test_runs_on_pull_requests_and_pushes_to_main(site):
    assert "pull_request" in site["on"]
    assert site["on"]["push"]["branches"] == ["main"]
    assert "cancel-in-progress" in site["concurrency"] and "github.ref" in site["concurrency"]["group"]


def test_a_first_job_decides_between_the_content_path_and_everything(site):
    jobs = site["jobs"]
    changes = jobs["changes"]
    decided = "${{ steps.paths.outputs.content-only }}"
    assert changes["outputs"]["content-only"] == decided and "needs" not in changes
    assert jobs["content"]["needs"] == "changes" and jobs["test"]["needs"] == "changes"
    assert jobs["content"]["if"] == "needs.changes.outputs.content-only == 'true'"
    assert jobs["test"]["if"] == "needs.changes.outputs.content-only != 'true'"  # and so on push, and on a failure
    (checkout,) = steps_using(changes, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 2  # the merge commit and its first parent, the base branch


CHANGES_CASES = {
    "a contributor's entry": (["docs/share/contributed.md"], "pull_request", "true"),
    "the taxonomy": (["data/taxonomy.yml"], "pull_request", "true"),
    "a new note with a Chinese name": (["docs/notes/2026-07-01-新笔记.md"], "pull_request", "true"),
    "a removed page": (["-docs/subscribe.md"], "pull_request", "true"),
    "content and code": (["docs/share/contributed.md", "hooks/llminfra/domain/model.py"], "pull_request", "false"),
    "the site's scripts": (["docs/assets/llminfra.js"], "pull_request", "false"),
    "mkdocs.yml": (["mkdocs.yml"], "pull_request", "false"),
    "a workflow": ([".github/workflows/site.yml"], "pull_request", "false"),
    "a template": (["overrides/main.html"], "pull_request", "false"),
    "nothing": ([], "pull_request", "false"),
    "content pushed to main": (["docs/share/contributed.md"], "push", "false"),
}


@pytest.mark.parametrize("changed, event, expected", CHANGES_CASES.values(), ids=CHANGES_CASES.keys())
def test_only_a_pull_request_that_changes_docs_or_data_takes_the_content_path(site, tmp_path, changed, event,
                                                                              expected):
    script = step_named(site["jobs"]["changes"], "List the changed paths")["run"]
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    for path in ("docs/share/contributed.md", "docs/subscribe.md", "data/taxonomy.yml", "docs/assets/llminfra.js",
                 "hooks/llminfra/domain/model.py", "mkdocs.yml", ".github/workflows/site.yml", "overrides/main.html"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("base\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    for path in changed:
        if path.startswith("-"):
            (repo / path[1:]).unlink()
        else:
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text("changed\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "the pull request")
    result, outputs = run_step(script, repo, {"EVENT": event}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert outputs == {"content-only": expected}


def test_the_content_path_checks_tests_the_content_builds_and_uploads_a_preview(site):
    job = site["jobs"]["content"]
    check = step_index(job, lambda s: s.get("run") == CHECK_IN_CI)
    test = step_index(job, lambda s: s.get("run") == f"{TEST} --content")
    build = step_index(job, lambda s: s.get("run") == BUILD)
    upload = step_index(job, lambda s: action(s) == "actions/upload-artifact")
    assert check < test < build < upload
    assert job["steps"][upload]["with"]["path"].rstrip("/") == "site"
    assert job["container"]["image"].startswith("python:3.11-")
    assert job["timeout-minutes"] <= 10


def test_test_job_checks_tests_builds_and_uploads_a_preview(site):
    job = site["jobs"]["test"]
    commands = runs(job)
    assert commands.count(CHECK_IN_CI) == 1
    assert TEST in commands and BUILD in commands
    check = step_index(job, lambda s: s.get("run") == CHECK_IN_CI)
    test = step_index(job, lambda s: s.get("run") == TEST)
    build = step_index(job, lambda s: s.get("run") == BUILD)
    upload = step_index(job, lambda s: action(s) == "actions/upload-artifact")
    assert check < test < build < upload, "check early, upload only what passed"
    assert job["steps"][upload]["with"]["path"].rstrip("/") == "site"
    # scripts/test installs chromium with apt-get as root: a Debian container with the README's Python.
    assert job["container"]["image"].startswith("python:3.11-")


def cache_keyed_on(job: dict, path: str) -> dict:
    (step,) = [s for s in steps_using(job, "actions/cache") if s["with"]["path"] == path]
    return step


def test_installs_are_cached(site):
    test, content = site["jobs"]["test"], site["jobs"]["content"]
    for job in (test, content):
        pip = cache_keyed_on(job, "~/.cache/pip")
        assert "hashFiles('pyproject.toml')" in pip["with"]["key"]
        assert job["steps"].index(pip) < step_index(job, lambda s: s.get("run", "").startswith("python -m pip"))
    assert "hashFiles('package-lock.json')" in cache_keyed_on(test, "~/.npm")["with"]["key"]
    # apt keeps the .deb files scripts/test installs only once the image's docker-clean rule is gone.
    apt = cache_keyed_on(test, "/var/cache/apt/archives")
    assert "hashFiles('scripts/test')" in apt["with"]["key"]
    keep = step_index(test, lambda s: s.get("run") == "rm -f /etc/apt/apt.conf.d/docker-clean")
    assert keep < step_index(test, lambda s: s.get("run") == TEST) and test["steps"].index(apt) < step_index(
        test, lambda s: s.get("run") == TEST)


def test_the_jobs_that_publish_restore_no_cache(site):
    for name in ("pages", "deploy"):
        assert not steps_using(site["jobs"][name], "actions/cache"), name


def test_the_job_summary_shows_the_check(site, sync):
    for job in (site["jobs"]["content"], site["jobs"]["test"], sync["jobs"]["sync"]):
        assert CHECK_IN_CI in runs(job)


def test_deploy_publishes_only_what_the_checks_passed_with_the_official_pages_actions(site):
    pages, deploy = site["jobs"]["pages"], site["jobs"]["deploy"]
    assert pages["needs"] == "test" and deploy["needs"] == "pages"
    assert "pull_request" in pages["if"] and "refs/heads/main" in pages["if"]
    configure = step_index(pages, lambda s: action(s) == "actions/configure-pages")
    build = step_index(pages, lambda s: s.get("run") == BUILD)
    handover = step_index(pages, lambda s: action(s) == "actions/upload-artifact")
    assert configure < build < handover
    pages_id = pages["steps"][configure]["id"]
    assert pages["steps"][build]["env"]["SITE_URL"] == f"${{{{ steps.{pages_id}.outputs.base_url }}}}"
    assert pages["steps"][handover]["with"]["path"].rstrip("/") == "site"
    assert pages["permissions"] == {"contents": "read", "pages": "read"}

    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    download, upload, publish = deploy["steps"]
    assert download["with"]["name"] == pages["steps"][handover]["with"]["name"]
    assert upload["with"]["path"].rstrip("/") == download["with"]["path"].rstrip("/") == "site"
    assert deploy["environment"]["url"] == f"${{{{ steps.{publish['id']}.outputs.page_url }}}}"


def test_builds_know_the_repository_and_pin_dates_to_the_last_commit(site):
    assert site["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    for job in site["jobs"].values():
        if BUILD not in runs(job):
            continue
        pin = step_index(job, lambda s: "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in s.get("run", ""))
        assert '>> "$GITHUB_ENV"' in job["steps"][pin]["run"]
        assert pin < step_index(job, lambda s: s.get("run") == BUILD)


# -- sync.yml ------------------------------------------------------------------


def sync_paths(workflow: dict) -> list[str]:
    return workflow["env"]["SYNC_PATHS"].split()


def test_sync_runs_daily_and_on_demand_and_never_on_pull_requests(sync):
    assert set(sync["on"]) == {"schedule", "workflow_dispatch"}
    assert len(sync["on"]["schedule"]) == 1 and len(sync["on"]["schedule"][0]["cron"].split()) == 5
    assert sync["concurrency"]["cancel-in-progress"] is False


def test_sync_checks_everything_read_only_before_a_second_job_opens_one_pull_request(sync):
    job, opener = sync["jobs"]["sync"], sync["jobs"]["pull-request"]
    assert job["permissions"] == {"contents": "read"}
    sync_at = step_index(job, lambda s: "python -m llminfra sync" in s.get("run", ""))
    command = job["steps"][sync_at]["run"]
    assert "--pr-body" in command and '--commit "$COMMIT"' in command and '--committed "$COMMITTED"' in command
    checks = [step_index(job, lambda s, c=c: c in s.get("run", "")) for c in (CHECK, TEST, BUILD)]
    handovers = [i for i, s in enumerate(job["steps"]) if action(s) == "actions/upload-artifact"]
    assert sync_at < min(checks) and max(checks) < min(handovers)
    # Every step after the sync runs only when it changed something; a failing sync (non-zero) stops the job.
    assert all(s.get("if") == "steps.sync.outputs.changed == 'true'" for s in job["steps"][sync_at + 1:])
    assert "continue-on-error" not in job["steps"][sync_at]
    assert job["outputs"]["changed"] == "${{ steps.sync.outputs.changed }}"

    assert opener["needs"] == "sync" and opener["if"] == "needs.sync.outputs.changed == 'true'"
    (opening,) = steps_using(opener, "peter-evans/create-pull-request")
    assert opening["uses"].startswith("peter-evans/create-pull-request@")
    options = opening["with"]
    assert options["branch"] == "sync/upstream"  # one branch: the same pull request is updated
    assert options["token"] == "${{ secrets.SYNC_TOKEN || github.token }}"  # safe default without the secret
    uploaded = {s["with"]["name"]: s["with"]["path"] for s in job["steps"] if action(s) == "actions/upload-artifact"}
    downloaded = {s["with"]["name"]: s["with"]["path"] for s in steps_using(opener, "actions/download-artifact")}
    assert set(uploaded) == set(downloaded) == {"sync-changes", "sync-pr-body"}
    assert downloaded["sync-changes"] == "."  # back where sync wrote them
    assert options["body-path"] == downloaded["sync-pr-body"] + "/pr-body.md"
    assert uploaded["sync-pr-body"].endswith("/pr-body.md") and uploaded["sync-pr-body"] in command


def test_the_changes_sync_detects_are_the_ones_it_hands_over_and_proposes(sync):
    """One list, SYNC_PATHS, says what sync writes: the change detection, the artifact and the pull request."""
    assert sync_paths(sync)
    job, opener = sync["jobs"]["sync"], sync["jobs"]["pull-request"]
    command = step_named(job, "Sync")["run"]
    assert "git status --porcelain -- $SYNC_PATHS)" in command  # unquoted: one pathspec per line
    (handover,) = [s for s in job["steps"] if s.get("with", {}).get("name") == "sync-changes"]
    assert handover["with"]["path"] == "${{ env.SYNC_PATHS }}"
    (opening,) = steps_using(opener, "peter-evans/create-pull-request")
    assert opening["with"]["add-paths"] == "${{ env.SYNC_PATHS }}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_the_sync_pull_request_carries_every_file_sync_writes(sync, tmp_path, capsys):
    """Run sync as the workflow does (a commit, its date, new entries with audio to measure) in a git checkout:
    every file it changes or creates must fall under SYNC_PATHS, as git reads those pathspecs."""
    served = tmp_path / "served"
    (served / "repo/202509").mkdir(parents=True)
    readme = ("# 分享\r\n\r\n## 202509\r\n\r\n## [好文](https://example.com/sync-writes)\r\n\r\n摘要。\r\n\r\n"
              '<audio controls="">\r\n  <source src="202509/voice a.mp3" type="audio/mp3" />\r\n</audio>\r\n')
    (served / "repo/README.md").write_bytes(readme.encode("utf-8"))
    shutil.copy2(ROOT / "tests/fixtures/audio/voice-a.mp3", served / "repo/202509/voice a.mp3")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        project = copy_frozen_project(tmp_path / "project")
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        readme_url = re.search(r"readme_url: (\S+)", text).group(1)
        config.write_text(text.replace(readme_url, f"http://127.0.0.1:{server.server_address[1]}/repo/README.md"),
                          encoding="utf-8")
        git(project, "init", "-q")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "the checkout")
        code = main(["--root", str(project), "sync", "--allow-shrink", "--commit", "1" * 40,
                     "--committed", "2025-11-06T23:50:49+08:00", "--pr-body", str(tmp_path / "pr-body.md")])
        err = capsys.readouterr().err
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, err
    everything = git(project, "status", "--porcelain", "--untracked-files=all").splitlines()
    proposed = git(project, "status", "--porcelain", "--untracked-files=all", "--", *sync_paths(sync)).splitlines()
    assert any(line.endswith("docs/share/index.md") for line in everything)
    assert any(line.endswith("data/audio.yml") for line in everything), "the clip was measured"
    assert everything == proposed, "sync wrote files the pull request would leave out"


def make_upstream(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository with refs/heads/main and refs that ls-remote's pattern also matches; (path, main's commit,
    main's commit date)."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q")
    date = "2025-11-06T23:50:49+08:00"
    env = {**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date}
    subprocess.run(["git", "-c", "user.name=U", "-c", "user.email=u@example.org", "commit", "-q", "--allow-empty",
                    "-m", "main"], cwd=upstream, env=env, check=True)
    main_commit = git(upstream, "rev-parse", "HEAD").strip()
    git(upstream, "commit", "-q", "--allow-empty", "-m", "elsewhere")
    other = git(upstream, "rev-parse", "HEAD").strip()
    git(upstream, "update-ref", "refs/heads/main", main_commit)
    git(upstream, "update-ref", "refs/heads/x/refs/heads/main", other)
    git(upstream, "update-ref", "refs/x/refs/heads/main", other)
    git(upstream, "symbolic-ref", "HEAD", "refs/heads/main")
    return upstream, main_commit, date


def test_sync_reads_exactly_upstream_s_branch_and_the_date_of_its_commit(sync, tmp_path):
    upstream, main_commit, date = make_upstream(tmp_path)
    assert len(git(tmp_path, "ls-remote", str(upstream), "refs/heads/main").splitlines()) > 1  # the trap
    script = step_named(sync["jobs"]["sync"], "Find upstream's current commit and its date")["run"]
    result, outputs = run_step(script, tmp_path, {"UPSTREAM_URL": str(upstream), "UPSTREAM_BRANCH": "main"},
                               tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs == {"commit": main_commit, "committed": date}


def test_sync_fails_when_upstream_has_no_such_branch(sync, tmp_path):
    upstream, _, _ = make_upstream(tmp_path)
    script = step_named(sync["jobs"]["sync"], "Find upstream's current commit and its date")["run"]
    result, outputs = run_step(script, tmp_path, {"UPSTREAM_URL": str(upstream), "UPSTREAM_BRANCH": "heads/main"},
                               tmp_path)
    assert result.returncode != 0 and "::error::" in result.stdout and outputs == {}


def test_the_docs_describe_the_sync_pull_request_and_its_token():
    for text in (README, CONTRIBUTING):
        assert "sync.yml" in text and "SYNC_TOKEN" in text and "GITHUB_TOKEN" in text
    assert "docs/share/contributed.md" in README and "docs/share/contributed.md" in CONTRIBUTING


# -- check's job summary ------------------------------------------------------


def test_the_summary_is_a_table_of_the_problems_errors_first():
    problems = [SourceProblem("docs/share/a.md", 3, "just so you know", "nothing to do", severity="notice"),
                SourceProblem("docs/share/b.md", 9, "entry 'x' has no link", "write the heading as '## [t](u)'")]
    summary = markdown_summary(problems, entries=12, sources=3)
    lines = summary.splitlines()
    assert lines[0] == "### ❌ llminfra check: 1 error(s), 1 notice(s)" and "12 entries in 3 sources." in lines
    rows = [line for line in lines if line.startswith("| ")]
    assert rows[0] == "| Severity | Where | Problem | How to fix |"
    assert rows[2].startswith("| error | <code>docs/share/b.md:9</code> | entry 'x' has no link |")
    assert rows[3].startswith("| notice | <code>docs/share/a.md:3</code> | just so you know |")


def test_no_text_from_a_source_can_break_the_summary_table():
    hostile = "a | b\n<script>alert(1)</script> `code` *star* [link](x) &amp;"
    summary = markdown_summary([SourceProblem("docs/share/x|y.md", 1, hostile, hostile)], entries=1, sources=1)
    (row,) = [line for line in summary.splitlines() if line.startswith("| error")]
    assert len(re.findall(r"(?<!\\)\|", row)) == 5  # four cells
    assert "<script" not in row and "&lt;script&gt;" in row and "&amp;amp;" in row
    assert "\\`code\\`" in row and "\\*star\\*" in row and "\\[link\\]" in row


def test_a_clean_check_says_so_and_a_long_one_is_cut():
    assert markdown_summary([], entries=80, sources=5).startswith("### ✅ llminfra check: 0 error(s), 0 notice(s)")
    many = [SourceProblem("docs/share/a.md", n, f"problem {n}", severity="notice") for n in range(1, SUMMARY_ROWS + 6)]
    summary = markdown_summary(many, entries=1, sources=1)
    assert sum(line.startswith("| notice") for line in summary.splitlines()) == SUMMARY_ROWS
    assert "… and 5 more (see the log)." in summary


def test_check_appends_its_summary_to_the_file_it_is_given(tmp_path, capsys):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/share/contributed.md").write_text(
        "# 分享\n\n## 202509\n\n## 没有链接的好文\n2025-09-01\n摘要。\n", encoding="utf-8")
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code = main(["--root", str(tmp_path), "check", "--format", "github", "--summary", str(summary)])
    out = capsys.readouterr().out
    assert code == 1 and "::error file=docs/share/contributed.md,line=5" in out  # the annotations are unchanged
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### ❌ llminfra check: 1 error(s)")
    assert "| error | <code>docs/share/contributed.md:5</code> |" in text


# -- test markers ----------------------------------------------------------------

COLLECT = """
import inspect, json, sys
import pytest

class Report:
    def pytest_collection_finish(self, session):
        self.items = {item.nodeid: {"markers": sorted({m.name for m in item.iter_markers()}),
                                    "source": inspect.getsource(item.function)} for item in session.items}

report = Report()
code = pytest.main(["--collect-only", "-q", "-o", "addopts=", "-p", "no:cacheprovider", "tests"], plugins=[report])
print("COLLECTED" + json.dumps(report.items))
sys.exit(code)
"""


@pytest.fixture(scope="module")
def collected() -> dict[str, dict]:
    """Every test of the suite with its markers and its source, as pytest collects them."""
    result = subprocess.run([sys.executable, "-c", COLLECT], cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout.split("COLLECTED", 1)[1])


def test_every_browser_test_is_marked_so_not_browser_needs_no_chromium(collected):
    browser = [node for node in collected if node.startswith("tests/browser/")]
    assert browser
    assert [node for node in browser if "browser" not in collected[node]["markers"]] == []


def test_the_content_marker_selects_the_checks_of_the_live_docs(collected):
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^\s*"content: ', pyproject, re.M), "registered in [tool.pytest.ini_options] markers"
    content = {node: test for node, test in collected.items() if "content" in test["markers"]}
    assert content and not any(node.startswith("tests/browser/") for node in content)
    for node, test in content.items():  # each reads the live project, not a fixture
        assert "ROOT" in test["source"], node
    assert any("run_mkdocs_build(ROOT" in test["source"] for test in content.values()), "the live build"


# -- scripts/test ----------------------------------------------------------------

SCRIPT = ROOT / "scripts/test"


def installed_packages() -> list[str]:
    return re.findall(r"missing\+=\(([\w.+-]+)\)", SCRIPT.read_text(encoding="utf-8"))


def run_scripts_test(tmp_path: Path, *argv: str, root: bool) -> tuple[subprocess.CompletedProcess, list[str]]:
    """scripts/test with every outside command replaced by one that logs its arguments; nothing is installed."""
    project, stubs, log = tmp_path / "project", tmp_path / "stubs", tmp_path / "calls"
    (project / "scripts").mkdir(parents=True)
    shutil.copy2(SCRIPT, project / "scripts/test")
    stubs.mkdir()
    for name in ("python", "apt-get", "fc-list"):
        (stubs / name).write_text(f'#!/bin/bash\necho "{name} $*" >> "{log}"\n', encoding="utf-8")
    # Installing npm brings the npm command.
    (tmp_path / "npm").write_text(f'#!/bin/bash\necho "npm $*" >> "{log}"\n', encoding="utf-8")
    (stubs / "apt-get").write_text(f'#!/bin/bash\necho "apt-get $*" >> "{log}"\n'
                                   f'if [[ " $* " == *" npm "* ]]; then cat "{tmp_path}/npm" > "{stubs}/npm"; '
                                   f'chmod +x "{stubs}/npm"; fi\n', encoding="utf-8")
    (stubs / "id").write_text(f"#!/bin/bash\necho {0 if root else 1000}\n", encoding="utf-8")
    for name in ("dirname", "grep", "cat", "chmod"):
        (stubs / name).symlink_to(shutil.which(name))
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    result = subprocess.run([shutil.which("bash"), str(project / "scripts/test"), *argv], capture_output=True,
                            text=True, timeout=60, env={"PATH": str(stubs), "HOME": str(tmp_path)})
    return result, log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_scripts_test_installs_what_it_needs_then_runs_pytest(tmp_path):
    packages = installed_packages()
    result, calls = run_scripts_test(tmp_path, "-k", "feeds", root=True)
    assert result.returncode == 0, result.stderr
    assert f"apt-get install -y -qq --no-install-recommends {' '.join(packages)}" in calls
    assert calls[-3:] == ["python -m pip install --quiet --disable-pip-version-check -e .[test]",
                          "npm ci --no-audit --no-fund --loglevel=error", "python -m pytest -n auto -k feeds"]


def test_scripts_test_names_what_to_install_when_it_cannot(tmp_path):
    result, calls = run_scripts_test(tmp_path, root=False)
    assert result.returncode == 1 and not [c for c in calls if not c.startswith("fc-list")]
    assert f"sudo apt-get install -y {' '.join(installed_packages())}" in result.stderr


def test_scripts_test_content_runs_the_content_tests_with_no_system_package(tmp_path):
    result, calls = run_scripts_test(tmp_path, "--content", "-x", root=False)
    assert result.returncode == 0, result.stderr
    assert calls == ["python -m pip install --quiet --disable-pip-version-check -e .[test]",
                     "python -m pytest -n auto -m content -x"]


def test_scripts_test_the_readme_and_contributing_name_every_system_package():
    packages = installed_packages()
    assert set(packages) == {"chromium", "fonts-noto-cjk", "nodejs", "npm", "default-jre-headless"}
    header = SCRIPT.read_text(encoding="utf-8").split("set -euo pipefail", 1)[0]
    setup = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    ci = CONTRIBUTING.split("## CI 与发布", 1)[1]
    for package in packages:
        assert re.search(rf"^#\s+(\S+, )*{re.escape(package)}\b", header, re.M), f"scripts/test's header: {package}"
        assert f"`{package}`" in setup, f"README's set-up: {package}"
        assert f"`{package}`" in ci, f"CONTRIBUTING's CI section: {package}"


# -- pre-commit and lint ------------------------------------------------------


@pytest.fixture(scope="module")
def pre_commit() -> dict:
    return yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def hooks(config: dict) -> dict[str, dict]:
    return {hook["id"]: {**hook, "rev": repo.get("rev")} for repo in config["repos"] for hook in repo["hooks"]}


def tracked_files() -> list[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True,
                           timeout=60).stdout.splitlines()
    assert files
    return files


def test_pre_commit_runs_the_source_check_on_content_changes_and_only_there(pre_commit):
    check = hooks(pre_commit)["llminfra-check"]
    assert check["entry"] == CHECK and check["language"] == "system" and check["pass_filenames"] is False
    files = re.compile(check["files"])
    matched = {path for path in tracked_files() if files.search(path)}
    content = {path for path in tracked_files() if path.startswith(("docs/", "data/"))}
    assert matched == content and any(p.startswith("docs/share/") for p in matched) and "data/taxonomy.yml" in matched


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
    assert all((ROOT / path).is_file() for path in CONTRIBUTOR_TOOLING)
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *CONTRIBUTOR_TOOLING],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_reminds_the_owner_of_a_podcast_without_an_owner_address():
    """Only the repository's owner can set it: the deploy job says so, and `check` (every contributor's) does not."""
    pages = load(ROOT / ".github/workflows/site.yml")["jobs"]["pages"]
    steps = [step for step in pages["steps"] if "PODCAST_OWNER_EMAIL" in str(step.get("if", ""))]
    assert len(steps) == 1 and steps[0]["if"] == "vars.PODCAST_OWNER_EMAIL == ''"
    assert steps[0]["run"].startswith("echo \"::warning ") and "PODCAST_OWNER_EMAIL" in steps[0]["run"]
    build = next(step for step in pages["steps"] if step.get("run") == "mkdocs build --strict")
    assert pages["steps"].index(steps[0]) < pages["steps"].index(build)
    assert build["env"]["PODCAST_OWNER_EMAIL"] == "${{ vars.PODCAST_OWNER_EMAIL }}"
