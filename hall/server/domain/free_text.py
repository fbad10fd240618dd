"""Personal data in text a caller writes: ID numbers and mobile numbers found and masked before storage.

``config.privacy.redact`` masks an ID or mobile number standing as a word; an ID number glued to letters
(``abc110101199003071233``, a local code ``L110101199003071233``) is a word to it, so any run of 17 digits
and a check character that is a *valid* ID number (check digit, birth date) is masked or refused too —
the validity test keeps kiosk codes and ticket numbers from matching by chance.
"""

from __future__ import annotations

import re

from config.privacy import redact
from hall.server.domain.identity import is_valid_id_number

_ID18_ANYWHERE = re.compile(r"(?=(\d{17}[\dXx]))")


def _embedded_ids(text: str) -> list[str]:
    return [m for m in _ID18_ANYWHERE.findall(text) if is_valid_id_number(m)]


def mask_free_text(text: str) -> str:
    """``text`` with every ID number and mobile number masked (the one masking form)."""
    text = redact(text)
    for found in _embedded_ids(text):
        text = text.replace(found, f"{found[:6]}********{found[-4:]}")
    return text


def has_personal(text: str) -> bool:
    """True when ``text`` holds an ID number or a mobile number (a code field must not)."""
    return redact(text) != text or bool(_embedded_ids(text))
