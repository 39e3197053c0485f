"""Intrinsic image sizes for ``width``/``height`` attributes (no layout shift while loading).

Reads only the header of PNG, GIF and JPEG files; anything else gives None and the template
leaves the attributes out.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

Size = tuple[int, int]


def _jpeg_size(data: bytes) -> Size | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None


@lru_cache(maxsize=4096)
def image_size(path: Path) -> Size | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(64 * 1024)
    except OSError:
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None
