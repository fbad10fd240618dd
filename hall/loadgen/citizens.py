"""Made-up citizens for the load: valid-looking ID numbers and small scanned-material JPEGs.

The ID numbers pass the GB 11643 check digit but belong to nobody (sequence 9xx, a fixed test
region); they are never printed or logged by the load generator.
"""

from __future__ import annotations

import io
import random
import struct
from datetime import date, timedelta

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"
_REGION = "110101"


def check_char(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def fake_id_number(rng: random.Random, *, today: date | None = None) -> str:
    """A check-digit-valid ID number of an adult aged 18–89 (about a fifth are 70+)."""
    today = today or date.today()
    born = today - timedelta(days=rng.randint(18 * 366, 89 * 365))
    first17 = f"{_REGION}{born:%Y%m%d}{rng.randint(900, 999)}"
    return first17 + check_char(first17)


def _scan(rng: random.Random, width: int, height: int) -> bytes:
    """A page-like greyscale JPEG: light paper, a few dark text bars, mild noise."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, height), 236)
    draw = ImageDraw.Draw(img)
    y = 40
    while y < height - 40:
        draw.rectangle((40, y, 40 + rng.randint(width // 3, width - 80), y + 9), fill=rng.randint(20, 70))
        y += rng.randint(22, 34)
    noise = Image.effect_noise((width, height), 12).point(lambda v: v // 8)
    img = Image.blend(img, noise.convert("L"), 0.06)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return buf.getvalue()


class MaterialPool:
    """A few generated scans, each handed out with a unique comment segment so every upload is new
    content (a content-addressed store would otherwise keep one copy and hide the write load)."""

    def __init__(self, rng: random.Random, *, count: int = 4, width: int = 800, height: int = 1100) -> None:
        self._rng = rng
        self._scans = [_scan(rng, width, height) for _ in range(count)]
        self._serial = 0

    def next_jpeg(self) -> bytes:
        self._serial += 1
        base = self._scans[self._serial % len(self._scans)]
        note = f"loadgen {self._serial} {self._rng.getrandbits(64):016x}".encode()
        # SOI, then a COM segment (FF FE, big-endian length including itself), then the rest.
        return base[:2] + b"\xff\xfe" + struct.pack(">H", len(note) + 2) + note + base[2:]

    @property
    def typical_bytes(self) -> int:
        return sum(len(s) for s in self._scans) // len(self._scans)
