"""The whole stored file checked before it is kept: an image's real frame header wherever it is, and
nothing that makes it a second kind of file too (a polyglot).

The first-chunk header scan (:mod:`hall.server.submissions.image_header`) misses a JPEG whose frame header
comes after 300 KB of comments; Pillow's parser walks every segment to the frame header without decoding a
pixel, so its size is the one a viewer would meet. A polyglot is a file that another program reads as
something else — a ZIP or HTML page after the image's end, a PDF header inside an image, a ZIP or script in
a PDF — which a browser or a clerk's PDF reader could then run. A merely damaged image is kept as before
(the counter's viewer says it cannot show it).
"""

from __future__ import annotations

import re
import struct
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from hall.server.submissions.errors import ImageTooLarge, Polyglot
from hall.server.submissions.image_header import MAX_PIXELS

# What must not hide in a material: archives, markup and script, executables, a PDF header.
_MARKUP = rb"<\s*(?:html|script|svg|iframe|body|\?php|!doctype)"
_FOREIGN = re.compile(rb"PK\x03\x04|PK\x05\x06|MZ\x90\x00|\x7fELF|%PDF-|" + _MARKUP, re.IGNORECASE)
_PDF_HEAD = re.compile(rb"PK\x03\x04|MZ\x90\x00|\x7fELF|" + _MARKUP, re.IGNORECASE)
# A ZIP reader starts from the end-of-directory record at the end; markup there is for a browser.
_TAIL = re.compile(rb"PK\x05\x06|" + _MARKUP, re.IGNORECASE)
_TAIL_BYTES = 66_000
_PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG"}


def check_file(path: Path, content_type: str) -> None:
    """Raises ImageTooLarge (the real frame header declares a bomb) or Polyglot (the file is, or hides,
    another kind of file). Only metadata segments and what follows the image's end are searched:
    compressed pixel data is random-looking and would match some signature by chance."""
    data = path.read_bytes()
    if content_type == "application/pdf":
        # A PDF reader takes its header anywhere in the first KB, a browser sniffs the start.
        if _PDF_HEAD.search(data[:1024]) or _TAIL.search(data[-_TAIL_BYTES:]):
            raise Polyglot()
        return
    end, meta = _png_walk(data) if content_type == "image/png" else _jpeg_walk(data)
    if _FOREIGN.search(meta):
        raise Polyglot()
    if end is not None and data[end:].strip(b"\0\r\n "):
        raise Polyglot()  # anything after the image's end is for another reader
    if end is None and _TAIL.search(data[-_TAIL_BYTES:]):
        raise Polyglot()
    _check_pillow(path, _PILLOW_FORMAT[content_type])


def _check_pillow(path: Path, fmt: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[fmt]) as im:  # reads headers only; no pixel is decoded
                width, height = im.size
        except Image.DecompressionBombError as exc:
            raise ImageTooLarge(max_pixels=MAX_PIXELS) from exc
        except (UnidentifiedImageError, SyntaxError, OSError, ValueError, struct.error):
            return  # damaged: nothing a viewer could size either (it shows an error, as before)
    if width * height > MAX_PIXELS:
        raise ImageTooLarge(max_pixels=MAX_PIXELS)


def _png_walk(data: bytes) -> tuple[int | None, bytes]:
    """(offset just past IEND or None when the chain breaks, the payloads of every chunk but IDAT)."""
    pos, meta = 8, bytearray()
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if kind != b"IDAT":
            meta += data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IEND":
            return (pos if pos <= len(data) else None), bytes(meta)
    return None, bytes(meta)


def _jpeg_walk(data: bytes) -> tuple[int | None, bytes]:
    """(offset just past EOI or None when the segments break, the payloads of every segment), walking
    segments and skipping entropy-coded data."""
    pos, meta = 2, bytearray()
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return None, bytes(meta)
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2, bytes(meta)
        if marker in (0x01, *range(0xD0, 0xD8)):
            pos += 2
            continue
        if pos + 4 > len(data):
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2:
            break
        meta += data[pos + 4:pos + 2 + length]
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            pos = _scan_end(data, pos)
    return None, bytes(meta)


def _scan_end(data: bytes, pos: int) -> int:
    """The offset of the first marker after entropy-coded data (0xFF00 is a stuffed byte, RSTn stay inside)."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos
