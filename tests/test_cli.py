"""The contributor commands: ``python -m llminfra check | add | tags``."""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import FROZEN, ROOT, SEEDS, copy_project, run_mkdocs_build

from llminfra.authoring.sharelist_writer import NewShareEntry, add_entry
from llminfra.commands.check import generated_page_conflicts, github_annotation
from llminfra.commands.cli import main
from llminfra.domain.layout import SiteLayout
from llminfra.domain.links import canonical_url
from llminfra.domain.problems import SourceProblem
from llminfra.render.excerpts import excerpt_of
from llminfra.sources.loading import build_catalog
from llminfra.sources.sharelist import ShareListParser

SHARE = "docs/share/contributed.md"  # where `add` writes by default
MIRROR = "docs/share/index.md"
BAD_SHARE = ROOT / "tests/fixtures/bad/share"


def run_cli(capsys, root: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path) -> Path:
    """The frozen sources (docs/ and data/), enough for the commands; their share list is a contributor's file."""
    for name in ("docs", "data"):
        shutil.copytree(FROZEN / name, tmp_path / name)
    (tmp_path / MIRROR).rename(tmp_path / SHARE)
    return tmp_path


def parse_share(path: Path):
    raw = path.read_bytes().decode("utf-8")
    return ShareListParser().parse(SHARE, "share/index.md", raw)


def problem_counts(source) -> Counter:
    return Counter((p.message, p.hint, p.severity) for p in source.problems)


def assert_only_insertions(before: bytes, after: bytes) -> list[bytes]:
    """A byte-for-byte line diff that contains insertions only; returns the inserted lines."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    inserted = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), (tag, old[i1:i2], new[j1:j2])
        if tag == "insert":
            inserted.extend(new[j1:j2])
    return inserted


def add_args(title="新文章：vLLM 的调度器", link="https://example.com/posts/vllm-scheduler",
             summary="介绍 vLLM 调度器如何安排 prefill 与 decode。", month="202511", *extra: str) -> list[str]:
    """``add`` of an entry listed under ``month`` and added on its 18th (never today: tests do not read the clock)."""
    day = ["--date", f"{month[:4]}-{month[4:]}-18"] if re.fullmatch(r"\d{4}(0[1-9]|1[0-2])", month) else []
    return ["add", "--title", title, "--link", link, "--summary", summary, "--month", month, *day, *extra]


# -- check --------------------------------------------------------------------


@pytest.mark.content
def test_check_passes_on_the_real_sources_and_prints_every_catalog_problem(capsys):
    code, out, err = run_cli(capsys, ROOT, "check")
    catalog = build_catalog(SiteLayout(ROOT))
    assert code == 0 and not catalog.errors
    for problem in catalog.problems:  # diagnostics on stderr, the summary (the result) on stdout
        assert f"{problem.path}:{problem.line}: notice: {problem.message}" in err
    assert len(out.splitlines()) == 1
    assert re.search(rf"0 error\(s\), {len(catalog.problems)} notice\(s\); {len(catalog.entries)} entries", out)


def test_check_fails_with_the_same_messages_as_the_strict_build(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    for bad in ("entry-without-link.md", "month-not-yyyymm.md", "unsafe-audio.md"):
        shutil.copy2(BAD_SHARE / bad, project / "docs/share" / bad)
    code, _, err = run_cli(capsys, project, "check")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("docs/share/") and ": notice:" not in line]
    assert len(errors) >= 3
    build = run_mkdocs_build(project, tmp_path / "site")
    assert build.returncode != 0
    warnings = {line.split(" - ", 1)[1].strip() for line in build.stderr.splitlines() if line.startswith("WARNING")}
    assert set(errors) <= warnings
    assert any("has no link (write the heading as '## [title](https://…)')" in line for line in errors)


def test_notices_do_not_fail_the_check(tmp_path, capsys):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/share/index.md").write_text(
        "# 分享\n\n## 202509\n\n## [一](https://example.com/a)\n\n摘要。\n\n## [一](https://example.com/a)\n\n再次。\n",
        encoding="utf-8")
    code, _, err = run_cli(capsys, tmp_path, "check")
    assert code == 0
    assert "docs/share/index.md:9: notice: duplicate of the entry at docs/share/index.md:5" in err


def test_check_github_format_emits_workflow_commands(project, capsys):
    # The frozen sources: their series uses explicit tags their (frozen) taxonomy does not list, a notice.
    shutil.copy2(BAD_SHARE / "entry-without-link.md", project / "docs/share/bad.md")
    code, out, err = run_cli(capsys, project, "check", "--format", "github")
    assert code == 1 and "::" not in err  # GitHub Actions reads workflow commands from stdout
    assert ("::error file=docs/share/bad.md,line=9,title=llminfra check::entry '没有链接的好文' has no link "
            "(write the heading as '## [title](https://…)')") in out.splitlines()
    assert re.search(r"^::notice file=docs/series/index\.md,line=\d+,title=llminfra check::tag #", out, re.M)


def test_github_annotations_escape_what_workflow_commands_reserve():
    problem = SourceProblem("docs/share/a,b:c.md", 7, "100% bad\nsecond line", "fix: it")
    assert github_annotation(problem) == (
        "::error file=docs/share/a%2Cb%3Ac.md,line=7,title=llminfra check::100%25 bad%0Asecond line (fix: it)")
    notice = SourceProblem("data/taxonomy.yml", 3, "just so you know", severity="notice")
    assert github_annotation(notice).startswith("::notice file=data/taxonomy.yml,line=3,")


def test_check_reports_committed_copies_of_generated_pages(project, capsys):
    (project / "docs/tags").mkdir()
    (project / "docs/tags/index.md").write_text("# 标签\n", encoding="utf-8")
    code, _, err = run_cli(capsys, project, "check")
    assert code == 1
    assert "docs/tags/index.md:1: this page is generated at build time (remove the file from docs/)" in err


def test_check_needs_a_project(tmp_path, capsys):
    code, out, err = run_cli(capsys, tmp_path, "check")
    assert code == 2 and "no docs/ folder" in err and not out


def test_check_reads_mkdocs_yml_without_loading_the_hooks_or_plugins():
    # The config goes through MkDocs' loader, but neither the hooks (the whole build) nor Material's search.
    build = ("llminfra.mkdocs_adapter.events", "site_hooks", "material.plugins.search.plugin", "feedgen")
    script = ("import sys; from llminfra.commands.cli import main; code = main(['--root', sys.argv[1], 'check']); "
              f"print('LOADED', [m for m in {build!r} if m in sys.modules], 'mkdocs.config' in sys.modules);"
              "sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("LOADED [] True")


# -- add ----------------------------------------------------------------------


def test_add_puts_the_entry_at_the_top_of_its_month_with_insertions_only(project, capsys):
    path = project / SHARE
    before_bytes = path.read_bytes()
    before = parse_share(path)
    code, out, _ = run_cli(capsys, project, *add_args(), "--audio", "https://example.com/a/summary.mp3")
    assert code == 0, out
    inserted = assert_only_insertions(before_bytes, path.read_bytes())
    assert b"".join(inserted).decode("utf-8") == (
        "\n## [新文章：vLLM 的调度器](https://example.com/posts/vllm-scheduler)\n2025-11-18\n\n"
        "介绍 vLLM 调度器如何安排 prefill 与 decode。\n\n<audio controls>\n"
        '  <source src="https://example.com/a/summary.mp3" type="audio/mp3">\n</audio>\n\n')
    after = parse_share(path)
    assert len(after.entries) == len(before.entries) + 1
    assert problem_counts(after) == problem_counts(before)
    new = next(e for e in after.entries if e.link == "https://example.com/posts/vllm-scheduler")
    assert new.listed_month.month_key == "2025-11" and new.date.iso == "2025-11-18" and new.position == 0
    assert new.summary == "介绍 vLLM 调度器如何安排 prefill 与 decode。"  # the date line is not summary
    assert [a.src for a in new.audio] == ["https://example.com/a/summary.mp3"]
    month_entries = [e for e in after.entries if e.listed_month == new.listed_month]
    assert month_entries[0] is new and month_entries[1].title.startswith("Kimi最新的KimiLinear")
    assert f"{SHARE}:{new.source.line}: added" in out and "dated 2025-11-18" in out
    assert "tags from keywords: vLLM" in out


@pytest.mark.parametrize("month, newer, older", [
    ("202601", None, "2025-11"),      # newest: above every month
    ("202510", "2025-11", "2025-09"),  # between two months
    ("202001", "2025-09", None),      # oldest: at the end of the file
])
def test_add_creates_a_missing_month_in_newest_first_order(project, capsys, month, newer, older):
    path = project / SHARE
    before_bytes = path.read_bytes()
    before = parse_share(path)
    code, out, _ = run_cli(capsys, project, *add_args(month=month))
    assert code == 0, out
    assert "（新建月份标题）" in out
    assert_only_insertions(before_bytes, path.read_bytes())
    after = parse_share(path)
    assert problem_counts(after) == problem_counts(before)
    keys = [e.month.month_key for e in sorted(after.edits, key=lambda e: e.start) if e.kind == "month" and e.month]
    assert keys == sorted(keys, reverse=True)
    key = f"{month[:4]}-{month[4:]}"
    position = keys.index(key)
    assert (keys[position - 1] if position else None) == newer
    assert (keys[position + 1] if position + 1 < len(keys) else None) == older
    text = path.read_text(encoding="utf-8")
    heading = text.index(f"\n## {month}\n")
    assert text[:heading].endswith("\n\n"), "two blank lines above a month heading, as the collector writes"


def test_adding_the_same_article_twice_changes_nothing(project, capsys):
    path = project / SHARE
    code, _, _ = run_cli(capsys, project, *add_args())
    assert code == 0
    once = path.read_bytes()
    code, out, _ = run_cli(capsys, project, *add_args(title="另一个标题", link="HTTPS://EXAMPLE.COM/posts/vllm-scheduler"))
    assert code == 0 and "already listed" in out and "nothing changed" in out
    assert path.read_bytes() == once


def test_an_upstream_article_with_other_share_parameters_is_already_listed(project, capsys):
    path = project / SHARE
    before = path.read_bytes()
    listed = parse_share(path).entries[0]
    reshared = listed.raw_link.replace("scene=1", "scene=21").replace("#rd", "")
    assert reshared != listed.raw_link and canonical_url(reshared) == listed.link
    code, out, _ = run_cli(capsys, project, *add_args(link=reshared))
    assert code == 0 and f"{SHARE}:{listed.source.line}: already listed" in out
    assert path.read_bytes() == before


def test_add_replays_the_upstream_collector_byte_for_byte():
    """Adding the articles that upstream added between two snapshots gives the newer snapshot exactly, but for
    the date line under each heading, which upstream's format does not have."""
    older = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    newer = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    known = {e.link for e in ShareListParser().parse(SHARE, "share/index.md", older).entries}
    added = [e for e in ShareListParser().parse(SHARE, "share/index.md", newer).entries if e.link not in known]
    assert len(added) == 17
    text = older
    for entry in reversed(added):  # oldest first, as they were collected
        new = NewShareEntry.validated(entry.title, entry.raw_link, entry.summary,
                                      f"{entry.date.year}{entry.date.month:02d}",
                                      entry.audio[0].src if entry.audio else None, day="2025-11-18")
        text = add_entry(text, SHARE, "share/index.md", new).text
    assert text.count("\n2025-11-18\n") == 17
    assert text.replace("\n2025-11-18\n", "\n") == newer


def test_add_keeps_crlf_line_endings_and_a_missing_final_newline(tmp_path, capsys):
    share = tmp_path / SHARE
    share.parent.mkdir(parents=True)
    original = "# 分享\r\n\r\n## 202509\r\n\r\n## [旧文](https://example.com/old)\r\n\r\n旧摘要。".encode()
    share.write_bytes(original)
    code, out, _ = run_cli(capsys, tmp_path, *add_args(month="202509"))
    assert code == 0, out
    inserted = assert_only_insertions(original, share.read_bytes())
    assert all(line.endswith(b"\r\n") for line in inserted)
    code, out, _ = run_cli(capsys, tmp_path, *add_args(link="https://example.com/older", month="202401"))
    assert code == 0, out
    data = share.read_bytes()
    assert data.endswith("## [新文章：vLLM 的调度器](https://example.com/older)\r\n2024-01-18\r\n\r\n"
                         "介绍 vLLM 调度器如何安排 prefill 与 decode。\r\n".encode())
    assert b"\r\n\r\n\r\n## 202401\r\n" in data
    assert [e.title for e in parse_share(share).entries] == ["新文章：vLLM 的调度器", "旧文", "新文章：vLLM 的调度器"]


@pytest.mark.parametrize("argv, message", [
    (add_args(link="javascript:alert(1)"), "is not an absolute http(s) URL"),
    (add_args(link="https://example.com/a b"), "contains spaces"),
    (add_args(title="   "), "title is empty"),
    (add_args(title="[未闭合的标题"), "unbalanced [ ]"),
    (add_args(summary="  \n "), "summary is empty"),
    (add_args(summary="第一段\n\n## 202401"), "would start a new entry or month"),
    (add_args(summary="<audio controls></audio>"), "--audio URL"),
    (add_args(month="202513"), "month 13, which does not exist"),
    (add_args(month="2025-11"), "is not YYYYMM"),
    (add_args() + ["--date", "2025-11-31"], "is not a day YYYY-MM-DD"),
    (add_args() + ["--date", "18.11.2025"], "is not a day YYYY-MM-DD"),
    (add_args() + ["--tags", "vllm,no-such-tag"], "tags not in data/taxonomy.yml: #no-such-tag"),
    (add_args() + ["--audio", "file:///etc/passwd"], "audio 'file:///etc/passwd' is not an absolute http(s) URL"),
    (add_args() + ["--file", "docs/series/index.md"], "is not a share list"),
    (add_args() + ["--file", "docs/share/missing.md"], "does not exist"),
])
def test_add_rejects_bad_input_with_a_clear_message_and_writes_nothing(project, capsys, argv, message):
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*.md")}
    code, _, err = run_cli(capsys, project, *argv)
    assert code == 2
    assert err.startswith("llminfra add: ") and message in err
    assert {p: p.read_bytes() for p in (project / "docs").rglob("*.md")} == before


def test_add_writes_requested_tags_as_explicit_tags_each_from_the_taxonomy(project, capsys):
    path = project / SHARE
    before = path.read_bytes()
    code, _, err = run_cli(capsys, project, *add_args(), "--tags", "no-such-tag")
    assert code == 2 and "tags not in data/taxonomy.yml: #no-such-tag" in err
    assert path.read_bytes() == before
    # Ids, display names and aliases alike, written by id on the date line, each once; none needs a keyword.
    code, out, _ = run_cli(capsys, project, *add_args(), "--tags", "#vLLM，调度, RAG,vllm")
    assert code == 0, out
    inserted = b"".join(assert_only_insertions(before, path.read_bytes())).decode("utf-8")
    assert "\n2025-11-18 | #vllm #scheduling #rag\n" in inserted
    assert "explicit tags: #vllm, #scheduling, #rag" in out
    catalog = build_catalog(SiteLayout(project))
    entry = next(e for e in catalog.entries if e.link == "https://example.com/posts/vllm-scheduler")
    assert entry.explicit_tags == ["vllm", "scheduling", "rag"] and {"vllm", "scheduling", "rag"} <= set(entry.tags)
    assert entry.date.iso == "2025-11-18"


def test_add_dry_run_writes_nothing(project, capsys):
    before = (project / SHARE).read_bytes()
    code, out, _ = run_cli(capsys, project, *add_args(), "--dry-run")
    assert code == 0 and "would add" in out and "+ ## [新文章：vLLM 的调度器]" in out
    assert (project / SHARE).read_bytes() == before


def test_add_reads_the_summary_from_a_file_or_stdin(project, capsys):
    summary = project / "summary.md"
    summary.write_text("来自文件的摘要。\n\n第二段。\n", encoding="utf-8")
    base = ["add", "--title", "文件摘要", "--link", "https://example.com/file", "--month", "202511"]
    code, _, _ = run_cli(capsys, project, *base, "--summary-file", str(summary))
    assert code == 0
    result = subprocess.run(
        [sys.executable, "-m", "llminfra", "--root", str(project), "add", "--title", "管道摘要",
         "--link", "https://example.com/stdin", "--month", "202511"],
        input="来自标准输入的摘要。\n", capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    entries = {e.title: e for e in parse_share(project / SHARE).entries}
    assert entries["文件摘要"].summary == "来自文件的摘要。\n\n第二段。"
    assert entries["管道摘要"].summary == "来自标准输入的摘要。"
    assert entries["管道摘要"].source.line < entries["文件摘要"].source.line  # newest on top


def test_add_dates_the_entry_today_under_the_current_month_by_default(project, capsys):
    import datetime as dt

    before = dt.date.today()
    code, _, _ = run_cli(capsys, project, "add", "--title", "本月", "--link", "https://example.com/now",
                         "--summary", "摘要。")
    after = dt.date.today()
    assert code == 0
    entry = next(e for e in parse_share(project / SHARE).entries if e.title == "本月")
    assert entry.date.iso in {before.isoformat(), after.isoformat()}  # the one date taken from a clock
    assert (entry.listed_month.year, entry.listed_month.month) == (entry.date.year, entry.date.month)


def test_add_dates_an_article_listed_under_an_earlier_month_by_the_day_it_was_added(project, capsys):
    """The heading says where it is listed, the date line when it arrived: the archive and weeks use the date."""
    code, out, _ = run_cli(capsys, project, *add_args(month="202509")[:-2], "--date", "2025-12-02")
    assert code == 0, out
    entry = next(e for e in build_catalog(SiteLayout(project)).entries if e.link == "https://example.com/posts/vllm-scheduler")
    assert (entry.listed_month.month_key, entry.date.iso) == ("2025-09", "2025-12-02")
    assert entry.page == "share/contributed.md"


def test_the_added_entry_builds(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    code, _, _ = run_cli(capsys, project, *add_args(month="202512"))
    assert code == 0
    code, _, _ = run_cli(capsys, project, "check")
    assert code == 0
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    html = (tmp_path / "site/archive/2025/index.html").read_text(encoding="utf-8")
    section = html[html.index('id="m-2025-12"'):]
    assert "新文章：vLLM 的调度器" in section[: section.index("</ol>")]


# -- tags ---------------------------------------------------------------------


def test_tags_lists_counts_unknown_tags_and_untagged_entries(tmp_path, capsys):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / "docs/series").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data/taxonomy.yml").write_text(
        "tags:\n  vllm:\n    name: vLLM\n    keywords: [vLLM]\n  rag:\n    name: RAG\n    keywords: [RAG]\n",
        encoding="utf-8")
    (tmp_path / "docs/share/index.md").write_text(
        "# 分享\n\n## 202509\n\n## [vLLM 调度](https://example.com/a)\n\n讲 vLLM。\n\n"
        "## [无关文章](https://example.com/b)\n\n没有关键词。\n", encoding="utf-8")
    (tmp_path / "docs/series/index.md").write_text(
        "# 系列\n\n## [一](https://example.com/s1)\n2026-04-22 | x | #vLLM #职业发展\n\n描述。\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, tmp_path, "tags")
    assert code == 0
    assert re.search(r"^\s+2  vllm\s+vLLM\s+1/1/0\s*$", out, re.M)
    assert re.search(r"^\s+0  rag\s+RAG\s+0/0/0\s+未使用 unused$", out, re.M)
    assert re.search(r"^\s+1  职业发展\s+职业发展\s+0/1/0\s+未登记 not in taxonomy$", out, re.M)
    assert "  #职业发展 (1): docs/series/index.md:3" in out
    assert "  docs/share/index.md:9  无关文章" in out

    code, out, _ = run_cli(capsys, tmp_path, "tags", "--format", "json")
    report = json.loads(out)
    rows = {row["slug"]: row for row in report["tags"]}
    assert rows["vllm"]["count"] == 2 and rows["vllm"]["kinds"] == {"share": 1, "series": 1}
    assert rows["vllm"]["taxonomy_line"] == 2
    assert rows["uncategorized"]["count"] == 1
    assert report["unknown"] == [{"slug": "职业发展", "name": "职业发展", "count": 1, "occurrences": [
        {"path": "docs/series/index.md", "line": 3, "title": "一", "kind": "series", "link": "https://example.com/s1"}]}]
    assert [u["title"] for u in report["untagged"]] == ["无关文章"]


def test_tags_json_matches_the_catalog_of_the_real_site(capsys):
    code, out, _ = run_cli(capsys, ROOT, "tags", "--format", "json")
    assert code == 0
    report = json.loads(out)
    catalog = build_catalog(SiteLayout(ROOT))
    counts = {row["slug"]: row["count"] for row in report["tags"] if row["count"]}
    assert counts == {slug: len(tag.entries) for slug, tag in catalog.tags.items()}
    assert {u["slug"] for u in report["unknown"]} == set(catalog.unknown_tags)
    assert len(report["untagged"]) == len(catalog.untagged)


# -- conventions shared by every command ----------------------------------------

COMMAND_NAMES = ("check", "add", "tags", "export", "audio", "sync")


def run_program(*argv: str, program: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*program, *argv], capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=120)


def installed_script(tmp_path: Path) -> list[str]:
    """A console script named ``llminfra``, written as pip writes the one of ``[project.scripts]``."""
    script = tmp_path / "bin" / "llminfra"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("import sys\nfrom llminfra.commands.cli import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n", encoding="utf-8")
    return [sys.executable, str(script)]


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_root_is_accepted_before_or_after_the_command(tmp_path, capsys, before):
    argv = ["--root", str(ROOT), "tags", "--format", "json"] if before else \
        ["tags", "--format", "json", "--root", str(ROOT)]
    code = main(argv)
    assert code == 0
    assert json.loads(capsys.readouterr().out)["entries"] == len(build_catalog(SiteLayout(ROOT)).entries)


def test_root_after_the_command_wins_over_the_one_before(tmp_path, capsys):
    code = main(["--root", str(tmp_path), "check", "--root", str(ROOT)])
    assert code == 0 and "0 error(s)" in capsys.readouterr().out


def test_root_after_the_command_works_from_the_command_line(tmp_path):
    result = run_program("check", "--root", str(ROOT), program=[sys.executable, "-m", "llminfra"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stdout


def test_help_shows_the_name_the_program_was_invoked_by(tmp_path):
    as_module = run_program("--help", program=[sys.executable, "-m", "llminfra"])
    assert as_module.returncode == 0 and as_module.stdout.startswith("usage: python -m llminfra ")
    script = installed_script(tmp_path)
    as_script = run_program("--help", program=script)
    assert as_script.returncode == 0 and as_script.stdout.startswith("usage: llminfra ")
    sub = run_program("check", "--help", program=script)
    assert sub.stdout.startswith("usage: llminfra check ")
    usage_error = run_program("check", "--no-such-option", program=script)
    assert usage_error.returncode == 2 and usage_error.stderr.startswith("usage: llminfra ") and not usage_error.stdout


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_command_documents_its_exit_codes(command):
    result = run_program(command, "--help", program=[sys.executable, "-m", "llminfra"])
    assert result.returncode == 0
    codes = result.stdout[result.stdout.index("exit codes:"):]
    assert re.search(r"^  0  \S", codes, re.M) and re.search(r"^  2  usage error", codes, re.M)
    assert "--root" in result.stdout  # the global option, accepted after the command too


def test_the_program_help_documents_the_exit_codes_and_the_streams():
    result = run_program("--help", program=[sys.executable, "-m", "llminfra"])
    assert re.search(r"^  1  ", result.stdout, re.M) and "diagnostics to stderr" in result.stdout


def test_results_go_to_stdout_and_diagnostics_to_stderr(tmp_path, capsys):
    # tags: a report on stdout, nothing on stderr; without a project, only a diagnostic on stderr.
    code, out, err = run_cli(capsys, ROOT, "tags", "--format", "json")
    assert code == 0 and json.loads(out) and not err
    code, out, err = run_cli(capsys, tmp_path, "tags")
    assert code == 2 and not out and err.startswith("llminfra tags: no docs/ folder")
    # add: what was done on stdout; refusals on stderr (test_add_rejects_bad_input_… covers each).
    project = copy_project(tmp_path / "project")
    code, out, err = run_cli(capsys, project, *add_args(), "--dry-run")
    assert code == 0 and "would add" in out and not err
    code, out, err = run_cli(capsys, project, *add_args(link="ftp://example.com/x"))
    assert code == 2 and not out and err.startswith("llminfra add: ")
    # check: problems on stderr, the one-line summary on stdout.
    shutil.copy2(BAD_SHARE / "entry-without-link.md", project / "docs/share/bad.md")
    code, out, err = run_cli(capsys, project, "check")
    assert code == 1 and out.startswith("llminfra check: ") and len(out.splitlines()) == 1
    assert "docs/share/bad.md:9: entry '没有链接的好文' has no link" in err


# -- CONTRIBUTING.md ----------------------------------------------------------

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def message_family(text: str) -> str:
    """A message with its variable parts (places, quoted values, numbers, tags, element names) blanked out."""
    # A quoted value opens after a non-word character and closes on its line, so apostrophes in prose
    # ("the collector's paste") never pair up across the table.
    return re.sub(r"\S+\.md:\d+|(?<!\w)'[^'\n]*'(?!\w)|\d[\d-]*|#[^\s)`]+|<\w+>|…", "…", text)


def test_contributing_explains_every_problem_the_checks_report(tmp_path):
    docs = tmp_path / "docs"
    for kind in ("share", "series", "notes"):
        for fixture in sorted((ROOT / "tests/fixtures/bad" / kind).glob("*.md")):
            target = docs / kind / (fixture.name if kind != "series" else "index.md")
            target.parent.mkdir(parents=True, exist_ok=True)
            if kind == "series" and target.exists():
                target = docs / "share" / "series-as-share.md"
            shutil.copy2(fixture, target)
    (docs / "share/more.md").write_text(
        "# x\n\n## 202513\n\n## 202509\n\n## [a](https://example.com/a)\n\n"
        '<audio controls>\n  <source src="//cdn.example.com/a.mp3">\n</audio>\n\n'
        '<audio controls data-x="1">\n  <source src="a.mp3">\n</audio>\n\n'
        '<audio controls>\n  <source src="https://e.com/a.flac" type="audio/flac">\n</audio>\n\n'
        "## [a](https://example.com/a)\n\n## 202510\n\n## [b](https://example.com/b)\n2025-10-32 | vllm\n\n摘要。\n",
        encoding="utf-8")
    (docs / "share/index.md").write_text("# 镜像\n\n## 202509\n\n## [c](https://example.com/c)\n\n摘要。\n",
                                         encoding="utf-8")  # and no data/arrivals.yml
    (docs / "notes/bad-front-matter.md").write_text("---\ntitle: [unclosed\n---\n\n# x\n", encoding="utf-8")
    (docs / "tags").mkdir()
    (docs / "tags/index.md").write_text("# x\n", encoding="utf-8")
    layout = SiteLayout(tmp_path)
    catalog = build_catalog(layout)
    messages = [p.message for p in catalog.problems + generated_page_conflicts(layout, catalog)]
    assert len(set(map(message_family, messages))) >= 15
    documented = message_family(CONTRIBUTING)
    missing = {message_family(m)[:30] for m in messages if message_family(m)[:30] not in documented}
    assert not missing, f"CONTRIBUTING.md does not explain: {sorted(missing)}"


def markdown_examples() -> list[str]:
    return re.findall(r"```markdown\n(.*?)```", CONTRIBUTING, re.S)


def test_contributing_examples_parse_without_problems():
    share, series, note = markdown_examples()[:3]
    from llminfra.sources.notes import NoteParser
    from llminfra.sources.series import SeriesIndexParser

    parsed_share = ShareListParser().parse(SHARE, "share/index.md", share)
    assert not parsed_share.problems and len(parsed_share.entries) == 3
    assert [e.date.iso for e in parsed_share.entries] == ["2025-12-18", "2025-12-03", "2025-11-20"]
    assert parsed_share.entries[0].explicit_tags == ["vllm", "kv-cache"]
    assert [e.audio[0].src for e in parsed_share.entries if e.audio] == ["https://example.com/summary.mp3"]
    parsed_series = SeriesIndexParser().parse("docs/series/index.md", "series/index.md", series)
    assert not parsed_series.problems and parsed_series.entries[0].explicit_tags == ["llm", "infra", "overview"]
    parsed_note = NoteParser().parse("docs/notes/2026-06-22-jay.md", "notes/2026-06-22-jay.md", note)
    assert not parsed_note.problems and len(parsed_note.entries) == 1
    item = parsed_note.entries[0]
    assert item.link == "https://vllm.ai/blog/2026-06-12-minimax-m3-vllm"
    assert item.explicit_tags == ["vLLM", "MiniMax", "speculative-decoding"]
    assert excerpt_of(item).startswith("一句话说明")


def test_contributing_documents_the_commands_and_the_tags_decision():
    for command in ("python -m llminfra check", "--format github", "python -m llminfra add", "--tags",
                    "python -m llminfra tags", "mkdocs serve", "bash scripts/test"):
        assert command in CONTRIBUTING
    assert "写进日期行" in CONTRIBUTING and "拒绝写入" in CONTRIBUTING and "--date" in CONTRIBUTING
    assert "重新运行" in CONTRIBUTING and "hooks/" in CONTRIBUTING  # hook code needs a restart
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", sorted((ROOT / "tests/fixtures/upstream-variants").glob("*.md")),
                         ids=lambda p: p.name)
@pytest.mark.parametrize("month", ["209912", "202509", "199001"])
def test_add_inserts_only_into_every_upstream_variant(variant, month):
    raw = variant.read_bytes().decode("utf-8")
    before = ShareListParser().parse(SHARE, "share/index.md", raw)
    entry = NewShareEntry.validated("变体测试", "https://example.com/variant-test", "摘要。", month)
    result = add_entry(raw, SHARE, "share/index.md", entry)
    assert result.added
    assert_only_insertions(raw.encode("utf-8"), result.text.encode("utf-8"))
    after = ShareListParser().parse(SHARE, "share/index.md", result.text)
    assert len(after.entries) == len(before.entries) + 1 and problem_counts(after) == problem_counts(before)
    assert result.entry.date.month_key == f"{month[:4]}-{month[4:]}" and result.entry.position == 0
