"""``llminfra sync``: the mirror of upstream, byte for byte; tolerant intake.

Upstream's history replayed version by version, with its dates: tests/test_arrival_dates.py.
"""

from __future__ import annotations

import http.server
import re
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_frozen_project, copy_project, dated, run_mkdocs_build
from site_checks import internal_link_problems

from llminfra.commands.cli import main
from llminfra.domain.layout import SiteLayout
from llminfra.sources.loading import build_catalog
from llminfra.sources.provenance import read_provenance
from llminfra.sources.sharelist import ShareListParser

HISTORY = ROOT / "tests/fixtures/upstream-history"
MIRROR = "docs/share/index.md"
CONTRIBUTED = "docs/share/contributed.md"
README_URL = "https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/README.md"


def sync(capsys, root: Path, *argv: str, audio: bool = False) -> tuple[int, str, str]:
    """``llminfra sync``; offline unless ``audio`` (the history's clips are on GitHub)."""
    code = main(["--root", str(root), "sync", *argv, *(() if audio else ("--no-audio",))])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


OWNED = (MIRROR, "data/upstream.yml", "data/arrivals.yml", "data/audio.yml")


def owned_files(root: Path) -> dict[str, bytes | None]:
    """The bytes of every file sync writes (None: absent)."""
    return {name: (root / name).read_bytes() if (root / name).is_file() else None for name in OWNED}


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project (its mkdocs.yml says where upstream is)."""
    return copy_project(tmp_path / "project")


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes, float]] = {}
    hits: Counter = Counter()
    user_agents: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits[self.path] += 1
        type(self).user_agents.append(self.headers.get("User-Agent", ""))
        status, body, delay = self.routes.get(self.path, (404, b"not found", 0))
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the client gave up (the timeout test)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1: (base URL, routes {path: (status, body, delay)}, hit counter)."""
    _Handler.routes, _Handler.hits, _Handler.user_agents = {}, Counter(), []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler.routes, _Handler.hits
    httpd.shutdown()
    httpd.server_close()


# -- the command ------------------------------------------------------------------


def test_sync_writes_upstream_bytes_exactly_and_reports_the_change(project, capsys):
    version = HISTORY / "20-af753d4.md"
    code, out, _ = sync(capsys, project, "--from", str(version), "--allow-shrink")
    assert code == 0, out
    assert (project / MIRROR).read_bytes() == version.read_bytes()
    data = version.read_bytes()
    assert b"\r\n" in data and "\u200b".encode() in data  # CRLF and zero-width spaces kept
    newer = HISTORY / "21-21a32a6.md"
    code, out, _ = sync(capsys, project, "--from", newer.as_uri())
    assert code == 0 and (project / MIRROR).read_bytes() == newer.read_bytes()
    assert "19 added" not in out and re.search(r"21 entries; 2 added, 0 removed, \d+ changed", out), out
    added = [line for line in out.splitlines() if line.startswith("+ ")]
    assert len(added) == 2 and all(re.match(r"\+ \d{4}-\d{2} 「.+」$", line) for line in added)
    code, out, _ = sync(capsys, project, "--from", str(newer))
    assert code == 0 and out.startswith("llminfra sync: no change")


def test_sync_records_the_commit_it_is_given_and_the_share_page_shows_it(project, capsys, tmp_path):
    code, _, _ = sync(capsys, project, "--from", str(HISTORY / "22-668e0a1.md"), "--commit", "668e0a1",
                      "--committed", "2025-11-06T23:50:49+08:00")
    assert code == 0
    provenance = read_provenance(project)
    assert (provenance.commit, provenance.committed) == ("668e0a1", "2025-11-06T23:50:49+08:00")
    assert provenance.name == "DongminWu/LLM-Infra-sys" and provenance.date == "2025-11-06"
    built = copy_project(tmp_path / "built")
    shutil.copytree(project / "docs", built / "docs", dirs_exist_ok=True)
    shutil.copy2(project / "data/upstream.yml", built / "data/upstream.yml")
    first = run_mkdocs_build(built, tmp_path / "site1")
    assert first.returncode == 0, first.stderr[-3000:]
    html = (tmp_path / "site1/share/index.html").read_text(encoding="utf-8")
    line = re.search(r'<p class="llm-provenance"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert 'href="https://github.com/DongminWu/LLM-Infra-sys"' in line and "2025-11-06" in line
    assert 'href="https://github.com/DongminWu/LLM-Infra-sys/commit/668e0a1"' in line
    second = run_mkdocs_build(built, tmp_path / "site2")
    assert (tmp_path / "site2/share/index.html").read_bytes() == html.encode("utf-8")  # no build time in it
    assert second.returncode == 0


@pytest.mark.parametrize("body, message", [
    (b"", "the file is empty"),
    (b"<!DOCTYPE html><html><body>Rate limited</body></html>", "HTML page, not a share list"),
    (b"\xff\xfe# t\n", "not UTF-8"),
])
def test_content_that_is_not_a_share_list_is_refused_and_the_mirror_is_kept(project, capsys, tmp_path, body,
                                                                            message):
    before = owned_files(project)
    bad = tmp_path / "bad.md"
    bad.write_bytes(body)
    code, out, err = sync(capsys, project, "--from", str(bad))
    assert code == 2 and message in err and "no file changed" in err
    assert owned_files(project) == before and not out


def test_a_file_with_far_fewer_entries_is_a_broken_fetch_unless_allowed(project, capsys):
    before = (project / MIRROR).read_bytes()
    code, _, err = sync(capsys, project, "--from", str(HISTORY / "12-d6ba44d.md"))
    assert code == 2 and "--allow-shrink" in err and (project / MIRROR).read_bytes() == before
    code, out, _ = sync(capsys, project, "--from", str(HISTORY / "12-d6ba44d.md"), "--allow-shrink")
    assert code == 0 and "removed" in out


def test_sync_fetches_over_http_retries_server_errors_and_fails_on_timeouts(project, capsys, server):
    base, routes, hits = server
    data = (HISTORY / "22-668e0a1.md").read_bytes()
    routes["/README.md"] = (200, data, 0)
    code, out, _ = sync(capsys, project, "--from", f"{base}/README.md")
    assert code == 0 and (project / MIRROR).read_bytes() == data
    assert _Handler.user_agents == ["llminfra-sync (+https://github.com/llm-infra-reading)"]  # says who asks
    routes["/flaky"] = (503, b"busy", 0)
    code, _, err = sync(capsys, project, "--from", f"{base}/flaky", "--attempts", "2")
    assert code == 1 and hits["/flaky"] == 2 and "HTTP 503" in err
    routes["/missing"] = (404, b"no", 0)
    code, _, err = sync(capsys, project, "--from", f"{base}/missing", "--attempts", "3")
    assert code == 1 and hits["/missing"] == 1 and "HTTP 404" in err  # a client error is final
    routes["/slow"] = (200, data, 2.0)
    started = time.monotonic()
    code, _, err = sync(capsys, project, "--from", f"{base}/slow", "--timeout", "0.3", "--attempts", "1")
    assert code == 1 and "timed out" in err and time.monotonic() - started < 2.0
    assert (project / MIRROR).read_bytes() == data


def test_a_failed_fetch_leaves_no_half_written_file(project, capsys, tmp_path):
    before = (project / MIRROR).read_bytes()
    code, _, err = sync(capsys, project, "--from", str(tmp_path / "nothing-here.md"))
    assert code == 1 and "cannot read" in err
    assert (project / MIRROR).read_bytes() == before
    assert not [p for p in (project / "docs/share").iterdir() if p.name.endswith(".tmp")]


def test_sync_never_touches_the_contributors_file(project, capsys):
    assert main(["--root", str(project), "add", "--title", "贡献者的文章", "--link", "https://example.com/c",
                 "--summary", "摘要。", "--month", "202512"]) == 0
    contributed = (project / CONTRIBUTED).read_bytes()
    for version in ("20-af753d4.md", "22-668e0a1.md"):
        assert sync(capsys, project, "--from", str(HISTORY / version), "--allow-shrink")[0] == 0
    assert (project / CONTRIBUTED).read_bytes() == contributed


def test_pr_body_lists_the_new_entries(project, capsys, tmp_path):
    sync(capsys, project, "--from", str(HISTORY / "20-af753d4.md"), "--allow-shrink")
    body = tmp_path / "body.md"
    code, _, _ = sync(capsys, project, "--from", str(HISTORY / "22-668e0a1.md"), "--pr-body", str(body),
                      "--commit", "668e0a1")
    assert code == 0
    text = body.read_text(encoding="utf-8")
    assert "### 新增 17 篇" in text and text.count("\n- 2025-") == 17 and "提交 `668e0a1`" in text
    code, _, _ = sync(capsys, project, "--from", str(HISTORY / "22-668e0a1.md"), "--pr-body", str(body))
    assert code == 0 and body.read_text(encoding="utf-8") == ""  # no file changed: nothing to propose


def test_add_writes_the_contributors_file_and_refuses_the_mirror(project, capsys):
    mirror = (project / MIRROR).read_bytes()
    assert main(["--root", str(project), "add", "--title", "t", "--link", "https://example.com/x", "--summary",
                 "s", "--month", "202512", "--file", MIRROR]) == 2
    assert "mirrors the upstream share list" in capsys.readouterr().err
    listed = ShareListParser(mirror_of=README_URL).parse(MIRROR, "share/index.md", mirror.decode()).entries[0]
    assert main(["--root", str(project), "add", "--title", "t", "--link", listed.raw_link, "--summary", "s"]) == 0
    assert "already listed upstream" in capsys.readouterr().out
    assert (project / MIRROR).read_bytes() == mirror


# -- tolerant intake of the mirror; the same defects stay errors in contributors' files ---------------------

COLLECTOR_DEFECTS = {
    "unbalanced ]": ("## 202509\n\n## [大模型]推理(上](https://e.com/a)\n\n摘要。\n", "unbalanced brackets"),
    "title with ](": ("## 202509\n\n## [a](b) c](https://e.com/b)\n\n摘要。\n", "unbalanced brackets"),
    "unbalanced [": ("## 202509\n\n## [[草稿 KV cache](https://e.com/c)\n\n摘要。\n", "unbalanced brackets"),
    "empty summary": ("## 202509\n\n## [空](https://e.com/d)\n\n## [下一篇](https://e.com/e)\n\n摘要。\n",
                      "has no summary"),
    "entry before month": ("## [早到](https://e.com/f)\n\n摘要。\n\n## 202509\n", "before any month heading"),
}


@pytest.mark.parametrize("case", list(COLLECTOR_DEFECTS))
def test_collector_defects_are_notices_in_the_mirror_and_errors_elsewhere(case):
    body, message = COLLECTOR_DEFECTS[case]
    text = "\ufeff# 好文\r\n\r\n" + body.replace("\n", "\r\n")
    mirror = ShareListParser(mirror_of=README_URL).parse(MIRROR, "share/index.md", text)
    edited = ShareListParser().parse(CONTRIBUTED, "share/contributed.md", text)
    assert [p.severity for p in mirror.problems if message in p.message] == ["notice"]
    assert [p.severity for p in edited.problems if message in p.message] == ["error"]
    assert all(p.line >= 1 for p in mirror.problems)
    assert not [p for p in mirror.problems if p.severity == "error"]
    assert [e.link for e in mirror.entries] == [e.link for e in edited.entries]
    assert all(e.link and e.link.startswith("https://e.com/") for e in mirror.entries)


def test_titles_are_read_as_the_collector_wrote_them():
    text = "## 202509\n\n## [a](b) c](https://e.com/b)\n\nx\n\n## [大模型]推理(上](https://e.com/a)\n\ny\n"
    entries = ShareListParser(mirror_of=README_URL).parse(MIRROR, "share/index.md", text).entries
    assert [e.title for e in entries] == ["a](b) c", "大模型]推理(上"]


def test_upstream_relative_audio_plays_from_the_upstream_repository(tmp_path):
    for name in ("docs/share",):
        (tmp_path / name).mkdir(parents=True)
    clips = ["202509/中文.mp3", "/202509/50%PD.mp3", "/assets/202509/k.mp3"]
    text = "# t\n\n## 202509\n\n" + "".join(
        f'## [a{i}](https://e.com/{i})\n\n摘要。\n\n<audio controls="">\n  <source src="{src}" type="audio/mp3" />\n'
        "</audio>\n\n" for i, src in enumerate(clips))
    (tmp_path / MIRROR).write_text(text, encoding="utf-8")
    (tmp_path / CONTRIBUTED).write_text(dated(text.replace("e.com/", "e.org/")), encoding="utf-8")
    catalog = build_catalog(SiteLayout(tmp_path))
    base = "https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/"
    mirrored = [e for e in catalog.entries if e.source.path == MIRROR]
    assert [e.audio[0].src for e in mirrored] == [base + "202509/%E4%B8%AD%E6%96%87.mp3", base + "202509/50%25PD.mp3",
                                                  base + "assets/202509/k.mp3"]
    notices = [p for p in catalog.problems if p.path == MIRROR and "upstream repository" in p.message]
    assert len(notices) == 3 and all(p.severity == "notice" for p in notices)
    assert not [p for p in catalog.problems if p.path == MIRROR and p.severity == "error"]
    # The clip keeps the line of its <audio> block through the resolution: notices about it point there.
    audio_lines = [number for number, line in enumerate(text.split("\n"), 1) if line.startswith("<audio")]
    unmeasured = [p.line for p in catalog.problems if p.path == MIRROR and "no measured size" in p.message]
    assert unmeasured == audio_lines
    errors = [p for p in catalog.errors if p.path == CONTRIBUTED]
    assert len(errors) == 3 and all("does not exist under docs/" in p.message for p in errors)


def test_the_same_article_in_the_mirror_and_the_contributors_file_is_shown_once(tmp_path):
    (tmp_path / "docs/share").mkdir(parents=True)
    (tmp_path / MIRROR).write_text("# t\n\n## 202509\n\n## [A](https://e.com/a)\n\n摘要。\n", encoding="utf-8")
    (tmp_path / CONTRIBUTED).write_text("# c\n\n## 202509\n\n## [A 再次](https://e.com/a)\n\n摘要。\n\n"
                                        "## [B](https://e.com/b)\n\n摘要。\n\n## [B](https://e.com/b)\n\n摘要。\n",
                                        encoding="utf-8")
    catalog = build_catalog(SiteLayout(tmp_path))
    assert sorted(e.link for e in catalog.entries) == ["https://e.com/a", "https://e.com/b"]
    duplicates = {(p.path, p.line): p.severity for p in catalog.problems if "duplicate" in p.message}
    assert duplicates == {(CONTRIBUTED, 5): "notice", (CONTRIBUTED, 13): "error"}


def test_a_content_pull_request_passes_add_then_sync_then_a_strict_build(tmp_path, capsys):
    """The acceptance test: a contributor adds a new month and entry, upstream moves on, the site still builds."""
    project = copy_project(tmp_path / "project")
    assert sync(capsys, project, "--from", str(HISTORY / "20-af753d4.md"), "--allow-shrink")[0] == 0
    assert main(["--root", str(project), "add", "--title", "新月份里的新文章：KV cache 分层", "--link",
                 "https://example.com/new-month", "--summary", "读者补充的一篇。", "--month", "203001"]) == 0
    assert sync(capsys, project, "--from", str(HISTORY / "22-668e0a1.md"))[0] == 0
    assert main(["--root", str(project), "check"]) == 0
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert_live_content_invariants(project, tmp_path / "site")
    assert "新月份里的新文章" in (tmp_path / "site/share/contributed/index.html").read_text(encoding="utf-8")


def assert_live_content_invariants(project: Path, site: Path) -> None:
    """What holds for any content: every entry shown exactly once on its page, tag pages reachable, no dead links."""
    catalog = build_catalog(SiteLayout(project))
    for page in {e.page for e in catalog.entries}:
        html = (site / page.replace("index.md", "").replace(".md", "/") / "index.html").read_text(encoding="utf-8")
        found = Counter(re.findall(r'id="([^"]+)"', html))
        assert all(found[e.anchor] == 1 for e in catalog.entries if e.page == page), page
    tags_index = (site / "tags/index.html").read_text(encoding="utf-8")
    for slug in catalog.tags:
        assert f'href="{slug}/"' in tags_index and (site / "tags" / slug / "index.html").is_file(), slug
    assert internal_link_problems(site) == []


@pytest.mark.content
def test_the_live_docs_hold_the_content_invariants(tmp_path):
    result = run_mkdocs_build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert_live_content_invariants(ROOT, tmp_path / "site")
    provenance = read_provenance(ROOT)
    assert provenance is not None and provenance.sha256
    import hashlib

    assert hashlib.sha256((ROOT / MIRROR).read_bytes()).hexdigest() == provenance.sha256  # the mirror is as synced


def test_sync_reads_the_configured_upstream_and_measures_its_new_audio(tmp_path, capsys):
    """Without --from, sync reads extra.llminfra.upstream.readme_url; a clip named by a path inside the upstream
    repository is resolved against it, downloaded and recorded in data/audio.yml, so the build knows its length."""
    from test_audio_metadata import VOICE_A, ClipServer

    server = ClipServer()
    try:
        readme = ("# 分享\r\n\r\n## 202509\r\n\r\n## [好文](https://example.com/a)\r\n\r\n摘要\u200b。\r\n\r\n"
                  '<audio controls="">\r\n  <source src="202509/voice a.mp3" type="audio/mp3" />\r\n</audio>\r\n')
        server.files["/repo/README.md"] = readme.encode("utf-8")
        server.files["/repo/202509/voice a.mp3"] = VOICE_A.read_bytes()
        project = copy_frozen_project(tmp_path / "project")
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "readme_url: https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/README.md",
            f"readme_url: {server.base}/repo/README.md"), encoding="utf-8")
        code, out, err = sync(capsys, project, "--allow-shrink", audio=True)
        assert code == 0, err
        assert (project / MIRROR).read_bytes() == readme.encode("utf-8")
        records = yaml.safe_load((project / "data/audio.yml").read_text(encoding="utf-8"))
        url = f"{server.base}/repo/202509/voice%20a.mp3"
        assert records[url]["bytes"] == VOICE_A.stat().st_size, records
        assert "audio: 1 measured" in out
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def test_a_hand_edit_of_the_mirror_fails_check_until_the_next_sync(project, capsys):
    version = HISTORY / "22-668e0a1.md"
    code, _, _ = sync(capsys, project, "--from", str(version), "--commit", "668e0a1")
    assert code == 0

    def mirror_problems() -> list:
        catalog = build_catalog(SiteLayout(project))
        return [p for p in catalog.problems if p.path == MIRROR and "differs from upstream's file" in p.message]

    assert mirror_problems() == []
    with (project / MIRROR).open("ab") as mirror:
        mirror.write(b"\n<!-- edited here -->\n")
    lines = version.read_bytes().count(b"\n")
    ((problem,),) = [mirror_problems()]
    assert problem.severity == "error" and problem.line == lines + 1 and CONTRIBUTED in problem.hint
    code, _, _ = sync(capsys, project, "--from", str(version))
    assert code == 0 and mirror_problems() == []


# -- upstream's file is never rejected for its entries ------------------------------------------------------------


def test_a_hostile_entry_never_stops_the_sync(project, capsys, tmp_path):
    """A javascript: link, a NUL byte, bytes that are not UTF-8, a script in a title: upstream's file as it is."""
    hostile = (b"# \xe5\xa5\xbd\xe6\x96\x87\r\n\r\n## 202509\r\n\r\n## [js](javascript:alert(1))\r\n\r\nsum\r\n\r\n"
               b"## [nul](https://e.com/nul)\r\n\r\nbad \x00 byte\r\n\r\n## [latin](https://e.com/latin)\r\n\r\n"
               b"caf\xe9\r\n\r\n## [<script>alert(1)</script>](https://e.com/s)\r\n\r\nx\r\n")
    upstream = tmp_path / "README.md"
    upstream.write_bytes(hostile)
    code, out, err = sync(capsys, project, "--from", str(upstream), "--allow-shrink")
    assert code == 0, err
    assert (project / MIRROR).read_bytes() == hostile and "notice(s) in upstream's file" in out
    catalog = build_catalog(SiteLayout(project))
    assert [p for p in catalog.errors if p.path == MIRROR] == []
    assert main(["--root", str(project), "check"]) == 0


# -- convergence: every file sync owns is repaired by the next sync ---------------------------------------------


@pytest.fixture
def clip_server():
    from test_audio_metadata import VOICE_A, ClipServer

    server = ClipServer()
    server.files["/clip.mp3"] = VOICE_A.read_bytes()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def upstream_with_a_clip(folder: Path, clip_base: str) -> Path:
    readme = folder / "README.md"
    readme.write_text("# 分享\r\n\r\n## 202509\r\n\r\n## [好文](https://example.com/a)\r\n\r\n摘要。\r\n\r\n"
                      f'<audio controls="">\r\n  <source src="{clip_base}/clip.mp3" type="audio/mp3" />\r\n'
                      "</audio>\r\n\r\n## [另一篇](https://example.com/b)\r\n\r\n摘要。\r\n", encoding="utf-8")
    return readme


class Interrupted:
    """Makes the (n+1)-th write of a project file raise KeyboardInterrupt, as a Ctrl-C there would."""

    def __init__(self, monkeypatch, after: int):
        from llminfra.authoring import atomic_files, audio_records

        self.left = after
        real = atomic_files.write_bytes_atomically

        def write(path, data):
            if self.left == 0:
                raise KeyboardInterrupt
            self.left -= 1
            real(path, data)

        monkeypatch.setattr(atomic_files, "write_bytes_atomically", write)
        monkeypatch.setattr(audio_records, "write_bytes_atomically", write)


@pytest.mark.parametrize("after", [0, 1, 2, 3], ids=["before the mirror", "after the mirror",
                                                       "after data/upstream.yml", "after data/arrivals.yml"])
def test_a_sync_interrupted_after_any_write_is_repaired_by_the_next(tmp_path, capsys, monkeypatch, clip_server,
                                                                    after):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    readme = upstream_with_a_clip(tmp_path, clip_server.base)
    argv = ("--from", str(readme), "--allow-shrink", "--committed", "2025-12-01T08:00:00+08:00")
    reference = copy_project(tmp_path / "reference")
    assert sync(capsys, reference, *argv, audio=True)[0] == 0
    expected = owned_files(reference)
    assert all(expected.values())  # sync wrote all four
    project = copy_project(tmp_path / "project")
    with monkeypatch.context() as patched:
        Interrupted(patched, after)
        code, _, err = sync(capsys, project, *argv, audio=True)
    assert code == 130 and err.endswith("llminfra sync: interrupted\n")
    assert owned_files(project) != expected
    code, _, err = sync(capsys, project, *argv, audio=True)
    assert code == 0, err
    assert owned_files(project) == expected
    assert main(["--root", str(project), "check"]) == 0


def test_a_repeated_sync_of_the_same_file_writes_no_file(tmp_path, capsys, monkeypatch, clip_server):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    readme = upstream_with_a_clip(tmp_path, clip_server.base)
    project = copy_project(tmp_path / "project")
    assert sync(capsys, project, "--from", str(readme), "--allow-shrink", audio=True)[0] == 0
    stats = {name: ((project / name).stat().st_ino, (project / name).stat().st_mtime_ns) for name in OWNED}
    body = tmp_path / "body.md"
    code, out, _ = sync(capsys, project, "--from", str(readme), "--pr-body", str(body), audio=True)
    assert code == 0 and out.startswith("llminfra sync: no change") and body.read_text(encoding="utf-8") == ""
    assert {name: ((project / name).stat().st_ino, (project / name).stat().st_mtime_ns) for name in OWNED} == stats


def test_the_day_of_the_sync_is_kept_while_upstreams_file_stays_the_same(project, capsys):
    version = str(HISTORY / "22-668e0a1.md")
    assert sync(capsys, project, "--from", version, "--commit", "668e0a1")[0] == 0
    provenance = project / "data/upstream.yml"
    data = yaml.safe_load(provenance.read_text(encoding="utf-8"))
    data["synced"] = "2020-01-01"  # as if it had been synced long ago
    provenance.write_text(yaml.safe_dump(data), encoding="utf-8")
    # A later upstream commit that did not change the file is no news: the record keeps its commit and day.
    assert sync(capsys, project, "--from", version, "--commit", "1234567")[0] == 0
    kept = read_provenance(project)
    assert (kept.commit, kept.synced) == ("668e0a1", "2020-01-01")
    before = provenance.read_bytes()
    assert sync(capsys, project, "--from", version, "--commit", "1234567")[0] == 0
    assert provenance.read_bytes() == before


# -- a hand edit of the mirror: check and the strict build name its first line -------------------------------------


def synced_project(project: Path, capsys) -> bytes:
    version = HISTORY / "22-668e0a1.md"
    assert sync(capsys, project, "--from", str(version), "--commit", "668e0a1")[0] == 0
    return version.read_bytes()


def hand_edit_error(project: Path) -> str:
    catalog = build_catalog(SiteLayout(project))
    (problem,) = [p for p in catalog.errors if p.path == MIRROR]
    return str(problem)


def test_a_hand_edit_names_the_first_line_that_differs(project, capsys):
    original = synced_project(project, capsys)
    day = read_provenance(project).synced
    lines = original.split(b"\n")
    pasted = [b"## [pasted](https://example.com/pasted)\r", b"\r", b"summary\r", b"\r"]
    (project / MIRROR).write_bytes(b"\n".join(lines[:20] + pasted + lines[20:]))
    assert hand_edit_error(project) == (
        f"{MIRROR}:21: differs from upstream's file as last synced (commit 668e0a1, synced {day}) "
        f"(move the entry to {CONTRIBUTED}; sync restores upstream's file)")
    (project / MIRROR).write_bytes(original.replace(b"\r\n", b"\n"))  # an editor that drops the CRs
    assert hand_edit_error(project).startswith(f"{MIRROR}:1: ")
    edited = lines[:]
    edited[200] = edited[200].replace(b"\r", b" \r")  # one space at the end of line 201
    (project / MIRROR).write_bytes(b"\n".join(edited))
    assert hand_edit_error(project).startswith(f"{MIRROR}:201: ")
    assert main(["--root", str(project), "check"]) == 1


def test_a_hand_edit_fails_the_strict_build(project, capsys, tmp_path):
    original = synced_project(project, capsys)
    (project / MIRROR).write_bytes(original + b"\r\n## [pasted](https://example.com/pasted)\r\n\r\nsummary\r\n")
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    line = original.count(b"\n") + 1
    assert f"{MIRROR}:{line}: differs from upstream's file as last synced" in result.stderr


def test_a_record_without_line_fingerprints_points_at_line_1(project, capsys):
    original = synced_project(project, capsys)
    provenance = project / "data/upstream.yml"
    data = yaml.safe_load(provenance.read_text(encoding="utf-8"))
    del data["lines"]  # written before sync recorded them
    provenance.write_text(yaml.safe_dump(data), encoding="utf-8")
    (project / MIRROR).write_bytes(original + b"x\n")
    assert hand_edit_error(project).startswith(f"{MIRROR}:1: differs from upstream's file as last synced")


def test_line_fingerprints_stay_small():
    from llminfra.domain.upstream import line_fingerprints

    data = (HISTORY / "22-668e0a1.md").read_bytes()
    assert len(line_fingerprints(data)) <= 3 * (data.count(b"\n") + 1)  # under 3 characters a line


# -- the pull request body shows upstream's titles inert -------------------------------------------------------


def test_the_pull_request_body_renders_titles_inert(project, capsys, tmp_path):
    import markdown

    titles = ["<img src=x onerror=alert(1)>", "<!-- hidden", "[点我](https://evil.example)", "@octocat 你好",
              "`code` and ``more``", "#123 and GH-7", "**粗** _斜_"]
    text = "# 好文\n\n## 202509\n\n" + "".join(
        f"## [{title}](https://example.com/{number})\n\n摘要。\n\n" for number, title in enumerate(titles))
    text += "## [坏链接](javascript:alert(1))\n\n摘要。\n"
    upstream = tmp_path / "README.md"
    upstream.write_text(text, encoding="utf-8")
    body = tmp_path / "body.md"
    assert sync(capsys, project, "--from", str(upstream), "--allow-shrink", "--no-audio", "--pr-body",
                str(body), "--commit", "<b>@x</b>")[0] == 0
    markdown_text = body.read_text(encoding="utf-8")
    added = markdown_text[markdown_text.index("### 新增"):markdown_text.index("### 上游删除")]
    items = [line for line in added.splitlines() if line.startswith("- ")]
    assert len(items) == len(titles) + 1
    item = re.compile(r"^- 2025-09 (`+)( ?)(.+?)\2\1( \[原文\]\(<https://example\.com/\d+>\))?$")
    assert all(item.match(line) for line in items), items
    html = markdown.markdown(markdown_text)
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert "<img" not in outside_code and "<!--" not in outside_code and "@" not in outside_code
    links = re.findall(r'href="([^"]+)"', markdown.markdown(added))
    assert links == [f"https://example.com/{n}" for n in range(len(titles))]  # only the entries' own links
    assert "javascript" not in outside_code


# -- provenance: the commit and date are what the command line says -------------------------------------------------


def test_sync_guesses_no_commit_and_says_when_it_uses_its_own_clock(project, capsys):
    (project / "data/arrivals.yml").unlink()
    code, out, _ = sync(capsys, project, "--from", str(HISTORY / "20-af753d4.md"), "--allow-shrink")
    assert code == 0
    provenance = read_provenance(project)
    assert provenance.commit is None and provenance.committed is None  # index.tsv beside it is not read
    assert "this machine's clock: no --committed given" in out
    code, _, err = sync(capsys, project, "--from", str(HISTORY / "21-21a32a6.md"), "--committed", "2025-09-27")
    assert code == 2 and "is not a date and time with its UTC offset" in err
