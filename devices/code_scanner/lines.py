"""Line-mode scanner payloads: split a byte stream at the terminator, parse each line.

Many scanners can prefix the AIM symbology identifier (``]Q1`` QR, ``]C0`` Code 128, ``]L2``
PDF417 …); when a line starts with one it names the type and is stripped, otherwise the type is
``unknown``. Text is UTF-8, or GB18030 as many Chinese scanners send in their default mode.
"""

from __future__ import annotations

import re

from devices.code_scanner.protocol import ScannedCode

MAX_LINE_BYTES = 8192  # a PDF417 holds ~1.1 KB; anything far longer is line noise
TERMINATORS = {"\r": b"\r", "\n": b"\n", "\r\n": b"\r\n", "\t": b"\t"}

_AIM = re.compile(r"^\]([A-Za-z])([0-9A-Za-z])")
_AIM_TYPES = {
    "A": "code39", "C": "code128", "E": "ean13", "F": "codabar", "G": "code93", "I": "itf",
    "L": "pdf417", "Q": "qr", "d": "datamatrix", "z": "aztec", "e": "databar",
}


def decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def parse_line(raw: bytes) -> ScannedCode | None:
    """One scanner line (terminator already removed) → a code, or None for an empty line."""
    text = decode_text(raw).strip("\r\n\t \x00")
    match = _AIM.match(text)
    code_type = "unknown"
    if match and match.group(1) in _AIM_TYPES:
        code_type = _AIM_TYPES[match.group(1)]
        text = text[match.end():]
    # Control characters (other than GS, which GS1 codes use as a separator) are scanner noise.
    text = "".join(ch for ch in text if ch >= " " or ch == "\x1d")
    return ScannedCode(code_type, text) if text else None


class LineSplitter:
    """Accumulates bytes; ``feed`` returns the complete lines. Overlong junk is dropped, counted."""

    def __init__(self, terminator: str = "\r") -> None:
        if terminator not in TERMINATORS:
            raise ValueError(f"terminator {terminator!r}; expected one of {sorted(TERMINATORS)}")
        self.terminator = TERMINATORS[terminator]
        self._buffer = bytearray()
        self.dropped = 0

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer.extend(data)
        lines: list[bytes] = []
        while True:
            cut = self._buffer.find(self.terminator)
            if cut < 0:
                break
            line = bytes(self._buffer[:cut])
            del self._buffer[:cut + len(self.terminator)]
            if self.terminator == b"\r" and line.startswith(b"\n"):
                line = line[1:]  # scanner set to CR LF while we expect CR: ignore the stray LF
            if len(line) <= MAX_LINE_BYTES:
                lines.append(line)
            else:
                self.dropped += 1
        if len(self._buffer) > MAX_LINE_BYTES:
            self._buffer.clear()
            self.dropped += 1
        return lines

    def parse(self, data: bytes) -> list[ScannedCode]:
        """Feed bytes, return the codes of the lines they completed."""
        return [code for line in self.feed(data) if (code := parse_line(line)) is not None]
