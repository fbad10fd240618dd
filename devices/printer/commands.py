"""ESC/POS command bytes we send, built here because python-escpos gets Chinese and QR options wrong.

Only the commands the layouts use; the interpreter (:mod:`devices.printer.interpreter`) parses
exactly this set back, and the capture twin answers the real-time status ones.
"""

from __future__ import annotations

from itertools import groupby

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"
EOT = b"\x04"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
CUT_PARTIAL = GS + b"V" + bytes([66, 0])  # feed to the cutter, then partial cut

# DLE EOT n: 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor
STATUS_PRINTER, STATUS_OFFLINE, STATUS_ERROR, STATUS_PAPER = 1, 2, 3, 4

QR_EC = {"L": 48, "M": 49, "Q": 50, "H": 51}


def status_query(n: int) -> bytes:
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n must be 1..4")
    return DLE + EOT + bytes([n])


def align(n: int) -> bytes:
    return ESC + b"a" + bytes([n])


def bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([1 if on else 0])


def size(width: int, height: int) -> bytes:
    """GS ! — character size; unlike ESC ! it also enlarges Chinese characters."""
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def feed(lines: int) -> bytes:
    return ESC + b"d" + bytes([max(0, min(255, lines))])


def chinese(text: str) -> bytes:
    """Non-ASCII text in the printer's Chinese mode (FS & … FS .) as GB18030."""
    return CHINESE_ON + text.encode("gb18030") + CHINESE_OFF


def text_bytes(text: str) -> bytes:
    """ASCII runs as they are, every non-ASCII run wrapped in Chinese mode."""
    out = bytearray()
    for is_ascii, run in groupby(text, key=str.isascii):
        chunk = "".join(run)
        out += chunk.encode("ascii") if is_ascii else chinese(chunk)
    return bytes(out)


def _gs_k(fn: int, payload: bytes) -> bytes:
    body = bytes([49, fn]) + payload  # cn = 49: QR Code
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


def qr_native(data: str, *, module: int, ec: str) -> bytes:
    """GS ( k: model 2, module size, error correction, store, print."""
    payload = data.encode("utf-8")
    if len(payload) > 7089:
        raise ValueError("QR data too long")
    return (
        _gs_k(65, bytes([50, 0]))
        + _gs_k(67, bytes([module]))
        + _gs_k(69, bytes([QR_EC[ec]]))
        + _gs_k(80, b"0" + payload)
        + _gs_k(81, b"0")
    )


def raster(bits: bytes, width_bytes: int, height: int) -> bytes:
    """GS v 0: a 1-bit image, rows of ``width_bytes`` bytes, MSB left, 1 = black."""
    if len(bits) != width_bytes * height:
        raise ValueError("raster data does not match its size")
    return GS + b"v0" + b"\x00" + width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little") + bits


def code128(data: str, *, height: int, module: int) -> bytes:
    """GS k 73: CODE128; the ``{B`` prefix selects code set B (python-escpos leaves it to callers)."""
    payload = b"{B" + data.encode("ascii")
    return (
        GS + b"h" + bytes([height])
        + GS + b"w" + bytes([module])
        + GS + b"H" + bytes([2])  # human-readable text below
        + GS + b"k" + bytes([73, len(payload)]) + payload
    )
