"""Printable, unguessable codes with a check character (booking codes, registration codes).

Alphabet: Crockford base32 (digits and upper-case letters without I, L, O, U), so a code read
aloud or typed from paper survives the usual confusions: input ``O`` is read as ``0`` and ``I``
/ ``L`` as ``1``; hyphens and blanks are ignored. The check character is ISO 7064 hybrid
MOD 33,32, which catches every single mistyped character.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from .errors import InvalidCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_M = len(ALPHABET)  # 32
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})

RandBelow = Callable[[int], int]


def normalize(text: str) -> str:
    """Upper-case, drop blanks and hyphens, read O as 0 and I/L as 1."""
    return "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)


def _chain(body: str) -> int:
    p = _M
    for c in body:
        s = (p + _VALUE[c]) % _M or _M
        p = (2 * s) % (_M + 1)
    return p


def check_char(body: str) -> str:
    """The check character for ``body`` (characters of :data:`ALPHABET`)."""
    if any(c not in _VALUE for c in body):
        raise InvalidCode(what="characters")
    return ALPHABET[(1 - _chain(body)) % _M]


def is_valid(code: str) -> bool:
    """``code`` (normalised) ends with the right check character."""
    s = normalize(code)
    return len(s) >= 2 and all(c in _VALUE for c in s) and check_char(s[:-1]) == s[-1]


def random_chars(n: int, *, randbelow: RandBelow = secrets.randbelow) -> str:
    return "".join(ALPHABET[randbelow(_M)] for _ in range(n))


def with_check(body: str) -> str:
    return body + check_char(body)


def group(code: str, size: int = 4) -> str:
    """``K7M29QXA3`` → ``K7M2-9QXA-3`` for printing and reading aloud."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def public_token() -> str:
    """An unguessable URL-safe token (128 bits), e.g. for a ticket's public follow link."""
    return secrets.token_urlsafe(16)
