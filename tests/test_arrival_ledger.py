"""The arrival ledger (``data/arrivals.yml``): written by sync as entries arrive, built by backfill from history."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from llminfra.commands.cli import main
from llminfra.domain.arrivals import arrival_key
from llminfra.domain.layout import SiteLayout
from llminfra.sources.arrivals import ARRIVALS_FILE, read_arrivals
from llminfra.sources.loading import build_catalog

HISTORY = ROOT / "tests/fixtures/upstream-history"
ROWS = list(csv.DictReader((HISTORY / "index.tsv").open(encoding="utf-8"), delimiter="\t"))
MIRROR = "docs/share/index.md"
# What backfill makes of the 22 saved versions: entries per day of first appearance (the commit's own offset).
HISTORY_DAYS = {"2025-09-12": 1, "2025-09-13": 6, "2025-09-25": 12, "2025-09-27": 2, "2025-11-06": 15}


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project without a ledger."""
    root = copy_project(tmp_path / "project")
    (root / ARRIVALS_FILE).unlink(missing_ok=True)
    return root


def run(capsys, root: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sync(capsys, root: Path, version: str, *argv: str) -> tuple[int, str, str]:
    return run(capsys, root, "sync", "--from", str(HISTORY / version), "--no-audio", "--allow-shrink", *argv)


def ledger(root: Path) -> dict[str, datetime]:
    arrivals, problems = read_arrivals(root)
    assert problems == []
    return arrivals


def days(arrivals: dict[str, datetime]) -> dict[str, int]:
    return dict(sorted(Counter(when.date().isoformat() for when in arrivals.values()).items()))


# -- sync records each new entry, once -------------------------------------------------------------------------


def test_sync_records_new_entries_with_the_commit_date_and_never_changes_a_recorded_one(project, capsys):
    assert sync(capsys, project, "20-af753d4.md", "--committed", "2025-09-25T23:12:40+08:00")[0] == 0
    first = ledger(project)
    assert len(first) == 19 and set(first.values()) == {datetime.fromisoformat("2025-09-25T23:12:40+08:00")}
    code, out, _ = sync(capsys, project, "21-21a32a6.md", "--committed", "2025-09-27T23:00:11+08:00")
    assert code == 0 and "arrivals: 2 entries recorded" in out and "upstream's commit date" in out
    second = ledger(project)
    assert {key: second[key] for key in first} == first and len(second) == 21
    assert days(second) == {"2025-09-25": 19, "2025-09-27": 2}
    before = (project / ARRIVALS_FILE).read_bytes()
    # The same file again, even with another date: nothing new arrived, nothing changes.
    assert sync(capsys, project, "21-21a32a6.md", "--committed", "2030-01-01T00:00:00+00:00")[0] == 0
    assert (project / ARRIVALS_FILE).read_bytes() == before


def test_an_entry_whose_title_changes_keeps_its_date(project, capsys, tmp_path):
    assert sync(capsys, project, "22-668e0a1.md", "--committed", "2025-11-06T23:50:49+08:00")[0] == 0
    before = ledger(project)
    assert len(before) == 36
    data = (HISTORY / "22-668e0a1.md").read_bytes()
    renamed = tmp_path / "renamed.md"
    renamed.write_bytes(data.replace("Kimi最新的KimiLinear技术亮点".encode(), "新标题".encode(), 1))
    assert renamed.read_bytes() != data
    code, out, _ = run(capsys, project, "sync", "--from", str(renamed), "--no-audio", "--committed",
                       "2025-12-01T00:00:00+08:00")
    assert code == 0 and "1 changed" in out and "arrivals:" not in out
    assert ledger(project) == before


def test_without_committed_sync_records_its_own_time_and_says_so(project, capsys):
    started = datetime.now().astimezone()
    code, out, _ = sync(capsys, project, "05-3eb4643.md")
    assert code == 0 and "this machine's clock: no --committed given" in out
    ((when),) = ledger(project).values()
    assert when.tzinfo is not None and abs((when - started).total_seconds()) < 3600


def test_a_bad_ledger_does_not_stop_sync_from_repairing_it(project, capsys):
    assert sync(capsys, project, "20-af753d4.md", "--committed", "2025-09-25T23:12:40+08:00")[0] == 0
    path = project / ARRIVALS_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    damaged = lines[:4] + [lines[4].split(": ", 1)[0] + ": not a date"] + lines[5:]
    path.write_text("\n".join(damaged) + "\n", encoding="utf-8")
    code, _, err = sync(capsys, project, "21-21a32a6.md", "--committed", "2025-09-27T23:00:11+08:00")
    assert code == 0 and f"{ARRIVALS_FILE}:5: arrival of" in err and "backfill rebuilds" in err
    repaired = ledger(project)
    assert len(repaired) == 21 and days(repaired) == {"2025-09-25": 18, "2025-09-27": 3}
    for broken in (b"\xff\xfe not yaml", b"key: [unclosed\n", b"- a list\n"):
        path.write_bytes(broken)
        code, _, err = sync(capsys, project, "21-21a32a6.md", "--committed", "2025-09-27T23:00:11+08:00")
        assert code == 0 and err.startswith(f"{ARRIVALS_FILE}:")
        assert len(ledger(project)) == 21


# -- backfill: the ledger from upstream's history ---------------------------------------------------------------


def test_backfill_from_the_saved_versions(project, capsys):
    code, out, _ = run(capsys, project, "backfill", "--from", str(HISTORY))
    assert code == 0, out
    arrivals = ledger(project)
    assert days(arrivals) == HISTORY_DAYS
    assert "by day: 2025-09-12 1, 2025-09-13 6, 2025-09-25 12, 2025-09-27 2, 2025-11-06 15" in out
    assert all(when.utcoffset().total_seconds() == 8 * 3600 for when in arrivals.values())  # the commits' own
    before = (project / ARRIVALS_FILE).read_bytes()
    code, out, _ = run(capsys, project, "backfill", "--from", str(HISTORY))
    assert code == 0 and "unchanged" in out and (project / ARRIVALS_FILE).read_bytes() == before
    # Sync of the newest version afterwards: every entry is known, the ledger stays.
    assert sync(capsys, project, "22-668e0a1.md")[0] == 0
    assert (project / ARRIVALS_FILE).read_bytes() == before


def test_backfill_after_syncs_gives_entries_their_earlier_time(project, capsys):
    assert sync(capsys, project, "22-668e0a1.md", "--committed", "2026-01-01T00:00:00+08:00")[0] == 0
    assert days(ledger(project)) == {"2026-01-01": 36}
    code, out, _ = run(capsys, project, "backfill", "--from", str(HISTORY))
    assert code == 0 and "36 given an earlier time" in out
    assert days(ledger(project)) == HISTORY_DAYS


def test_an_entry_removed_and_added_again_keeps_its_first_time(project, capsys, tmp_path):
    folder = tmp_path / "history"
    folder.mkdir()
    with_entry, without = HISTORY / "05-3eb4643.md", HISTORY / "01-c2099b5.md"
    rows = [("a.md", with_entry, "2025-01-01T10:00:00+08:00"), ("b.md", without, "2025-02-01T10:00:00+08:00"),
            ("c.md", with_entry, "2025-03-01T10:00:00+08:00")]
    for name, source, _ in rows:
        shutil.copy2(source, folder / name)
    (folder / "index.tsv").write_text("index\tcommit\tcommitted\n" + "".join(
        f"{name}\tc{number}\t{when}\n" for number, (name, _, when) in enumerate(rows)), encoding="utf-8")
    assert run(capsys, project, "backfill", "--from", str(folder))[0] == 0
    ((when),) = ledger(project).values()
    assert when == datetime.fromisoformat("2025-01-01T10:00:00+08:00")


@pytest.mark.skipif(shutil.which("git") is None, reason="git reads the clone")
def test_backfill_from_a_git_clone_matches_the_saved_versions(project, capsys, tmp_path):
    """A local repository with one commit per saved version, dated as upstream's, gives the same ledger."""
    clone = tmp_path / "clone"
    clone.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "u", "GIT_AUTHOR_EMAIL": "u@example.com", "GIT_COMMITTER_NAME": "u",
           "GIT_COMMITTER_EMAIL": "u@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*argv: str, **extra: str) -> None:
        subprocess.run(["git", "-C", str(clone), *argv], check=True, capture_output=True, env={**env, **extra})

    git("init", "-q", "-b", "main")
    for row in ROWS:
        shutil.copy2(HISTORY / row["index"], clone / "README.md")
        git("add", "README.md")
        git("commit", "-q", "--allow-empty", "-m", row["commit"], GIT_COMMITTER_DATE=row["committed"],
            GIT_AUTHOR_DATE=row["committed"])
    (clone / "other.txt").write_text("not the share list", encoding="utf-8")
    git("add", "other.txt")
    git("commit", "-q", "-m", "another file", GIT_COMMITTER_DATE="2030-01-01T00:00:00+00:00")
    code, out, err = run(capsys, project, "backfill", "--from", str(clone))
    assert code == 0, err
    from_clone = (project / ARRIVALS_FILE).read_bytes()
    (project / ARRIVALS_FILE).unlink()
    assert run(capsys, project, "backfill", "--from", str(HISTORY))[0] == 0
    assert (project / ARRIVALS_FILE).read_bytes() == from_clone
    assert days(ledger(project)) == HISTORY_DAYS


def test_backfill_refuses_what_is_not_a_history(project, capsys, tmp_path):
    code, _, err = run(capsys, project, "backfill", "--from", str(tmp_path))
    assert code == 2 and "neither a folder with an index.tsv nor a git clone" in err
    (tmp_path / "index.tsv").write_text("index\tcommit\tcommitted\n01.md\tabc\t2025-09-12\n", encoding="utf-8")
    code, _, err = run(capsys, project, "backfill", "--from", str(tmp_path))
    assert code == 1 and "index.tsv:2: committed '2025-09-12' is not a date and time with its UTC offset" in err
    (tmp_path / "index.tsv").write_text("index\tcommit\tcommitted\n../x.md\tabc\t2025-09-12T00:00:00Z\n",
                                        encoding="utf-8")
    code, _, err = run(capsys, project, "backfill", "--from", str(tmp_path))
    assert code == 1 and "is not the name of a file in the folder" in err
    assert not (project / ARRIVALS_FILE).exists()


# -- the live project -----------------------------------------------------------------------------------------------


def test_every_entry_of_the_live_mirror_has_its_arrival_and_the_history_keeps_its_days(tmp_path, capsys):
    """Holds after any later sync: sync records every new entry and never changes a recorded time."""
    live = ledger(ROOT)
    catalog = build_catalog(SiteLayout(ROOT))
    mirrored = [entry for entry in catalog.entries if entry.source.path == MIRROR]
    assert mirrored and all(arrival_key(entry) in live for entry in mirrored)
    project = copy_project(tmp_path / "project", with_content=False)
    (project / ARRIVALS_FILE).unlink(missing_ok=True)
    assert run(capsys, project, "backfill", "--from", str(HISTORY))[0] == 0
    replayed = ledger(project)
    assert {key: live.get(key) for key in replayed} == replayed
