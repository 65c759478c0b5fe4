"""Validation of ``<audio>`` blocks written in the sources.

The upstream collector writes::

    <audio controls>
      <source src="https://…/x.mp3" type="audio/mp3">
    </audio>

Only ``<audio>`` and ``<source>`` with known attributes pass; the block is
re-rendered from a template (``preload="none"``, download link), so nothing
the source wrote is copied into the page verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from llminfra.domain.links import encode_once
from llminfra.domain.model import AudioClip, audio_duration_problem, audio_length_problem

AUDIO_ATTRIBUTES = {"controls", "preload", "title", "src", "type", "data-length", "data-duration"}
SOURCE_ATTRIBUTES = {"src", "type", "data-length", "data-duration"}
AUDIO_TYPES = {
    "audio/mp3": "audio/mpeg",
    "audio/mpeg": "audio/mpeg",
    "audio/mp4": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "audio/aac": "audio/aac",
    "audio/ogg": "audio/ogg",
    "audio/wav": "audio/wav",
    "audio/webm": "audio/webm",
}

AUDIO_OPEN = re.compile(r"<\s*audio\b", re.IGNORECASE)
AUDIO_CLOSE = re.compile(r"<\s*/\s*audio\s*>", re.IGNORECASE)


class AudioBlockError(ValueError):
    """What is wrong with an audio block; the caller adds file and line."""

    def __init__(self, message: str, hint: str = "", line_offset: int = 0):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.line_offset = line_offset


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str | None]
    line_offset: int


class _AudioBlockReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.stray: list[tuple[str, int]] = []
        self.closed_audio = False

    def handle_starttag(self, tag, attrs):
        self.elements.append(_Element(tag, dict(attrs), self.getpos()[0] - 1))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "audio":
            self.closed_audio = True
        elif tag != "source":
            self.stray.append((f"</{tag}>", self.getpos()[0] - 1))

    def handle_data(self, data):
        if data.strip():
            self.stray.append((data.strip()[:40], self.getpos()[0] - 1))

    def handle_comment(self, data):
        self.stray.append(("<!--…-->", self.getpos()[0] - 1))

    def handle_decl(self, decl):
        self.stray.append((f"<!{decl[:20]}>", self.getpos()[0] - 1))

    def handle_pi(self, data):
        self.stray.append((f"<?{data[:20]}>", self.getpos()[0] - 1))

    def unknown_decl(self, data):
        self.stray.append((f"<![{data[:20]}]>", self.getpos()[0] - 1))


# Browsers drop tabs and newlines anywhere in a URL (WHATWG URL standard); other control characters are errors.
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def decode_path(path: str) -> str:
    """A local clip's encoded site path decoded once, for the lookup on disk."""
    return unquote(path, errors="strict")


def check_source_url(src: str) -> str:
    """Return ``src`` in its canonical form (``encode_once``) or raise ``AudioBlockError``.

    Accepted: ``http(s)://host/…`` and site-relative paths (``audio/x.mp3``
    or ``/audio/x.mp3``) that stay inside the site, raw or percent-encoded.
    """
    cleaned = _URL_WHITESPACE.sub("", src.strip(" \t\n\r\f"))
    if not cleaned:
        raise AudioBlockError("audio source is empty", "give src=\"https://…\" or a path under docs/")
    if _CONTROL.search(cleaned):
        raise AudioBlockError("audio source contains control characters", "retype the address")
    encoded = encode_once(cleaned)
    parts = urlsplit(encoded)
    if parts.scheme:
        if parts.scheme.lower() in {"http", "https"} and parts.netloc:
            return encoded
        raise AudioBlockError(
            f"audio source scheme {parts.scheme!r} is not allowed",
            "use an http(s):// URL or a path relative to docs/",
        )
    if encoded.startswith("//") or parts.netloc:
        raise AudioBlockError("protocol-relative audio sources are not allowed", "write https:// explicitly")
    try:
        decoded = decode_path(parts.path)
    except UnicodeDecodeError:
        raise AudioBlockError("audio path has percent-escapes that are not UTF-8",
                              "write the file name as it is, or encode it as UTF-8") from None
    segments = decoded.split("/")
    if ".." in segments or "\\" in decoded or "\x00" in decoded:
        raise AudioBlockError("audio source leaves the site", "put the file under docs/ and use a path without '..'")
    if parts.query or parts.fragment:
        raise AudioBlockError("site-relative audio sources take no query or fragment", "link the file path only")
    return parts.path


def _number(value: str | None, what: str, parse, check, line_offset: int) -> tuple[float | int | None, list]:
    """(``value`` read with ``parse`` if it passes the domain's ``check``, else None; the problem with it)."""
    if value is None:
        return None, []
    try:
        number = parse(value.strip())
    except (ValueError, OverflowError):
        number = value
    problem = check(number)
    if problem is None:
        return number, []
    return None, [AudioBlockError(f"{what}: {problem}", "the site ignores it; leave the attribute out (the site "
                                  "measures the clip) or give the real value", line_offset)]


def parse_audio_block(html: str, ignored: list[AudioBlockError] | None = None) -> AudioClip:
    """Parse one ``<audio>…</audio>`` block into an ``AudioClip``.

    A block that cannot be played raises ``AudioBlockError``. A ``data-duration`` or ``data-length`` that is
    not a finite, positive, plausible number (``domain.model``'s bounds) is left out of the clip and its problem
    added to ``ignored``: the clip still plays, and nothing impossible reaches a page or the podcast.
    """
    reader = _AudioBlockReader()
    reader.feed(html)
    reader.close()
    if not reader.elements or reader.elements[0].tag != "audio":
        raise AudioBlockError("audio block does not start with <audio>")
    if not reader.closed_audio:
        raise AudioBlockError("<audio> is not closed", "end the block with </audio>")
    audio, *children = reader.elements
    problems = [el for el in children if el.tag != "source"]
    if problems:
        raise AudioBlockError(
            f"<{problems[0].tag}> is not allowed inside an audio block",
            "use <source src=… type=…> only",
            problems[0].line_offset,
        )
    if reader.stray:
        what, offset = reader.stray[0]
        raise AudioBlockError(
            f"unexpected content {what!r} inside an audio block",
            "an audio block may only hold <audio> and <source> elements",
            offset,
        )
    for element, allowed in [(audio, AUDIO_ATTRIBUTES)] + [(el, SOURCE_ATTRIBUTES) for el in children]:
        unknown = sorted(set(element.attrs) - allowed)
        if unknown:
            raise AudioBlockError(
                f"attribute {unknown[0]!r} is not allowed on <{element.tag}>",
                f"allowed: {', '.join(sorted(allowed))}",
                element.line_offset,
            )
    carrier = children[0] if children else audio
    if len(children) > 1:
        raise AudioBlockError("an audio block takes one <source>", "split it into one block per file",
                              children[1].line_offset)
    src = carrier.attrs.get("src")
    if src is None:
        raise AudioBlockError("audio block has no src", "add <source src=\"…\" type=\"audio/mp3\">",
                              carrier.line_offset)
    src = check_source_url(src)
    declared_type = (carrier.attrs.get("type") or "audio/mpeg").strip().lower()
    if declared_type not in AUDIO_TYPES:
        raise AudioBlockError(
            f"audio type {declared_type!r} is not supported",
            f"use one of {', '.join(sorted(AUDIO_TYPES))}",
            carrier.line_offset,
        )
    duration, number_problems = _number(carrier.attrs.get("data-duration"), "data-duration", float,
                                        audio_duration_problem, carrier.line_offset)
    length, length_problems = _number(carrier.attrs.get("data-length"), "data-length", int, audio_length_problem,
                                      carrier.line_offset)
    if ignored is not None:
        ignored += number_problems + length_problems
    return AudioClip(src=src, mime_type=AUDIO_TYPES[declared_type], length_bytes=length, duration_seconds=duration)
