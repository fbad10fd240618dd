"""The one-time rating code printed on a ticket's receipt: the ticket id and 40 bits of an HMAC under
the server's key, so a kiosk can name the ticket it rates without a stored column (issue 15, item 1)."""

from __future__ import annotations

import base64
import re

from hall.server.core.security import Keyring
from hall.server.domain.errors import DomainError

# "<ticket id>-<8 letters>": short enough to type at the kiosk, printed on the receipt and as its QR.
_CODE = re.compile(r"^([1-9][0-9]{0,11})-([A-Z2-7]{8})$")


class BadRatingCode(DomainError):
    code = "evaluation.bad_code"
    kind = "invalid"
    template_zh = "评价码无效，请核对小票上的评价码"
    template_en = "the rating code is not valid; check the code on the receipt"


def rating_code(keyring: Keyring, ticket_id: int) -> str:
    """The ticket's one-time rating code (printed on the receipt): its id and 40 bits of an HMAC."""
    mac = base64.urlsafe_b64decode(keyring.sign_code(f"rate:{ticket_id}") + "==")
    return f"{ticket_id}-{base64.b32encode(mac[:5]).decode()}"


def ticket_of_code(keyring: Keyring, code: str) -> int:
    """The ticket id a rating code names. Raises BadRatingCode."""
    m = _CODE.match(code.strip().upper())
    if m is None or rating_code(keyring, int(m.group(1))) != m.group(0):
        raise BadRatingCode()
    return int(m.group(1))
