"""Podcast artwork: a square PNG drawn in pure Python, identical on every build.

Podcast directories want 1400–3000 px square artwork. The picture is an
indigo square (the site's primary colour) with a white sound wave of rounded
bars. It is written as an 8-bit palette PNG with zlib, so it needs no imaging
library and compresses to a few kilobytes (rows repeat a lot).
"""

from __future__ import annotations

import math
import struct
import zlib

ARTWORK_SIZE = 1400
PALETTE = (
    (0x3F, 0x51, 0xB5),  # background: Material indigo
    (0xFF, 0xFF, 0xFF),  # wave
    (0x30, 0x3F, 0x9F),  # frame: indigo 700
)
BACKGROUND, WAVE, FRAME = range(3)
# Relative bar heights of the wave, left to right.
WAVE_HEIGHTS = (0.18, 0.32, 0.5, 0.72, 0.56, 0.86, 1.0, 0.78, 0.6, 0.9, 0.66, 0.44, 0.28, 0.16)


def podcast_artwork_png(size: int = ARTWORK_SIZE) -> bytes:
    """The artwork as PNG bytes (``size`` × ``size`` pixels)."""
    pixels = _draw(size)
    raw = b"".join(b"\x00" + row for row in pixels)  # filter type 0 (none) on every row
    header = struct.pack(">IIBBBBB", size, size, 8, 3, 0, 0, 0)  # 8-bit palette, no interlace
    palette = b"".join(bytes(colour) for colour in PALETTE)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", header),
        _chunk(b"PLTE", palette),
        _chunk(b"IDAT", zlib.compress(raw, 9)),
        _chunk(b"IEND", b""),
    ])


def _draw(size: int) -> list[bytes]:
    frame = size // 28
    count = len(WAVE_HEIGHTS)
    pitch = (size - 8 * frame) / count
    bar_width = max(2, int(pitch * 0.6))
    radius = bar_width / 2
    centre_y = size / 2
    max_height = size * 0.56
    bars = []
    for i, relative in enumerate(WAVE_HEIGHTS):
        left = int(4 * frame + i * pitch + (pitch - bar_width) / 2)
        height = max(bar_width, relative * max_height)
        bars.append((left, centre_y - height / 2, centre_y + height / 2))
    border = bytes([FRAME]) * size
    blank = bytes([FRAME]) * frame + bytes([BACKGROUND]) * (size - 2 * frame) + bytes([FRAME]) * frame
    rows: list[bytes] = []
    cache: dict[tuple, bytes] = {}
    for y in range(size):
        if y < frame or y >= size - frame:
            rows.append(border)
            continue
        centre = y + 0.5
        spans = []
        for left, top, bottom in bars:
            if not top <= centre <= bottom:
                continue
            # Rounded ends: a half circle of the bar's width at the top and bottom.
            cap = max(0.0, top + radius - centre, centre - (bottom - radius))
            half = math.sqrt(max(0.0, radius * radius - cap * cap))
            start = int(round(left + radius - half))
            end = int(round(left + radius + half))
            if end > start:
                spans.append((start, end))
        key = tuple(spans)
        row = cache.get(key)
        if row is None:
            line = bytearray(blank)
            for start, end in spans:
                line[start:end] = bytes([WAVE]) * (end - start)
            row = cache[key] = bytes(line)
        rows.append(row)
    return rows


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
