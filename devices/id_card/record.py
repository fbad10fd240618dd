"""The card record every ID-card driver returns, and its JSON form for the technician CLI.

Personal fields are masked with the suite's one masking module, ``config.privacy`` (the only part
of the suite outside ``devices`` that ``devices`` imports; it is stdlib-only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

from config.privacy import mask_address, mask_id_number, mask_name

CardType = Literal["resident", "foreign_permanent", "hk_mo_tw_residence"]
LongTerm = Literal["长期"]
LONG_TERM: Final[LongTerm] = "长期"

JSON_KEYS: tuple[str, ...] = (
    "name", "sex", "nation", "birth_date", "address", "id_number", "issuer",
    "valid_from", "valid_until", "id_number_valid", "card_type",
)


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
    valid_until: date | LongTerm
    id_number_valid: bool
    photo_wlt: bytes = field(repr=False)
    fingerprint: bytes | None = field(default=None, repr=False)
    photo_bmp: bytes | None = field(default=None, repr=False)
    english_name: str = field(default="", repr=False)
    pass_number: str = field(default="", repr=False)
    issue_count: str = ""
    card_version: str = ""
    # The card's own 256-byte text block as read: with ``photo_wlt`` the evidence of a card read that
    # the hall server accepts as proof of identity (a typed number has neither).
    text_raw: bytes = field(default=b"", repr=False)

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
