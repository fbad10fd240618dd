"""Render a :class:`~devices.printer.document.Document` to the exact ESC/POS bytes a printer receives.

Deterministic: the same document, paper and QR mode always give the same bytes (tests compare them
with golden files). Text is stripped of control characters so data can never inject commands.
"""

from __future__ import annotations

import re

import qrcode
import qrcode.constants
from PIL import Image

from devices.printer import commands as cmd
from devices.printer.document import (
    PAPER_DOTS,
    Align,
    Barcode,
    Cut,
    Document,
    Feed,
    Qr,
    Separator,
    Text,
    char_cells,
    columns_for,
    wrap,
)
from devices.printer.protocol import QrMode

QUIET_ZONE = 4  # modules of white around a QR (ISO/IEC 18004)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def clean(text: str) -> str:
    """Printable text only: line breaks kept, tabs and other control characters become spaces."""
    return "\n".join(_CONTROL.sub(" ", part) for part in text.replace("\r\n", "\n").split("\n"))


def qr_matrix(data: str, ec: str) -> list[list[bool]]:
    """The QR modules (no quiet zone) the printer would choose: smallest version for data + EC."""
    code = qrcode.QRCode(version=None, error_correction=_EC[ec], border=0)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def fit_module(modules: int, wanted: int, paper_mm: int) -> int:
    """Largest module size ≤ wanted that fits the paper with its quiet zone."""
    dots = PAPER_DOTS[paper_mm]
    return max(1, min(wanted, dots // (modules + 2 * QUIET_ZONE)))


def _with_quiet_zone(matrix: list[list[bool]]) -> list[list[bool]]:
    n = len(matrix) + 2 * QUIET_ZONE
    blank = [False] * n
    pad = [False] * QUIET_ZONE
    rows = [pad + row + pad for row in matrix]
    return [blank] * QUIET_ZONE + rows + [blank] * QUIET_ZONE


def qr_image_bits(matrix: list[list[bool]], module: int) -> tuple[bytes, int, int]:
    """A QR as GS v 0 raster data (with its quiet zone): ``(bits, width_bytes, height)``."""
    n = len(matrix) + 2 * QUIET_ZONE
    small = Image.new("1", (n, n), 1)
    small.putdata([0 if dark else 1 for row in _with_quiet_zone(matrix) for dark in row])
    side = n * module
    width_bytes = (side + 7) // 8
    img = Image.new("1", (width_bytes * 8, side), 1)
    img.paste(small.resize((side, side), Image.Resampling.NEAREST), (0, 0))
    # PIL mode "1" stores white as 1; ESC/POS wants 1 = black
    bits = bytes(b ^ 0xFF for b in img.tobytes())
    return bits, width_bytes, side


class _Renderer:
    def __init__(self, paper_mm: int, qr_mode: QrMode) -> None:
        if qr_mode not in ("native", "image"):
            raise ValueError(f"qr_mode must be 'native' or 'image', got {qr_mode!r}")
        self.columns = columns_for(paper_mm)
        self.paper_mm = paper_mm
        self.qr_mode = qr_mode
        self.out = bytearray(cmd.INIT)
        # printer state after ESC @, so only changes are sent
        self.align, self.bold, self.size = Align.LEFT, False, (1, 1)

    def _set(self, *, align: Align, bold: bool = False, size: tuple[int, int] = (1, 1)) -> None:
        if align != self.align:
            self.out += cmd.align(int(align))
            self.align = align
        if bold != self.bold:
            self.out += cmd.bold(bold)
            self.bold = bold
        if size != self.size:
            self.out += cmd.size(*size)
            self.size = size

    def text(self, el: Text) -> None:
        self._set(align=el.align, bold=el.bold, size=(el.width, el.height))
        for line in wrap(clean(el.text), max(2, self.columns // el.width)):
            self.out += cmd.text_bytes(line) + cmd.LF

    def separator(self, el: Separator) -> None:
        self._set(align=Align.LEFT)
        ch = clean(el.char)[:1] or "-"
        self.out += cmd.text_bytes(ch * (self.columns // char_cells(ch))) + cmd.LF

    def qr(self, el: Qr) -> None:
        self._set(align=el.align)
        matrix = qr_matrix(el.data, el.ec)
        module = fit_module(len(matrix), el.module, self.paper_mm)
        if self.qr_mode == "native":
            self.out += cmd.qr_native(el.data, module=module, ec=el.ec)
        else:
            self.out += cmd.raster(*qr_image_bits(matrix, module))

    def barcode(self, el: Barcode) -> None:
        self._set(align=el.align)
        self.out += cmd.code128(el.data, height=el.height, module=el.module)

    def render(self, doc: Document) -> bytes:
        for el in doc.elements:
            if isinstance(el, Text):
                self.text(el)
            elif isinstance(el, Separator):
                self.separator(el)
            elif isinstance(el, Qr):
                self.qr(el)
            elif isinstance(el, Barcode):
                self.barcode(el)
            elif isinstance(el, Feed):
                self.out += cmd.feed(el.lines)
            elif isinstance(el, Cut):
                self._set(align=Align.LEFT)
                self.out += cmd.CUT_PARTIAL
        return bytes(self.out)


def render(doc: Document, *, paper_mm: int = 80, qr_mode: QrMode = "native") -> bytes:
    """The ESC/POS bytes of ``doc`` for ``paper_mm`` (58/80) paper. Raises ValueError on bad options."""
    return _Renderer(paper_mm, qr_mode).render(doc)
