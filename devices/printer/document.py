"""A small printed-document model: every layout is described once as these values.

The same :class:`Document` is rendered to ESC/POS bytes (:mod:`devices.printer.render`) and, through
the interpreter, to a PNG preview, so the screen and the paper can never disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Align(enum.IntEnum):
    # values are the ESC a parameter
    LEFT = 0
    CENTER = 1
    RIGHT = 2


@dataclass(frozen=True, slots=True)
class Text:
    """One paragraph; wrapped to the paper at render time. ``width``/``height`` are GS ! multipliers."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: Align = Align.LEFT

    def __post_init__(self) -> None:
        if not (1 <= self.width <= 8 and 1 <= self.height <= 8):
            raise ValueError(f"text size must be 1..8, got {self.width}x{self.height}")


@dataclass(frozen=True, slots=True)
class Qr:
    """A QR code; ``module`` is the dot size of one module (GS ( k function 167, 1..16)."""

    data: str
    module: int = 6
    ec: str = "M"
    align: Align = Align.CENTER

    def __post_init__(self) -> None:
        if not self.data or not 1 <= self.module <= 16 or self.ec not in "LMQH" or len(self.ec) != 1:
            raise ValueError("QR needs data, a module size 1..16 and error correction L/M/Q/H")


@dataclass(frozen=True, slots=True)
class Barcode:
    """A CODE128 barcode (subset B) with its human-readable text below."""

    data: str
    height: int = 80
    module: int = 2
    align: Align = Align.CENTER

    def __post_init__(self) -> None:
        if not self.data or not self.data.isascii() or not self.data.isprintable() or len(self.data) > 60:
            raise ValueError("CODE128 data must be 1..60 printable ASCII characters")


@dataclass(frozen=True, slots=True)
class Separator:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class Cut:
    pass


Element = Text | Qr | Barcode | Separator | Feed | Cut


@dataclass(frozen=True, slots=True)
class Document:
    """A named print job: ``kind`` is ticket / receipt / notice / test_page (for logs and captures)."""

    kind: str
    elements: tuple[Element, ...]


PAPER_COLUMNS: dict[int, int] = {58: 32, 80: 48}
PAPER_DOTS: dict[int, int] = {58: 384, 80: 576}


def columns_for(paper_mm: int) -> int:
    try:
        return PAPER_COLUMNS[paper_mm]
    except KeyError:
        raise ValueError(f"paper_mm must be one of {sorted(PAPER_COLUMNS)}, got {paper_mm}") from None


def char_cells(ch: str) -> int:
    """Columns one character takes on the printer (font A: ASCII 12 dots, Chinese 24 dots).

    Wide and full-width characters (``unicodedata.east_asian_width`` W/F) take two columns; so does
    every other non-ASCII character, because it goes out in Chinese mode as a multi-byte GB18030
    code that the printer draws from its double-width font (east_asian_width calls "·" narrow).
    """
    if ch.isascii():
        return 1
    return 2


def text_cells(text: str) -> int:
    return sum(char_cells(c) for c in text)


# Characters that must not start a line (line-breaking rules for Chinese, 避头点).
_NO_LINE_START = set("，。、：；！？）》」』】,.:;!?)%")


def wrap(text: str, columns: int) -> list[str]:
    """Wrap to ``columns`` cells: Chinese breaks anywhere, ASCII words at spaces when possible."""
    if columns < 2:
        raise ValueError("columns must be at least 2")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, columns))
    return lines


def _wrap_paragraph(text: str, columns: int) -> list[str]:
    lines: list[str] = []
    line = ""
    used = 0
    for ch in text:
        cells = char_cells(ch)
        if used + cells <= columns:
            line += ch
            used += cells
            continue
        carry = ""
        if ch in _NO_LINE_START and len(line) > 1:
            carry, line = line[-1], line[:-1]
        elif ch.isascii() and ch != " " and " " in line and line[-1] != " ":
            # keep an ASCII word together: move it to the next line
            cut = line.rfind(" ")
            if line[cut + 1 :].isascii():
                carry, line = line[cut + 1 :], line[:cut]
        lines.append(line.rstrip(" "))
        line = (carry + ch).lstrip(" ") if ch == " " else carry + ch
        used = text_cells(line)
    lines.append(line.rstrip(" "))
    return lines
