"""Audio numbers are checked where they enter: finite, positive, plausible (issue 19).

``data-duration="nan"`` or ``"inf"`` used to stop the build with a traceback (so one upstream entry stopped the daily
sync for good), ``1e308`` published a 300-digit duration, ``data-length="-5"`` went into the podcast enclosure and a
forged Xing header was recorded as tens of thousands of hours. Now each number is checked against the bounds of
``domain.model`` where it enters: the ``<audio>`` block, ``data/audio.yml``, a local file read by mutagen and a remote
one measured by ``python -m llminfra audio``.
"""

from __future__ import annotations

import importlib.util
import math
import re

import pytest
import requests
from conftest import ROOT, copy_project, run_mkdocs_build

from llminfra.authoring.http_download import DownloadError
from llminfra.authoring.remote_audio import AUDIO_LIMITS, fetch_and_measure
from llminfra.domain.layout import SiteLayout
from llminfra.domain.model import (
    MAX_AUDIO_BYTES,
    MAX_AUDIO_SECONDS,
    AudioClip,
    audio_duration_problem,
    audio_length_problem,
    format_duration,
    format_size,
    measured_audio_problem,
)
from llminfra.sources.audio_files import measure_clip
from llminfra.sources.audio_metadata import AUDIO_DATA
from llminfra.sources.audio_tags import parse_audio_block
from llminfra.sources.loading import build_catalog

AUDIO = ROOT / "tests/fixtures/audio"
FORGED = AUDIO / "forged-xing.mp3"


def _maker():
    spec = importlib.util.spec_from_file_location("make_silence", AUDIO / "make_silence.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_forged_xing_fixture_is_what_the_maker_writes_and_mutagen_believes_it():
    import mutagen

    assert FORGED.read_bytes() == _maker().forged_xing_mp3_bytes()
    assert mutagen.File(FORGED).info.length > 40_000 * 3600  # what an unchecked reader would record


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 0, -1, 1e308, MAX_AUDIO_SECONDS + 1, True, "5"])
def test_a_duration_must_be_finite_positive_and_at_most_a_day(value):
    assert audio_duration_problem(value) is not None
    assert format_duration(value if not isinstance(value, str) else None) is None  # never raises


@pytest.mark.parametrize("value", [0, -5, MAX_AUDIO_BYTES + 1, 1.5, math.nan, True, "5"])
def test_a_size_must_be_a_whole_positive_number_of_at_most_2_gb(value):
    assert audio_length_problem(value) is not None
    assert format_size(value if isinstance(value, (int, float)) else None) is None


def test_plausible_numbers_pass():
    assert audio_duration_problem(320.5) is None and audio_length_problem(3_000_000) is None
    assert measured_audio_problem(3_000_000, 320.5) is None
    # Under a day, but 4 KB cannot play for 20 hours.
    assert "header of the file is wrong" in measured_audio_problem(4032, 20 * 3600)


def block(**attributes: str) -> str:
    extra = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<audio controls>\n  <source src="https://example.com/a.mp3" type="audio/mp3" {extra}>\n</audio>'


@pytest.mark.parametrize("attributes, message", [
    ({"data_duration": "nan"}, "data-duration: duration must be a finite number of seconds above 0, got nan"),
    ({"data_duration": "inf"}, "data-duration: duration must be a finite number of seconds above 0, got inf"),
    ({"data_duration": "-Infinity"}, "data-duration: duration must be a finite number of seconds above 0, got -inf"),
    ({"data_duration": "1e308"}, "data-duration: duration of 1e+308 seconds is more than 24 hours"),
    ({"data_duration": "abc"}, "data-duration: duration must be a number of seconds, got 'abc'"),
    ({"data_length": "-5"}, "data-length: size must be above 0 bytes, got -5"),
    ({"data_length": "99999999999"}, "data-length: size of 99999999999 bytes is more than 2 GB"),
    ({"data_length": "1e3"}, "data-length: size must be a whole number of bytes, got '1e3'"),
])
def test_an_impossible_number_in_an_audio_block_is_ignored_and_reported(attributes, message):
    ignored = []
    clip = parse_audio_block(block(**attributes), ignored)
    assert clip.src == "https://example.com/a.mp3"  # the clip still plays
    assert clip.duration_seconds is None and clip.length_bytes is None
    assert [problem.message for problem in ignored] == [message]


def test_plausible_attributes_are_kept():
    clip = parse_audio_block(block(data_duration="61.5", data_length="123456"), [])
    assert (clip.duration_seconds, clip.length_bytes) == (61.5, 123456)


@pytest.mark.parametrize("record, message", [
    ("bytes: 1000000\n  duration: .nan", "finite number of seconds"),
    ("bytes: 1000000\n  duration: .inf", "finite number of seconds"),
    ("bytes: 1000000\n  duration: 1.0e+308", "more than 24 hours"),
    ("bytes: -5\n  duration: 30", "size must be above 0 bytes"),
    ("bytes: 3000000000\n  duration: 30", "more than 2 GB"),
    ("bytes: 4032\n  duration: 154618822.0", "more than 24 hours"),  # the forged header, recorded unchecked
    ("bytes: 4032\n  duration: 72000", "header of the file is wrong"),
])
def test_an_impossible_record_in_data_audio_yml_is_an_error_at_its_line(tmp_path, record, message):
    root = copy_project(tmp_path / "project", with_content=False)
    (root / "docs/share").mkdir()
    (root / "docs/share/contributed.md").write_text(
        "# 好文\n\n## 202509\n\n## [好文一](https://example.com/a)\n\n摘要。\n\n" + block() + "\n", encoding="utf-8")
    (root / AUDIO_DATA).write_text(f'# header\n"https://example.com/a.mp3":\n  {record}\n  mime: audio/mpeg\n'
                                   f'  sha256: {"0" * 64}\n', encoding="utf-8")
    catalog = build_catalog(SiteLayout(root))
    (error,) = [p for p in catalog.problems if p.path == AUDIO_DATA]
    assert error.severity == "error" and error.line == 2 and message in error.message
    assert not catalog.entries[0].audio[0].is_measured  # the record is not used


def test_a_local_file_with_a_forged_header_keeps_its_size_and_loses_its_duration():
    clip, problem = measure_clip(AudioClip("audio/forged.mp3"), FORGED)
    assert clip.length_bytes == FORGED.stat().st_size and clip.duration_seconds is None
    assert "more than 24 hours" in problem


@pytest.mark.parametrize("page, severity", [("share/contributed.md", "error"), ("share/index.md", "notice")])
def test_a_local_forged_file_is_an_error_for_a_contributor_and_a_notice_in_the_mirror(tmp_path, page, severity):
    root = copy_project(tmp_path / "project", with_content=False)
    (root / "docs/share").mkdir()
    (root / "docs/audio").mkdir()
    (root / "docs/audio/forged.mp3").write_bytes(FORGED.read_bytes())
    text = ("# 好文\n\n## 202509\n\n## [好文一](https://example.com/a)\n\n摘要。\n\n"
            '<audio controls>\n  <source src="/audio/forged.mp3" type="audio/mp3">\n</audio>\n')
    (root / "docs" / page).write_text(text, encoding="utf-8")
    catalog = build_catalog(SiteLayout(root))
    (problem,) = [p for p in catalog.problems if "header" in p.message or "24 hours" in p.message]
    assert (problem.path, problem.line, problem.severity) == (f"docs/{page}", 9, severity)
    assert catalog.entries[0].audio[0].duration_seconds is None


def test_a_remote_file_with_a_forged_header_is_not_recorded():
    from test_audio_metadata import ClipServer  # a real server on 127.0.0.1, as the audio command meets one

    server = ClipServer()
    server.files = {"/forged.mp3": FORGED.read_bytes(),
                    "/under-a-day.mp3": _maker().forged_xing_mp3_bytes(claimed_frames=2_000_000),  # ~20 h in 4 KB
                    "/ok.mp3": (AUDIO / "silence.mp3").read_bytes()}
    try:
        with requests.Session() as session:
            with pytest.raises(DownloadError, match="implausible audio: .* more than 24 hours"):
                fetch_and_measure(session, f"{server.base}/forged.mp3", None, AUDIO_LIMITS)
            with pytest.raises(DownloadError, match="header of the file is wrong"):
                fetch_and_measure(session, f"{server.base}/under-a-day.mp3", None, AUDIO_LIMITS)
            record, _ = fetch_and_measure(session, f"{server.base}/ok.mp3", None, AUDIO_LIMITS)
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    assert 0.9 < record.duration_seconds < 1.1


def test_impossible_numbers_in_the_mirror_build_strict_with_nothing_impossible_published(tmp_path):
    """One upstream entry with data-duration="nan" used to stop every build (and so the daily sync) for good."""
    root = copy_project(tmp_path / "project", with_content=False)
    (root / "docs/share").mkdir()
    entries = "".join(f"## [好文{i}](https://example.com/{i})\n\n摘要。\n\n{block(**attributes)}\n\n"
                      for i, attributes in enumerate([{"data_duration": "nan"}, {"data_duration": "inf"},
                                                      {"data_duration": "1e308", "data_length": "-5"}]))
    (root / "docs/share/index.md").write_text(f"# 好文\n\n## 202509\n\n{entries}", encoding="utf-8")
    result = run_mkdocs_build(root, tmp_path / "site", strict=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "INFO    -  docs/share/index.md:10: data-duration: duration must be a finite number" in result.stderr
    podcast = (tmp_path / "site/feeds/podcast.xml").read_text(encoding="utf-8")
    assert re.findall(r'<enclosure [^>]*length="([^"]*)"', podcast) == ["0", "0", "0"]  # unknown, never -5
    assert "itunes:duration" not in podcast
    page = (tmp_path / "site/share/index.html").read_text(encoding="utf-8")
    assert page.count("时长未知") >= 3 and "1e+308" not in page and "=\"-5\"" not in page
