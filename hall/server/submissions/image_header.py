"""Image sizes read from the first bytes of an upload, without decoding a single pixel.

A decompression bomb (a small PNG or JPEG declaring 50000×50000 pixels) is harmless to the server,
which never decodes materials, but the counter's viewer and any later converter would try to
allocate gigabytes for it. The declared size is in the header, so it is refused at upload time.
"""

from __future__ import annotations

import struct

# Pillow's own default guard (MAX_IMAGE_PIXELS): a 48-megapixel phone photo passes, a bomb does not.
MAX_PIXELS = 89_478_485
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8, CC are not frames.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def declared_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) declared by a PNG or JPEG header in ``head``; None when ``head`` has none (such
    a file cannot be shown either, so it cannot be a bomb; content checks stay with the sniffing)."""
    if head.startswith(_PNG_MAGIC):
        if len(head) < 24 or head[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(head):
        if head[pos] != 0xFF:
            return None  # not a marker where one must be: leave it to the content sniffing
        marker = head[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", head[pos + 2:pos + 4])
        if marker in _SOF:
            if pos + 9 > len(head):
                return None
            height, width = struct.unpack(">HH", head[pos + 5:pos + 9])
            return width, height
        if length < 2:
            return None
        pos += 2 + length
    return None
