"""PIN hashing for staff sign-in: salted scrypt, compared in constant time (a PIN is never stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

_N, _R, _P = 2**14, 8, 1
PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")


def hash_pin(pin: str) -> str:
    """``scrypt$<salt>$<hash>`` of a 4–8 digit PIN."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode("ascii"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def pin_matches(pin: str, stored: str) -> bool:
    """Does ``pin`` match the stored hash? False for anything malformed."""
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt" or not PIN_PATTERN.match(pin):
            return False
        digest = hashlib.scrypt(pin.encode("ascii"), salt=base64.b64decode(salt_b64), n=_N, r=_R, p=_P, dklen=32)
    except (ValueError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))
