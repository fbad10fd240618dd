"""Draw interpreted ESC/POS onto a paper-wide image: the PNG preview of exactly what was sent.

The preview goes through the bytes (render → interpret → draw), not the document, so it shows
what the printer receives. Geometry follows font A at 203 dpi: ASCII 12×24 dots, Chinese 24×24.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from barcode.charsets import code128 as c128
from PIL import Image, ImageDraw, ImageFont, ImageOps

from devices.printer.document import PAPER_DOTS, Align, char_cells
from devices.printer.interpreter import Code128, Cut, Feed, Line, Printout, QrCode, Raster, interpret
from devices.printer.render import QUIET_ZONE, qr_matrix

FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
CELL = 12  # dots per column (font A)
LINE_GAP = 6  # dots between lines (default line spacing 30 dots for a 24-dot font)
MARGIN = 16  # white above and below the printout in the preview


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = Path(FONT_PATHS[1 if bold else 0])
    if not path.exists():
        path = Path(FONT_PATHS[0])
    try:
        return ImageFont.truetype(str(path), 22)
    except OSError:  # no CJK font installed: still draw, boxes instead of Chinese
        return ImageFont.load_default()


@cache
def _glyph(ch: str, bold: bool) -> Image.Image:
    """One character in its base cell (12×24 or 24×24), black on white, mode L.

    Proportional glyphs wider than the cell ("m", "W") are squeezed, as a printer's fixed-pitch font is.
    """
    w = CELL * char_cells(ch)
    wide = Image.new("L", (3 * w, 24), 255)
    ImageDraw.Draw(wide).text((1.5 * w, 12), ch, font=_font(bold), fill=0, anchor="mm")
    box = ImageOps.invert(wide).getbbox()
    cell = Image.new("L", (w, 24), 255)
    if box is None:
        return cell
    ink = wide.crop((box[0], 0, box[2], 24))
    if ink.width > w - 1:
        ink = ink.resize((w - 1, 24), Image.Resampling.LANCZOS)
    cell.paste(ink, ((w - ink.width) // 2, 0))
    return cell


def _x(align: Align, width: int, paper: int) -> int:
    if align == Align.CENTER:
        return max(0, (paper - width) // 2)
    if align == Align.RIGHT:
        return max(0, paper - width)
    return 0


def _line(line: Line, paper: int) -> Image.Image:
    height = 24 * max((s.height for s in line.segments), default=1)
    cells = [(ch, s) for s in line.segments for ch in s.text]
    width = sum(CELL * char_cells(ch) * s.width for ch, s in cells)
    img = Image.new("L", (paper, height + LINE_GAP), 255)
    x = _x(line.align, width, paper)
    for ch, s in cells:
        glyph = _glyph(ch, s.bold)
        if s.width > 1 or s.height > 1:
            glyph = glyph.resize((glyph.width * s.width, 24 * s.height), Image.Resampling.NEAREST)
        if x + glyph.width > paper:
            break  # the printer would have wrapped; the renderer never sends such lines
        img.paste(glyph, (x, height - glyph.height))
        x += glyph.width
    return img


def _qr(op: QrCode, paper: int) -> Image.Image:
    matrix = qr_matrix(op.data, op.ec)
    n = len(matrix) + 2 * QUIET_ZONE
    small = Image.new("L", (n, n), 255)
    small.putdata([0 if dark else 255 for row in _pad(matrix) for dark in row])
    side = n * op.module
    img = Image.new("L", (paper, side), 255)
    img.paste(small.resize((side, side), Image.Resampling.NEAREST), (_x(op.align, side, paper), 0))
    return img


def _pad(matrix: list[list[bool]]) -> list[list[bool]]:
    n = len(matrix) + 2 * QUIET_ZONE
    side = [False] * QUIET_ZONE
    return [[False] * n] * QUIET_ZONE + [side + r + side for r in matrix] + [[False] * n] * QUIET_ZONE


def _raster(op: Raster, paper: int) -> Image.Image:
    bits = Image.frombytes("1", (op.width_bytes * 8, op.height), bytes(b ^ 0xFF for b in op.bits))
    img = Image.new("L", (paper, op.height), 255)
    img.paste(bits.convert("L"), (_x(op.align, bits.width, paper), 0))
    return img


def code128_modules(data: str) -> str:
    """Bar pattern of CODE128 code set B (what ``{B`` + data prints), start to stop."""
    values = [104] + [ord(c) - 32 for c in data]
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], 1))) % 103
    # the stop symbol ends with a 2-module termination bar that python-barcode keeps apart
    return "".join(c128.CODES[v] for v in [*values, check]) + str(c128.STOP) + "11"


def _barcode(op: Code128, paper: int) -> Image.Image:
    bars = "0" * 10 + code128_modules(op.data) + "0" * 10  # quiet zones
    width = len(bars) * op.module
    img = Image.new("L", (paper, op.height + 24 + LINE_GAP), 255)
    x0 = _x(op.align, width, paper)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(bars):
        if bit == "1":
            draw.rectangle([x0 + i * op.module, 0, x0 + (i + 1) * op.module - 1, op.height - 1], fill=0)
    # human-readable text centred under the bars (GS H 2)
    draw.text((x0 + width / 2, op.height + 12), op.data, font=_font(False), fill=0, anchor="mm")
    return img


def draw(printout: Printout, *, paper_mm: int = 80) -> Image.Image:
    """The printout as a grayscale image ``PAPER_DOTS[paper_mm]`` wide."""
    paper = PAPER_DOTS[paper_mm]
    strips: list[Image.Image] = []
    for op in printout.ops:
        if isinstance(op, Line):
            strips.append(_line(op, paper))
        elif isinstance(op, QrCode):
            strips.append(_qr(op, paper))
        elif isinstance(op, Raster):
            strips.append(_raster(op, paper))
        elif isinstance(op, Code128):
            strips.append(_barcode(op, paper))
        elif isinstance(op, Feed):
            strips.append(Image.new("L", (paper, op.lines * (24 + LINE_GAP)), 255))
        elif isinstance(op, Cut):
            cut = Image.new("L", (paper, 24), 255)
            ImageDraw.Draw(cut).line([(0, 12), (paper, 12)], fill=160, width=1)
            strips.append(cut)
    height = sum(s.height for s in strips) + 2 * MARGIN
    page = Image.new("L", (paper, max(height, 2 * MARGIN)), 255)
    y = MARGIN
    for s in strips:
        page.paste(s, (0, y))
        y += s.height
    return page


def preview(data: bytes, *, paper_mm: int = 80) -> Image.Image:
    """Interpret ESC/POS bytes and draw them. Raises ProtocolError on unsupported commands."""
    return draw(interpret(data), paper_mm=paper_mm)


def write_png(data: bytes, path: Path, *, paper_mm: int = 80) -> Path:
    preview(data, paper_mm=paper_mm).save(path, format="PNG", optimize=True)
    return path
