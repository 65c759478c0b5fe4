"""The network rule of sync and audio (``authoring/http_download.py``), against scripted servers on 127.0.0.1.

A scripted server answers with raw bytes and pauses, so it can be slower, shorter or stranger than a real one:
a sender of one byte a second, a body cut short, a Retry-After.
"""

from __future__ import annotations

import gzip
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from email.utils import formatdate
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from llminfra.authoring import http_download
from llminfra.authoring.http_download import FetchLimits, retry_after_seconds
from llminfra.commands.cli import COMMANDS, main
from llminfra.domain.links import redact_url

HISTORY = ROOT / "tests/fixtures/upstream-history"
MIRROR = "docs/share/index.md"
SHARE = "# 好文\n\n## 202509\n\n## [好文一](https://example.com/a)\n\n摘要。\n".encode()
VOICE = ROOT / "tests/fixtures/audio/voice-a.mp3"
CAP = 2  # seconds: the cap the slow-sender tests give; they must end well within CAP_MARGIN
CAP_MARGIN = 20  # generous, so a loaded machine never fails it; without the cap they would take minutes


def response(status: str = "200 OK", body: bytes = b"", headers: dict | None = None,
             length: int | None = None) -> bytes:
    """Status line and headers of a response (Content-Length: ``length``, else the body's), then the body."""
    fields = {"Content-Length": str(len(body) if length is None else length), **(headers or {})}
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v is not None)
    return head.encode("latin-1") + b"\r\n" + body


class ScriptedServer:
    """HTTP on 127.0.0.1 from scripts: path -> list of answers (one per request, the last repeats), each a list of
    (seconds to wait, bytes to send). The connection is closed after the script, or held while ``hold`` says."""

    def __init__(self):
        self.scripts: dict[str, list[list[tuple[float, bytes]]]] = {}
        self.hits: Counter = Counter()
        self.requested = threading.Event()
        self.stop = threading.Event()
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                request = b""
                while b"\r\n\r\n" not in request:
                    data = self.request.recv(4096)
                    if not data:
                        return
                    request += data
                path = request.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
                server.hits[path] += 1
                server.requested.set()
                answers = server.scripts.get(path, [[(0, response("404 Not Found"))]])
                script = answers[min(server.hits[path], len(answers)) - 1]
                try:
                    for pause, data in script:
                        if server.stop.wait(pause):
                            return
                        self.request.sendall(data)
                except OSError:  # the client gave up
                    return

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def sync(capsys, root: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "sync", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def trickle(headers: bytes, body: bytes, every: float = 1.0) -> list[tuple[float, bytes]]:
    """Headers at once, then the body one byte every ``every`` seconds."""
    return [(0, headers)] + [(every, body[i:i + 1]) for i in range(len(body))]


def audio_project(tmp_path: Path, clip_url: str) -> Path:
    """A project whose contributors' share list has one entry with the remote clip ``clip_url``."""
    root = copy_project(tmp_path / "audio-project", with_content=False)
    (root / "docs/share").mkdir()
    (root / "docs/share/contributed.md").write_text(
        f"# 分享\n\n## 202509\n\n## [文章](https://example.com/1)\n\n摘要。\n\n<audio controls>\n"
        f'  <source src="{clip_url}" type="audio/mp3">\n</audio>\n', encoding="utf-8")
    return root


# -- 1. a wall-clock cap that holds against a slow sender -------------------------------------------------------


def test_sync_ends_within_its_cap_against_a_one_byte_a_second_sender(project, capsys, server):
    server.scripts["/slow"] = [trickle(response(body=SHARE)[:-len(SHARE)], SHARE)]
    before = (project / MIRROR).read_bytes()
    started = time.monotonic()
    code, _, err = sync(capsys, project, "--from", f"{server.base}/slow", "--max-seconds", str(CAP),
                        "--attempts", "3", "--no-audio")
    assert time.monotonic() - started < CAP_MARGIN
    assert code == 1 and f"took longer than the cap of {CAP} s for the whole download" in err, err
    assert (project / MIRROR).read_bytes() == before


def test_the_cap_holds_while_the_headers_trickle_in(project, capsys, server):
    header = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 500
    server.scripts["/slow-headers"] = [[(0, header[:1])] + [(0.5, header[i:i + 1]) for i in range(1, len(header))]]
    started = time.monotonic()
    code, _, err = sync(capsys, project, "--from", f"{server.base}/slow-headers", "--max-seconds", str(CAP),
                        "--timeout", "5", "--no-audio")
    assert time.monotonic() - started < CAP_MARGIN
    assert code == 1 and "took longer than the cap" in err, err


def test_the_cap_holds_during_a_tls_handshake_that_trickles(project, capsys, monkeypatch):
    """The TLS record header announces 16 KB, then one byte every half second: the handshake never ends."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    listener = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    stop = threading.Event()

    def trickle_handshake():
        connection, _ = listener.socket.accept()
        with connection:
            try:
                connection.sendall(b"\x16\x03\x03\x40\x00")
                while not stop.wait(0.5):
                    connection.sendall(b"\x02")
            except OSError:
                pass

    threading.Thread(target=trickle_handshake, daemon=True).start()
    try:
        started = time.monotonic()
        code, _, err = sync(capsys, project, "--from", f"https://127.0.0.1:{listener.server_address[1]}/x.md",
                            "--max-seconds", str(CAP), "--no-audio")
        assert time.monotonic() - started < CAP_MARGIN
        assert code == 1 and "took longer than the cap" in err, err
    finally:
        stop.set()
        listener.server_close()


def test_audio_ends_within_its_cap_against_a_slow_clip(tmp_path, capsys, server):
    body = VOICE.read_bytes()
    server.scripts["/clip.mp3"] = [trickle(response(body=body)[:-len(body)], body[:200])]
    root = audio_project(tmp_path, f"{server.base}/clip.mp3")
    started = time.monotonic()
    code = main(["--root", str(root), "audio", "--max-seconds", str(CAP)])
    err = capsys.readouterr().err
    assert time.monotonic() - started < CAP_MARGIN
    assert code == 1 and f"took longer than the cap of {CAP} s" in err, err


def test_syncs_audio_step_gets_the_command_lines_cap_and_attempts(tmp_path, capsys, server):
    """The clips sync measures are downloaded with sync's --max-seconds and --attempts, not audio's defaults."""
    body = VOICE.read_bytes()
    server.scripts["/slow.mp3"] = [trickle(response(body=body)[:-len(body)], body[:200])]
    server.scripts["/down.mp3"] = [[(0, response("500 Internal Server Error"))]]
    readme = tmp_path / "README.md"
    readme.write_bytes(SHARE + "".join(
        f"\n## [文章{name}](https://example.com/{name})\n\n摘要。\n\n<audio controls>\n"
        f'  <source src="{server.base}/{name}.mp3" type="audio/mp3">\n</audio>\n' for name in ("slow", "down"))
        .encode())
    project = copy_project(tmp_path / "project")
    started = time.monotonic()
    code, _, err = sync(capsys, project, "--from", str(readme), "--allow-shrink", "--max-seconds", str(CAP),
                        "--attempts", "2")
    assert time.monotonic() - started < CAP_MARGIN
    assert code == 0 and f"took longer than the cap of {CAP} s" in err, err
    assert "HTTP 500 (after 2 attempts)" in err and server.hits["/down.mp3"] == 2


# -- 2. Retry-After, within the cap ---------------------------------------------------------------------------


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """The pauses between attempts, recorded instead of slept (the scripted server waits on its own event)."""
    slept: list[float] = []
    monkeypatch.setattr(http_download.time, "sleep", slept.append)
    return slept


@pytest.mark.parametrize("status", ["503 Service Unavailable", "429 Too Many Requests"])
def test_retry_after_in_seconds_is_waited_for(project, capsys, server, pauses, status):
    server.scripts["/busy"] = [[(0, response(status, b"busy", {"Retry-After": "7"}))], [(0, response(body=SHARE))]]
    code, _, err = sync(capsys, project, "--from", f"{server.base}/busy", "--allow-shrink", "--no-audio")
    assert code == 0, err
    assert pauses == [7.0] and server.hits["/busy"] == 2 and (project / MIRROR).read_bytes() == SHARE


def test_retry_after_as_an_http_date_counts_from_the_servers_date(project, capsys, server, pauses):
    now = time.time()
    busy = response("503 Service Unavailable", b"", {"Date": formatdate(now, usegmt=True),
                                                     "Retry-After": formatdate(now + 12, usegmt=True)})
    server.scripts["/busy"] = [[(0, busy)], [(0, response(body=SHARE))]]
    code, _, err = sync(capsys, project, "--from", f"{server.base}/busy", "--allow-shrink", "--no-audio")
    assert code == 0, err
    assert pauses == [12.0]


def test_a_retry_after_beyond_the_time_left_fails_at_once_and_says_so(project, capsys, server, pauses):
    server.scripts["/busy"] = [[(0, response("503 Service Unavailable", b"", {"Retry-After": "3600"}))]]
    code, _, err = sync(capsys, project, "--from", f"{server.base}/busy", "--max-seconds", "30", "--no-audio")
    assert code == 1 and pauses == [] and server.hits["/busy"] == 1
    assert "HTTP 503; the server asks to retry after 3600 s (Retry-After), beyond the" in err
    assert "of the cap of 30 s for the whole download" in err and "giving up now" in err


@pytest.mark.parametrize("value, date, expected", [
    ("120", None, 120.0),
    (" 0 ", None, 0.0),
    ("Wed, 21 Oct 2015 07:28:10 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:29:00 GMT", 0.0),  # in the past: now
    ("99999999999999999999999", None, float("inf")),
    ("-5", None, None),
    ("soon", None, None),
    ("", None, None),
    (None, None, None),
])
def test_retry_after_forms(value, date, expected):
    assert retry_after_seconds(value, date, now=0.0) == expected


# -- 3. no credentials in any message ---------------------------------------------------------------------------


@pytest.mark.parametrize("url, shown", [
    ("https://user:pa55@host.example/x.md", "https://***@host.example/x.md"),
    ("https://ghp_TOKEN1@host.example/x.md", "https://***@host.example/x.md"),
    ("https://h.example/x.md?token=T1&v=2", "https://h.example/x.md?token=***&v=2"),
    ("https://h.example/a.mp3?X-Amz-Signature=S1&X-Amz-Credential=C1&X-Amz-Expires=60",
     "https://h.example/a.mp3?X-Amz-Signature=***&X-Amz-Credential=***&X-Amz-Expires=60"),
    ("https://h.example/a?access_token=T&sig=S&apiKey=K&page=3#id_token=J",
     "https://h.example/a?access_token=***&sig=***&apiKey=***&page=3#id_token=***"),
    ("https://h.example/a?acc%65ss_token=T", "https://h.example/a?acc%65ss_token=***"),
    ("https://h.example/plain/path.md?v=1", "https://h.example/plain/path.md?v=1"),
    ("/local/path/README.md", "/local/path/README.md"),
])
def test_redact_url(url, shown):
    assert redact_url(url) == shown


def test_sync_and_audio_print_no_credentials(project, capsys, server, tmp_path):
    secrets = ("pa55word", "T0KEN", "S1GNATURE", "CLIP-T0KEN")
    code, out, err = sync(capsys, project, "--from",
                          f"http://reader:pa55word@127.0.0.1:{server.base.rsplit(':', 1)[1]}/x.md"
                          "?token=T0KEN&sig=S1GNATURE", "--no-audio")
    assert code == 1 and "HTTP 404" in err and "token=***" in err
    assert not [s for s in secrets if s in out + err], out + err
    closed = "http://u:pa55word@127.0.0.1:9/x.md?token=T0KEN"  # nothing listens on port 9
    code, out, err = sync(capsys, project, "--from", closed, "--attempts", "1", "--no-audio")
    assert code == 1 and "connection failed" in err and not [s for s in secrets if s in out + err], err
    server.scripts["/readme.md"] = [[(0, response(body=SHARE))]]
    body = tmp_path / "body.md"
    code, out, err = sync(capsys, project, "--from", f"{server.base}/readme.md?access_token=T0KEN",
                          "--allow-shrink", "--no-audio", "--pr-body", str(body))
    text = body.read_text(encoding="utf-8")
    assert code == 0 and "access_token=***" in out + text and not [s for s in secrets if s in out + err + text]
    root = audio_project(tmp_path, f"{server.base}/missing.mp3?token=CLIP-T0KEN")
    code = main(["--root", str(root), "audio", "--attempts", "1"])
    captured = capsys.readouterr()
    assert code == 1 and "HTTP 404" in captured.err and "CLIP-T0KEN" not in captured.out + captured.err


# -- 4. a truncated body is detected wherever HTTP can tell, and retried ----------------------------------------


def test_a_body_shorter_than_its_content_length_is_retried_then_refused(project, capsys, server):
    server.scripts["/short"] = [[(0, response(body=SHARE[:20], length=len(SHARE)))]]
    before = (project / MIRROR).read_bytes()
    code, _, err = sync(capsys, project, "--from", f"{server.base}/short", "--attempts", "2", "--no-audio")
    assert code == 1 and server.hits["/short"] == 2, err
    assert f"truncated: the body ended after 20 of {len(SHARE)} bytes (after 2 attempts)" in err
    assert (project / MIRROR).read_bytes() == before


def test_a_truncated_compressed_body_is_told_by_the_bytes_on_the_wire(project, capsys, server):
    packed = gzip.compress(SHARE * 50)
    server.scripts["/gz"] = [[(0, response(body=packed[:40], length=len(packed),
                                           headers={"Content-Encoding": "gzip"}))],
                             [(0, response(body=packed, headers={"Content-Encoding": "gzip"}))]]
    code, _, err = sync(capsys, project, "--from", f"{server.base}/gz", "--allow-shrink", "--no-audio")
    assert code == 0 and server.hits["/gz"] == 2, err  # the first answer was cut short; the second is whole
    assert (project / MIRROR).read_bytes() == SHARE * 50


def test_a_chunked_body_without_its_last_chunk_is_truncated(project, capsys, server):
    chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               + f"{len(SHARE):x}\r\n".encode() + SHARE + b"\r\n")  # no final 0-size chunk, then the close
    server.scripts["/chunked"] = [[(0, chunked)]]
    code, _, err = sync(capsys, project, "--from", f"{server.base}/chunked", "--attempts", "1", "--no-audio")
    assert code == 1 and "truncated: the chunked body ended before its last chunk" in err, err
    server.scripts["/whole"] = [[(0, chunked + b"0\r\n\r\n")]]
    code, _, err = sync(capsys, project, "--from", f"{server.base}/whole", "--allow-shrink", "--no-audio")
    assert code == 0 and (project / MIRROR).read_bytes() == SHARE, err


# -- 6. a local file is read within the size cap, and only a regular file --------------------------------------


def test_a_local_from_is_capped_and_must_be_a_regular_file(project, capsys, tmp_path):
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.write(b"# t\n")
        handle.truncate(21 * 1024 * 1024)  # sparse: over the 20 MB cap without writing it
    code, _, err = sync(capsys, project, "--from", str(big), "--no-audio")
    assert code == 1 and "over the cap of 20,971,520" in err, err
    code, _, err = sync(capsys, project, "--from", str(tmp_path), "--no-audio")
    assert code == 1 and "not a regular file" in err, err
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    code, _, err = sync(capsys, project, "--from", fifo.as_uri(), "--no-audio")  # no writer: must not wait
    assert code == 1 and "not a regular file" in err, err
    if Path("/dev/zero").exists():
        code, _, err = sync(capsys, project, "--from", "/dev/zero", "--no-audio")
        assert code == 1 and "not a regular file" in err, err


# -- 7. Ctrl-C: one line and exit code 130, from any command ---------------------------------------------------


def test_ctrl_c_during_a_download_prints_one_line_and_exits_130(project, server):
    server.scripts["/hang"] = [[(600, b"")]]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks"), "NO_PROXY": "127.0.0.1"}
    process = subprocess.Popen([sys.executable, "-m", "llminfra", "--root", str(project), "sync", "--from",
                                f"{server.base}/hang", "--no-audio"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, text=True,
                               # as from a terminal: a runner that ignores SIGINT (an xdist worker) would pass that on
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert server.requested.wait(60), "sync never asked"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert err == "python -m llminfra sync: interrupted\n" and "Traceback" not in out + err


@pytest.mark.parametrize("command", COMMANDS)
def test_ctrl_c_in_any_command_is_one_line_and_130(monkeypatch, capsys, tmp_path, command):
    import importlib

    module = importlib.import_module(f"llminfra.commands.{command}")

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "run", interrupted)
    argv = {"export": [str(tmp_path / "out")], "backfill": ["--from", str(tmp_path)],
            "add": ["--title", "t", "--link", "https://example.com/x"]}.get(command, [])
    code = main(["--root", str(tmp_path), command, *argv], prog="llminfra")
    assert code == 130 and capsys.readouterr().err == f"llminfra {command}: interrupted\n"


# -- the deadline is the download's, across attempts ------------------------------------------------------------


def test_the_pause_before_another_attempt_counts_against_the_cap(project, capsys, server, pauses):
    server.scripts["/down"] = [[(0, response("502 Bad Gateway"))]]
    code, _, err = sync(capsys, project, "--from", f"{server.base}/down", "--max-seconds", "0.5", "--attempts",
                        "5", "--no-audio")
    # The second attempt would start after a 1 s pause: past the cap, so the download ends now.
    assert code == 1 and pauses == [] and server.hits["/down"] == 1
    assert "HTTP 502; the next attempt would start in 1 s, beyond the" in err


def test_limits_wait_no_longer_than_the_time_left():
    limits = FetchLimits(max_bytes=1, timeout=20, total_seconds=5, deadline=time.monotonic() + 3)
    assert 2 < limits.wait() <= 3
    assert FetchLimits(max_bytes=1, timeout=20, total_seconds=5).wait() == 20
