"""Remote audio measured by `llminfra audio` (a local HTTP server on 127.0.0.1), and the build reading the result."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import mutagen
import pytest
import requests
import yaml
from conftest import ROOT

from llminfra.authoring.remote_audio import AUDIO_LIMITS, USER_AGENT, measure_remote_audio
from llminfra.commands.cli import main as cli
from llminfra.domain.layout import SiteLayout
from llminfra.sources.audio_metadata import AUDIO_DATA, read_audio_records
from llminfra.sources.loading import build_catalog

FIXTURE_AUDIO = ROOT / "tests/fixtures/audio"
VOICE_A = FIXTURE_AUDIO / "voice-a.mp3"
VOICE_B = FIXTURE_AUDIO / "voice-b.mp3"
# Upstream's own clip, beside the clone in CI (../shared); generated clips cover every case without it.
UPSTREAM_CLIP = ROOT.parent / "shared/data/upstream/audio/BGERAG.mp3"
FAST = dataclasses.replace(AUDIO_LIMITS, timeout=0.5, attempts=3, backoff=0.01, total_seconds=10)


class ClipServer:
    """Serves files by path with ETag/Last-Modified and 304s; can fail, stall or lie on request."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, int] = {}  # path -> 500s still to answer
        self.stall: set[str] = set()  # paths that never answer in time
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = unquote(urlsplit(self.path).path)  # the file name as on a real server's disk
                server.requests.append((path, dict(self.headers)))
                if path in server.stall:
                    time.sleep(2)
                if server.failures.get(path, 0) > 0:
                    server.failures[path] -= 1
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = server.files.get(path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Mon, 01 Sep 2025 00:00:00 GMT")
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def gets(self, path: str) -> list[dict]:
        return [headers for got, headers in self.requests if got == path]


@pytest.fixture
def server():
    clip_server = ClipServer()
    yield clip_server
    clip_server.httpd.shutdown()
    clip_server.httpd.server_close()


@pytest.fixture
def session():
    # No proxy from the environment: the only address these tests use is 127.0.0.1.
    with requests.Session() as local:
        local.trust_env = False
        yield local


def share_project(tmp_path: Path, sources: list[str]) -> Path:
    """A project whose share list has one entry per audio ``src``."""
    root = tmp_path / "project"
    (root / "docs/share").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy2(ROOT / "data/taxonomy.yml", root / "data/taxonomy.yml")
    lines = ["# 分享", "", "", "## 202509", ""]
    for number, src in enumerate(sources, 1):
        lines += [f"## [文章 {number}](https://example.com/{number})", "", f"摘要 {number}。", "",
                  "<audio controls>", f'  <source src="{src}" type="audio/mp3">', "</audio>", "", ""]
    (root / "docs/share/contributed.md").write_text("\n".join(lines), encoding="utf-8")
    return root


def clips(root: Path):
    return [clip for entry in build_catalog(SiteLayout(root)).entries for clip in entry.audio]


# -- measuring ----------------------------------------------------------------


def test_audio_measures_new_clips_and_the_build_reads_the_record_offline(tmp_path, server, session):
    server.files["/202509/中文 摘要.mp3"] = VOICE_A.read_bytes()
    raw = f"{server.base}/202509/中文 摘要.mp3"  # raw form: space and CJK as typed
    root = share_project(tmp_path, [raw])
    report = measure_remote_audio(root, limits=FAST, session=session)
    assert report.ok and len(report.measured) == 1 and report.downloaded_bytes == VOICE_A.stat().st_size
    key = report.measured[0]
    assert key == f"{server.base}/202509/%E4%B8%AD%E6%96%87%20%E6%91%98%E8%A6%81.mp3"  # encoded exactly once
    data = yaml.safe_load((root / AUDIO_DATA).read_text(encoding="utf-8"))
    record = data[key]
    assert record["bytes"] == VOICE_A.stat().st_size
    assert record["duration"] == pytest.approx(mutagen.File(VOICE_A).info.length, abs=0.001)
    assert record["mime"] == "audio/mpeg"
    assert record["sha256"] == hashlib.sha256(VOICE_A.read_bytes()).hexdigest()
    assert record["etag"] and record["last_modified"]
    # The build: no server needed any more, the clip has its size and duration.
    server.httpd.shutdown()
    (clip,) = clips(root)
    assert clip.length_bytes == VOICE_A.stat().st_size and clip.duration_seconds == pytest.approx(1.584, abs=0.01)


def test_the_percent_encoded_spelling_shares_the_record_of_the_raw_one(tmp_path, server, session):
    server.files["/a b/中.mp3"] = VOICE_A.read_bytes()
    root = share_project(tmp_path, [f"{server.base}/a b/中.mp3", f"{server.base}/a%20b/%e4%b8%ad.mp3"])
    report = measure_remote_audio(root, limits=FAST, session=session)
    assert len(report.measured) == 1 and len(server.gets("/a b/中.mp3")) == 1
    assert all(clip.length_bytes == VOICE_A.stat().st_size for clip in clips(root))


def test_known_clips_are_not_downloaded_again(tmp_path, server, session):
    server.files["/x.mp3"] = VOICE_A.read_bytes()
    root = share_project(tmp_path, [f"{server.base}/x.mp3"])
    measure_remote_audio(root, limits=FAST, session=session)
    before = (root / AUDIO_DATA).read_bytes()
    report = measure_remote_audio(root, limits=FAST, session=session)
    assert report.known == [f"{server.base}/x.mp3"] and report.downloaded_bytes == 0
    assert len(server.gets("/x.mp3")) == 1 and (root / AUDIO_DATA).read_bytes() == before


def test_refresh_notices_a_changed_file_by_etag_and_keeps_an_unchanged_one(tmp_path, server, session):
    server.files["/same.mp3"] = VOICE_A.read_bytes()
    server.files["/moving.mp3"] = VOICE_A.read_bytes()
    root = share_project(tmp_path, [f"{server.base}/same.mp3", f"{server.base}/moving.mp3"])
    measure_remote_audio(root, limits=FAST, session=session)
    server.files["/moving.mp3"] = VOICE_B.read_bytes()  # upstream replaced the file: new ETag
    report = measure_remote_audio(root, refresh=True, limits=FAST, session=session)
    assert report.changed == [f"{server.base}/moving.mp3"] and report.unchanged == [f"{server.base}/same.mp3"]
    assert report.downloaded_bytes == VOICE_B.stat().st_size  # the unchanged one answered 304
    assert server.gets("/same.mp3")[-1]["If-None-Match"].startswith('"')
    records, problems = read_audio_records(root / AUDIO_DATA)
    assert not problems
    assert records[f"{server.base}/moving.mp3"].length_bytes == VOICE_B.stat().st_size
    assert records[f"{server.base}/moving.mp3"].duration_seconds == pytest.approx(1.152, abs=0.01)


def test_refresh_compares_the_hash_when_the_server_sends_no_etag(tmp_path, server, session):
    server.files["/x.mp3"] = VOICE_A.read_bytes()
    root = share_project(tmp_path, [f"{server.base}/x.mp3"])
    measure_remote_audio(root, limits=FAST, session=session)
    data = yaml.safe_load((root / AUDIO_DATA).read_text(encoding="utf-8"))
    del data[f"{server.base}/x.mp3"]["etag"]
    (root / AUDIO_DATA).write_text(yaml.safe_dump(data), encoding="utf-8")
    report = measure_remote_audio(root, refresh=True, limits=FAST, session=session)
    assert report.unchanged == [f"{server.base}/x.mp3"] and report.downloaded_bytes == VOICE_A.stat().st_size


def test_a_clip_over_the_size_cap_is_refused_without_retrying(tmp_path, server, session):
    server.files["/big.mp3"] = VOICE_A.read_bytes()
    root = share_project(tmp_path, [f"{server.base}/big.mp3"])
    limits = dataclasses.replace(AUDIO_LIMITS, max_bytes=1000, timeout=2, attempts=3, backoff=0.01)
    report = measure_remote_audio(root, limits=limits,
                                  session=session)
    ((url, where, message),) = report.failed
    assert "over the cap of 1,000" in message and where == "docs/share/contributed.md:10"
    assert len(server.gets("/big.mp3")) == 1 and read_audio_records(root / AUDIO_DATA)[0] == {}


def test_a_server_error_is_retried_a_bounded_number_of_times(tmp_path, server, session):
    server.files["/flaky.mp3"] = VOICE_A.read_bytes()
    server.files["/down.mp3"] = VOICE_A.read_bytes()
    server.failures["/flaky.mp3"] = 2  # the third attempt succeeds
    server.failures["/down.mp3"] = 99
    root = share_project(tmp_path, [f"{server.base}/flaky.mp3", f"{server.base}/down.mp3"])
    report = measure_remote_audio(root, limits=FAST, session=session)
    assert report.measured == [f"{server.base}/flaky.mp3"] and len(server.gets("/flaky.mp3")) == 3
    ((url, _, message),) = report.failed
    assert url.endswith("/down.mp3") and message == "HTTP 500 (after 3 attempts)"
    assert len(server.gets("/down.mp3")) == 3


def test_a_server_that_does_not_answer_times_out(tmp_path, server, session):
    server.files["/slow.mp3"] = VOICE_A.read_bytes()
    server.stall.add("/slow.mp3")
    root = share_project(tmp_path, [f"{server.base}/slow.mp3"])
    started = time.monotonic()
    limits = dataclasses.replace(AUDIO_LIMITS, timeout=0.3, attempts=2, backoff=0.01)
    report = measure_remote_audio(root, limits=limits, session=session)
    ((_, _, message),) = report.failed
    assert message == "timed out: no answer within 0.3 s (after 2 attempts)" and time.monotonic() - started < 3
    assert len(server.gets("/slow.mp3")) == 2


def test_a_file_that_is_not_audio_is_reported_and_not_recorded(tmp_path, server, session):
    server.files["/page.mp3"] = b"<html>not found</html>" * 10
    server.files["/gone.mp3"] = b""
    del server.files["/gone.mp3"]
    root = share_project(tmp_path, [f"{server.base}/page.mp3", f"{server.base}/gone.mp3"])
    report = measure_remote_audio(root, limits=FAST, session=session)
    messages = sorted(message for _, _, message in report.failed)
    assert messages[0] == "HTTP 404" and messages[1].startswith("not an audio file mutagen can measure")
    assert len(server.gets("/gone.mp3")) == 1  # 4xx: not retried


def test_upstream_clip_is_measured_as_documented(tmp_path, server, session):
    if UPSTREAM_CLIP.is_file():
        body = UPSTREAM_CLIP.read_bytes()
    else:  # outside the project's CI, stand in a generated clip with the same checks
        pytest.skip("../shared/data/upstream/audio/BGERAG.mp3 is not beside this clone")
    server.files["/202509/BGERAG.mp3"] = body
    root = share_project(tmp_path, [f"{server.base}/202509/BGERAG.mp3"])
    report = measure_remote_audio(root, limits=dataclasses.replace(AUDIO_LIMITS, timeout=5), session=session)
    assert report.ok
    (clip,) = clips(root)
    assert clip.length_bytes == 3_837_393 and clip.mime_type == "audio/mpeg"
    assert 315 < clip.duration_seconds < 325


# -- the command and the build --------------------------------------------------


def test_audio_command_reports_failures_with_file_and_line_and_exits_non_zero(tmp_path, server, capsys,
                                                                              monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    server.files["/ok.mp3"] = VOICE_A.read_bytes()
    root = share_project(tmp_path, [f"{server.base}/ok.mp3", f"{server.base}/missing.mp3"])
    code = cli(["--root", str(root), "audio", "--attempts", "1", "--timeout", "2"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"docs/share/contributed.md:19: audio {server.base}/missing.mp3 not measured: HTTP 404" in err
    assert "1 measured, 0 changed, 0 unchanged, 0 already known, 1 failed" in out
    assert {request["User-Agent"] for request in server.gets("/ok.mp3")} == {USER_AGENT}  # says who asks


def test_unmeasured_remote_clip_is_a_notice_naming_file_and_line(tmp_path):
    root = share_project(tmp_path, ["https://example.org/a.mp3"])
    catalog = build_catalog(SiteLayout(root))
    (notice,) = [p for p in catalog.problems if "no measured size" in p.message]
    assert notice.severity == "notice" and str(notice).startswith("docs/share/contributed.md:10: audio https://example.org/a.mp3")


def test_a_broken_data_file_is_an_error_with_its_line(tmp_path):
    root = share_project(tmp_path, ["https://example.org/a.mp3"])
    (root / AUDIO_DATA).write_text('"https://example.org/a.mp3":\n  bytes: -1\n  duration: 3\n', encoding="utf-8")
    catalog = build_catalog(SiteLayout(root))
    (error,) = [p for p in catalog.problems if p.path == AUDIO_DATA]
    assert error.severity == "error" and error.line == 1 and "size must be above 0 bytes" in error.message
