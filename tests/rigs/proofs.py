"""Proof-of-identity evidence for tests that act as a kiosk after a real card read (issue 14.2).

The hall server refuses personal data for a typed number; a kiosk that read a card sends the card's
own GA 467 text block and WLT photo. These build that evidence the way the ID-card twin's cards do.
"""

from __future__ import annotations

import base64
import hashlib

from devices.id_card.text import build_text


def card_text(id_number: str, *, valid_until: str = "20350612", name: str = "张伟") -> bytes:
    """A resident card's 256-byte text block naming ``id_number``."""
    return build_text("", {"name": name, "sex": "1", "nation": "01", "birth": id_number[6:14],
                           "address": "北京市东城区景山前街4号", "id_number": id_number,
                           "issuer": "北京市公安局东城分局", "valid_from": "20150612", "valid_until": valid_until})


def card_photo(id_number: str) -> bytes:
    return hashlib.shake_256(f"wlt-photo:{id_number}".encode()).digest(1024)


def card_proof(id_number: str, *, valid_until: str = "20350612") -> dict[str, str]:
    """The ``proof`` object of a card read for ``id_number`` (routes: lookup, e-licences, submissions)."""
    return {"method": "id_card", "card_text": base64.b64encode(card_text(id_number, valid_until=valid_until)).decode(),
            "card_photo": base64.b64encode(card_photo(id_number)).decode()}
