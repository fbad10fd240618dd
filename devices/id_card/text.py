"""The card's 256-byte UCS-2LE text block: parse it into an :class:`IdCardRecord`, or build one.

Bytes 248–249 carry a type letter on newer cards: blank for the resident card, ``J`` for the
HK/Macao/Taiwan residents' residence permit (the resident layout plus pass number and issue
count), ``I`` for the 2017 foreigner's permanent residence card and ``Y`` for its 2023 version
(both with their own layouts). Field widths below are in bytes (two per character).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from devices.id_card.codes import COUNTRIES, NATIONS, SEXES, foreign_permanent_valid, gb11643_valid
from devices.id_card.errors import RecordParseError, UnsupportedCardType
from devices.id_card.record import LONG_TERM, CardType, IdCardRecord, LongTerm

TEXT_LEN = 256
PHOTO_LEN = 1024
TYPE_OFFSET = 248

Layout = tuple[tuple[str, int], ...]

RESIDENT: Layout = (
    ("name", 30), ("sex", 2), ("nation", 4), ("birth", 16), ("address", 70), ("id_number", 36),
    ("issuer", 30), ("valid_from", 16), ("valid_until", 16), ("reserved", 36),
)
HK_MO_TW: Layout = (
    ("name", 30), ("sex", 2), ("reserved1", 4), ("birth", 16), ("address", 70), ("id_number", 36),
    ("issuer", 30), ("valid_from", 16), ("valid_until", 16), ("pass_number", 18), ("issue_count", 4),
    ("reserved2", 6), ("type", 2), ("reserved3", 6),
)
FOREIGN_2017: Layout = (
    ("english_name", 120), ("sex", 2), ("id_number", 30), ("nation", 6), ("name", 30),
    ("valid_from", 16), ("valid_until", 16), ("birth", 16), ("card_version", 4), ("issuer", 8),
    ("type", 2), ("reserved", 6),
)
FOREIGN_2023: Layout = (
    ("name", 30), ("sex", 2), ("issue_count", 4), ("birth", 16), ("english_name", 70), ("id_number", 36),
    ("reserved1", 30), ("valid_from", 16), ("valid_until", 16), ("english_name_ext", 22), ("nation", 6),
    ("type", 2), ("previous_number", 6),
)
LAYOUTS: dict[str, tuple[CardType, Layout]] = {
    "": ("resident", RESIDENT),
    "J": ("hk_mo_tw_residence", HK_MO_TW),
    "I": ("foreign_permanent", FOREIGN_2017),
    "Y": ("foreign_permanent", FOREIGN_2023),
}
assert all(sum(n for _, n in lay) == TEXT_LEN for _, lay in LAYOUTS.values())


def _decode(raw: bytes, what: str) -> str:
    try:
        text = raw.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise RecordParseError(f"{what}: not UCS-2 text") from exc
    return text.strip(" \x00\u3000")


def type_letter(text: bytes) -> str:
    """The card-type letter of a text block ('' for a resident card)."""
    if len(text) != TEXT_LEN:
        raise RecordParseError(f"text block of {len(text)} bytes; expected {TEXT_LEN}")
    return _decode(text[TYPE_OFFSET : TYPE_OFFSET + 2], "card type")


def split_fields(text: bytes) -> tuple[CardType, dict[str, str]]:
    """Cut a text block into its named fields (stripped strings) by the layout its type letter names."""
    letter = type_letter(text)
    if letter not in LAYOUTS:
        raise UnsupportedCardType(f"card type letter {letter!r}; expected one of I, J, Y or blank")
    card_type, layout = LAYOUTS[letter]
    fields: dict[str, str] = {}
    pos = 0
    for name, width in layout:
        fields[name] = _decode(text[pos : pos + width], name)
        pos += width
    return card_type, fields


def _date(value: str, what: str) -> date:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise RecordParseError(f"{what}: expected YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as exc:
        raise RecordParseError(f"{what}: not a calendar date") from exc


def _until(value: str) -> date | LongTerm:
    return LONG_TERM if value == LONG_TERM else _date(value, "valid_until")


def _required(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name, "")
    if not value:
        raise RecordParseError(f"{name}: empty")
    return value


def parse_record(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> IdCardRecord:
    """Build the record from a read's text and photo (and optional fingerprint) blocks.

    Raises RecordParseError (or UnsupportedCardType) for anything that is not a valid card block.
    """
    if len(photo) != PHOTO_LEN:
        raise RecordParseError(f"photo block of {len(photo)} bytes; expected {PHOTO_LEN}")
    card_type, f = split_fields(text)
    sex_code = f["sex"]
    if sex_code not in SEXES:
        raise RecordParseError("sex: unknown GB/T 2261.1 code")
    id_number = _required(f, "id_number").upper()
    english = (f.get("english_name", "") + f.get("english_name_ext", "")).strip()
    if card_type == "foreign_permanent":
        nation_code = _required(f, "nation").upper()
        nation = COUNTRIES.get(nation_code, nation_code)
        name = f["name"] or english
        if not name:
            raise RecordParseError("name: empty")
        valid = foreign_permanent_valid(id_number)
    else:
        nation_code = f.get("nation", "")
        if card_type == "resident" and nation_code not in NATIONS:
            raise RecordParseError("nation: unknown GB/T 3304 code")
        nation = NATIONS.get(nation_code, "")
        name = _required(f, "name")
        valid = gb11643_valid(id_number)
    return IdCardRecord(
        card_type=card_type,
        name=name,
        sex_code=sex_code,
        sex=SEXES[sex_code],
        nation_code=nation_code,
        nation=nation,
        birth_date=_date(f["birth"], "birth_date"),
        address=f.get("address", ""),
        id_number=id_number,
        issuer=f.get("issuer", ""),
        valid_from=_date(f["valid_from"], "valid_from"),
        valid_until=_until(f["valid_until"]),
        id_number_valid=valid,
        photo_wlt=bytes(photo),
        fingerprint=fingerprint,
        english_name=english,
        pass_number=f.get("pass_number", ""),
        issue_count=f.get("issue_count", ""),
        card_version=f.get("card_version", ""),
        text_raw=bytes(text),
    )


def build_text(card_type_letter: str, values: Mapping[str, str]) -> bytes:
    """Encode field values into a 256-byte block by the layout of ``card_type_letter``.

    Used by the emulator; raises ValueError if a value does not fit its field.
    """
    _, layout = LAYOUTS[card_type_letter]
    out = bytearray()
    for name, width in layout:
        value = card_type_letter if name == "type" else values.get(name, "")
        raw = value.encode("utf-16-le")
        if len(raw) > width:
            raise ValueError(f"{name}: {len(raw)} bytes do not fit {width}")
        out += raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2)
    return bytes(out)
