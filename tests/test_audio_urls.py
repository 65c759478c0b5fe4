"""One URL rule for audio: raw and percent-encoded forms in, encoded exactly once out, decoded once for disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, copy_data
from hypothesis import given
from hypothesis import strategies as st

from llminfra.commands.cli import main
from llminfra.domain.layout import SiteLayout
from llminfra.sources.audio_tags import AudioBlockError, check_source_url, encode_once, parse_audio_block
from llminfra.sources.loading import build_catalog

SILENCE = ROOT / "tests/fixtures/audio/silence.mp3"


def block(src: str) -> str:
    return f'<audio controls>\n  <source src="{src}" type="audio/mp3">\n</audio>'


@pytest.mark.parametrize("written, canonical", [
    # remote: spaces and Chinese raw, encoded, lower-case escapes, mixed
    ("https://h.example/a b/中文.mp3", "https://h.example/a%20b/%E4%B8%AD%E6%96%87.mp3"),
    ("https://h.example/a%20b/%E4%B8%AD%E6%96%87.mp3", "https://h.example/a%20b/%E4%B8%AD%E6%96%87.mp3"),
    ("https://h.example/a%20b/%e4%b8%ad%e6%96%87.mp3", "https://h.example/a%20b/%E4%B8%AD%E6%96%87.mp3"),
    ("https://h.example/a b/%E4%B8%AD文.mp3", "https://h.example/a%20b/%E4%B8%AD%E6%96%87.mp3"),
    # a reserved character's escape is kept as it is; "+" is a plain character in a path
    ("https://h.example/KV%2BCache.mp3", "https://h.example/KV%2BCache.mp3"),
    ("https://h.example/PyTorch+的+x.mp3", "https://h.example/PyTorch+%E7%9A%84+x.mp3"),
    # a "%" that starts no escape is a literal percent sign
    ("https://h.example/100%.mp3", "https://h.example/100%25.mp3"),
    # unreserved characters escaped for no reason are decoded (RFC 3986 §6.2.2.2)
    ("https://h.example/%61udio.mp3", "https://h.example/audio.mp3"),
    # local paths: the same rule, no query or fragment
    ("audio/摘要 静音.mp3", "audio/%E6%91%98%E8%A6%81%20%E9%9D%99%E9%9F%B3.mp3"),
    ("/audio/%E6%91%98%E8%A6%81%20%E9%9D%99%E9%9F%B3.mp3", "/audio/%E6%91%98%E8%A6%81%20%E9%9D%99%E9%9F%B3.mp3"),
    ("  audio/x.mp3 \n", "audio/x.mp3"),
])
def test_every_spelling_becomes_one_canonical_url(written, canonical):
    assert check_source_url(written) == canonical
    assert parse_audio_block(block(written)).src == canonical
    assert encode_once(canonical) == canonical  # never encoded twice


def test_local_paths_are_decoded_once_for_the_disk():
    clip = parse_audio_block(block("audio/a%2520b.mp3"))  # a file literally named "a%20b.mp3"
    assert clip.src == "audio/a%2520b.mp3" and clip.site_path == "audio/a%20b.mp3"
    raw = parse_audio_block(block("/audio/摘要 静音.mp3"))
    assert raw.site_path == "audio/摘要 静音.mp3"
    assert raw.url_path == "audio/%E6%91%98%E8%A6%81%20%E9%9D%99%E9%9F%B3.mp3"


@pytest.mark.parametrize("src, message", [
    ("audio/../../etc/passwd", "leaves the site"),
    ("audio/%2E%2E/%2e%2e/secret.mp3", "leaves the site"),  # encoded ".." is still ".."
    ("audio/%FF.mp3", "not UTF-8"),
    ("javascript:alert(1)", "scheme 'javascript' is not allowed"),
    ("//cdn.example/a.mp3", "protocol-relative"),
    ("audio/a.mp3?x=1", "no query or fragment"),
    ("audio/a\x01.mp3", "control characters"),
])
def test_bad_sources_are_refused(src, message):
    with pytest.raises(AudioBlockError, match=message):
        check_source_url(src)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_encode_once_is_idempotent_and_yields_a_valid_uri(text):
    once = encode_once(text)
    assert encode_once(once) == once
    assert all(ord(c) < 128 and not c.isspace() and c not in '"<>\\^`{|}' for c in once)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "docs/share").mkdir(parents=True)
    (root / "docs/audio").mkdir()
    copy_data(root)
    (root / "data/audio.yml").unlink(missing_ok=True)
    return root


def share(root: Path, *sources: str) -> None:
    lines = ["# 分享", "", "", "## 202509", ""]
    for number, src in enumerate(sources, 1):
        lines += [f"## [文章 {number}](https://example.com/{number})", "2025-09-01", "", "摘要。", "", block(src), "",
                  ""]
    (root / "docs/share/contributed.md").write_text("\n".join(lines), encoding="utf-8")


def test_a_local_file_with_space_and_chinese_is_found_in_both_spellings(project):
    shutil.copy2(SILENCE, project / "docs/audio/摘要 静音.mp3")
    share(project, "audio/摘要 静音.mp3", "audio/%E6%91%98%E8%A6%81%20%E9%9D%99%E9%9F%B3.mp3")
    catalog = build_catalog(SiteLayout(project))
    assert [p for p in catalog.problems if p.severity == "error"] == []
    clips = [clip for entry in catalog.entries for clip in entry.audio]
    assert len(clips) == 2 and all(clip.length_bytes == SILENCE.stat().st_size for clip in clips)


def test_a_missing_local_file_is_named_decoded_with_its_space(project):
    share(project, "audio/%E7%BC%BA%20%E5%A4%B1.mp3")
    errors = [str(p) for p in build_catalog(SiteLayout(project)).errors]
    assert errors == ["docs/share/contributed.md:11: audio file 'audio/缺 失.mp3' does not exist under docs/ "
                      "(add the file or fix the path (relative to docs/))"]


def test_add_accepts_raw_and_encoded_audio_urls_and_writes_them_encoded_once(project, capsys):
    share(project)
    for audio in ("https://h.example/播客/第 1 集.mp3", "https://h.example/%E6%92%AD%E5%AE%A2/%E7%AC%AC%202.mp3"):
        code = main(["--root", str(project), "add", "--title", f"标题 {audio[-6:]}", "--link",
                     f"https://example.com/{len(audio)}", "--summary", "摘要。", "--month", "202509",
                     "--audio", audio])
        assert code == 0, capsys.readouterr()
    text = (project / "docs/share/contributed.md").read_text(encoding="utf-8")
    assert '<source src="https://h.example/%E6%92%AD%E5%AE%A2/%E7%AC%AC%201%20%E9%9B%86.mp3"' in text
    assert '<source src="https://h.example/%E6%92%AD%E5%AE%A2/%E7%AC%AC%202.mp3"' in text
    srcs = [c.src for e in build_catalog(SiteLayout(project)).entries for c in e.audio]
    assert sorted(srcs) == ["https://h.example/%E6%92%AD%E5%AE%A2/%E7%AC%AC%201%20%E9%9B%86.mp3",
                            "https://h.example/%E6%92%AD%E5%AE%A2/%E7%AC%AC%202.mp3"]
