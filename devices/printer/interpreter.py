"""Parse ESC/POS bytes back into what the paper shows: text lines, QR payloads, images, cuts.

No ESC/POS-to-image decoder exists on PyPI, so this reads the command set our renderer sends (and
DLE EOT). :func:`next_token` is shared with the capture twin, which must find real-time status
queries at command boundaries and never inside image or QR data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from devices.errors import ProtocolError
from devices.printer.document import Align

_TEXT_STOP = frozenset(range(0x20))  # every control byte ends a run of text


@dataclass(frozen=True, slots=True)
class Token:
    """One command (``op`` like ``"ESC a"``) or a run of text bytes (``op == "text"``)."""

    op: str
    params: bytes = b""
    data: bytes = b""


# ESC/GS/FS commands with a fixed number of parameter bytes
_FIXED: dict[bytes, tuple[str, int]] = {
    b"\x1b@": ("ESC @", 0), b"\x1ba": ("ESC a", 1), b"\x1bE": ("ESC E", 1), b"\x1bd": ("ESC d", 1),
    b"\x1b!": ("ESC !", 1), b"\x1b2": ("ESC 2", 0), b"\x1b3": ("ESC 3", 1), b"\x1bt": ("ESC t", 1),
    b"\x1d!": ("GS !", 1), b"\x1dh": ("GS h", 1), b"\x1dw": ("GS w", 1), b"\x1dH": ("GS H", 1),
    b"\x1c&": ("FS &", 0), b"\x1c.": ("FS .", 0), b"\x10\x04": ("DLE EOT", 1),
}


def next_token(buf: bytes | bytearray, i: int) -> tuple[Token, int] | None:
    """The token starting at ``buf[i]`` and the index after it; None if ``buf`` ends mid-command."""
    b = buf[i]
    if b >= 0x20:
        j = i
        while j < len(buf) and buf[j] not in _TEXT_STOP:
            j += 1
        return Token("text", data=bytes(buf[i:j])), j
    if b not in (0x1B, 0x1D, 0x1C, 0x10):
        return Token("LF" if b == 0x0A else "CR" if b == 0x0D else "ctrl", bytes([b])), i + 1
    if i + 1 >= len(buf):
        return None
    head = bytes(buf[i : i + 2])
    if head in _FIXED:
        name, n = _FIXED[head]
        if i + 2 + n > len(buf):
            return None
        return Token(name, bytes(buf[i + 2 : i + 2 + n])), i + 2 + n
    if head == b"\x1dV":
        if i + 3 > len(buf):
            return None
        n = 2 if buf[i + 2] in (65, 66, 97, 98) else 1
        return (Token("GS V", bytes(buf[i + 2 : i + 2 + n])), i + 2 + n) if i + 2 + n <= len(buf) else None
    if head == b"\x1d(":  # GS ( k pL pH ...
        if i + 5 > len(buf):
            return None
        size = int.from_bytes(buf[i + 3 : i + 5], "little")
        end = i + 5 + size
        if end > len(buf):
            return None
        return Token(f"GS ( {chr(buf[i + 2])}", data=bytes(buf[i + 5 : end])), end
    if head == b"\x1dv":  # GS v 0 m xL xH yL yH d1..dk
        if i + 8 > len(buf):
            return None
        xb, yd = int.from_bytes(buf[i + 4 : i + 6], "little"), int.from_bytes(buf[i + 6 : i + 8], "little")
        end = i + 8 + xb * yd
        return (Token("GS v 0", bytes(buf[i + 3 : i + 8]), bytes(buf[i + 8 : end])), end) if end <= len(
            buf
        ) else None
    if head == b"\x1dk":
        return _barcode_token(buf, i)
    return Token("unknown", head), i + 2


def _barcode_token(buf: bytes | bytearray, i: int) -> tuple[Token, int] | None:
    if i + 3 > len(buf):
        return None
    m = buf[i + 2]
    if m >= 65:  # GS k m n d1..dn
        if i + 4 > len(buf):
            return None
        end = i + 4 + buf[i + 3]
        return (Token("GS k", bytes([m]), bytes(buf[i + 4 : end])), end) if end <= len(buf) else None
    nul = bytes(buf).find(b"\x00", i + 3)  # GS k m d1..dk NUL
    return (Token("GS k", bytes([m]), bytes(buf[i + 3 : nul])), nul + 1) if nul >= 0 else None


def tokenize(data: bytes) -> list[Token]:
    """All tokens of a complete job; raises ProtocolError if the bytes end inside a command."""
    tokens: list[Token] = []
    i = 0
    while i < len(data):
        step = next_token(data, i)
        if step is None:
            raise ProtocolError(f"ESC/POS data ends inside a command at byte {i}")
        token, i = step
        tokens.append(token)
    return tokens


# --- what the paper shows ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    segments: tuple[Segment, ...]
    align: Align = Align.LEFT

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str
    module: int
    ec: str
    align: Align


@dataclass(frozen=True, slots=True)
class Raster:
    width_bytes: int
    height: int
    bits: bytes = field(repr=False)
    align: Align = Align.LEFT


@dataclass(frozen=True, slots=True)
class Code128:
    data: str
    height: int
    module: int
    align: Align


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int


@dataclass(frozen=True, slots=True)
class Cut:
    partial: bool


Op = Line | QrCode | Raster | Code128 | Feed | Cut


@dataclass
class Printout:
    """The interpreted job: ``ops`` in paper order, plus the real-time status queries seen."""

    ops: list[Op] = field(default_factory=list)
    status_queries: list[int] = field(default_factory=list)

    def text_lines(self) -> list[str]:
        return [op.text for op in self.ops if isinstance(op, Line)]

    def qr_payloads(self) -> list[str]:
        return [op.data for op in self.ops if isinstance(op, QrCode)]

    @property
    def cuts(self) -> int:
        return sum(isinstance(op, Cut) for op in self.ops)


class _State:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.align, self.bold, self.width, self.height = Align.LEFT, False, 1, 1
        self.chinese = False
        self.qr_module, self.qr_ec, self.qr_data = 3, "L", b""
        self.bc_height, self.bc_module = 162, 3


_EC_NAMES = {48: "L", 49: "M", 50: "Q", 51: "H"}


def interpret(data: bytes) -> Printout:
    """Parse a job's bytes. Raises ProtocolError on commands outside the supported set."""
    out = Printout()
    st = _State()
    pending: list[Segment] = []
    line_align = Align.LEFT

    def flush(force: bool) -> None:
        nonlocal pending
        if pending or force:
            out.ops.append(Line(tuple(pending), line_align if pending else st.align))
        pending = []

    for tok in tokenize(data):
        op, p = tok.op, tok.params
        if op == "text":
            if not pending:
                line_align = st.align
            text = tok.data.decode("gb18030", "replace") if st.chinese else tok.data.decode("cp437")
            pending.append(Segment(text, st.width, st.height, st.bold))
        elif op == "LF":
            flush(True)
        elif op in ("CR", "ESC 2", "ESC 3", "ESC t", "GS H"):
            pass  # no visible effect for the commands we send
        elif op == "ESC @":
            flush(False)
            st.reset()
        elif op == "ESC a":
            n = p[0] - 48 if p[0] >= 48 else p[0]
            st.align = Align(n) if n in (0, 1, 2) else Align.LEFT
        elif op == "ESC E":
            st.bold = bool(p[0] & 1)
        elif op == "ESC !":
            st.bold, st.width, st.height = bool(p[0] & 8), 2 if p[0] & 32 else 1, 2 if p[0] & 16 else 1
        elif op == "GS !":
            st.width, st.height = (p[0] >> 4) + 1, (p[0] & 0x0F) + 1
        elif op in ("FS &", "FS ."):
            st.chinese = op == "FS &"
        elif op == "ESC d":
            flush(False)
            out.ops.append(Feed(p[0]))
        elif op == "DLE EOT":
            out.status_queries.append(p[0])
        elif op == "GS ( k":
            _qr_function(tok.data, st, out, flush)
        elif op == "GS v 0":
            flush(False)
            xb, yd = int.from_bytes(p[1:3], "little"), int.from_bytes(p[3:5], "little")
            out.ops.append(Raster(xb, yd, tok.data, st.align))
        elif op == "GS h":
            st.bc_height = p[0]
        elif op == "GS w":
            st.bc_module = p[0]
        elif op == "GS k":
            flush(False)
            text = tok.data.decode("ascii", "replace")
            out.ops.append(Code128(text[2:] if text[:1] == "{" else text, st.bc_height, st.bc_module, st.align))
        elif op == "GS V":
            flush(False)
            out.ops.append(Cut(partial=p[0] in (1, 49, 66, 98)))
        else:
            raise ProtocolError(f"unsupported ESC/POS command {tok.op} {tok.params.hex()}")
    flush(False)
    return out


def _qr_function(body: bytes, st: _State, out: Printout, flush: Callable[[bool], None]) -> None:
    if len(body) < 2 or body[0] != 49:
        raise ProtocolError("GS ( k for a symbol other than QR")
    fn, args = body[1], body[2:]
    if fn == 67 and args:
        st.qr_module = args[0]
    elif fn == 69 and args:
        st.qr_ec = _EC_NAMES.get(args[0], "L")
    elif fn == 80:
        st.qr_data = args[1:]
    elif fn == 81:
        flush(False)
        out.ops.append(QrCode(st.qr_data.decode("utf-8", "replace"), st.qr_module, st.qr_ec, st.align))
