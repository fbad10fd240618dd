"""The card record every ID-card driver returns, and its JSON form for the technician CLI.

``devices`` may not import ``config``, so the display masks (脱敏) live here in the same shape as
``config.privacy``: ``110101********1234``, ``张*``, first six characters of an address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

CardType = Literal["resident", "foreign_permanent", "hk_mo_tw_residence"]
LONG_TERM = "长期"

JSON_KEYS: tuple[str, ...] = (
    "name", "sex", "nation", "birth_date", "address", "id_number", "issuer",
    "valid_from", "valid_until", "id_number_valid", "card_type",
)


def mask_id_number(id_number: str) -> str:
    """``110101199003071234`` → ``110101********1234`` (15 characters keep 6 + 3)."""
    s = id_number.strip()
    if len(s) == 18:
        return f"{s[:6]}********{s[-4:]}"
    if len(s) == 15:
        return f"{s[:6]}******{s[-3:]}"
    return "*" * len(s)


def mask_name(name: str) -> str:
    """``张三`` → ``张*``; ``欧阳娜娜`` → ``欧***``."""
    s = name.strip()
    return s[0] + "*" * max(1, len(s) - 1) if s else ""


def mask_address(address: str) -> str:
    """Keep the first six characters (province/city level), hide the rest."""
    s = address.strip()
    return s[:6] + "*" * max(0, min(len(s) - 6, 10)) if len(s) > 6 else "*" * len(s)


@dataclass(frozen=True, slots=True)
class IdCardRecord:
    """What a GA 467 read gives, parsed. Personal fields stay out of ``repr``.

    ``photo_wlt`` is the card's raw 1024-byte WLT photo (compressed and encrypted; only a licensed
    decoder turns it into an image). ``photo_bmp`` is set only when such a decoder is configured.
    For a foreigner's card ``nation_code`` is the ISO alpha-3 nationality and ``english_name`` is
    filled; for a HK/Macao/Taiwan permit ``pass_number`` and ``issue_count`` are filled.
    """

    card_type: CardType
    name: str = field(repr=False)
    sex_code: str
    sex: str
    nation_code: str
    nation: str
    birth_date: date = field(repr=False)
    address: str = field(repr=False)
    id_number: str = field(repr=False)
    issuer: str
    valid_from: date
    valid_until: date | Literal["长期"]
    id_number_valid: bool
    photo_wlt: bytes = field(repr=False)
    fingerprint: bytes | None = field(default=None, repr=False)
    photo_bmp: bytes | None = field(default=None, repr=False)
    english_name: str = field(default="", repr=False)
    pass_number: str = field(default="", repr=False)
    issue_count: str = ""
    card_version: str = ""

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def long_term(self) -> bool:
        return self.valid_until == LONG_TERM

    def expired(self, today: date) -> bool:
        return not self.long_term and isinstance(self.valid_until, date) and self.valid_until < today

    def to_json(self, *, reveal: bool = False) -> dict[str, object]:
        """The CLI contract: exactly :data:`JSON_KEYS`; personal fields masked unless ``reveal``.

        Fields a card type does not carry (nation and address on permits and foreigners' cards) are None.
        """
        until = self.valid_until if isinstance(self.valid_until, str) else self.valid_until.isoformat()
        return {
            "name": self.name if reveal else mask_name(self.name),
            "sex": self.sex,
            "nation": self.nation or None,
            "birth_date": self.birth_date.isoformat(),
            "address": (self.address if reveal else mask_address(self.address)) or None,
            "id_number": self.id_number if reveal else mask_id_number(self.id_number),
            "issuer": self.issuer or None,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": until,
            "id_number_valid": self.id_number_valid,
            "card_type": self.card_type,
        }
