"""Resident ID numbers (GB 11643): check digit, birth date, age. No I/O, no personal logging."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    """The mod-11 check character for the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def birth_date(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def is_valid(id_number: str) -> bool:
    """18 characters, a real birth date, and the right check digit (``x`` accepted as ``X``)."""
    s = id_number.strip().upper()
    return bool(_SHAPE.match(s)) and birth_date(s) is not None and check_char(s[:17]) == s[17]


def age_on(id_number: str, today: date) -> int | None:
    born = birth_date(id_number)
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
