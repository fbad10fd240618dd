"""QR modules for the screen's follow-on-phone codes, cached, so the GUI thread only paints them.

Flows warm the cache inside their background work (``warm``), the page then finds the matrix ready.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


@lru_cache(maxsize=64)
def modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR matrix (quiet zone of 2 included) for ``text``."""
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    return tuple(tuple(bool(v) for v in row) for row in qr.get_matrix())


def warm(value: T, text: str) -> T:
    """Compute the matrix for ``text`` now (on the calling worker thread) and pass ``value`` through."""
    if text:
        modules(text)
    return value
