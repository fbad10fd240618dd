"""Citizen and company identifiers: GB 11643 ID numbers and GB 32100 credit codes.

The ID number (公民身份号码) is the one key of 一号申请: 6-digit region (GB/T 2260), 8-digit
birth date, 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character (``X`` = 10).
Only its salted hash is stored for look-ups, and only its mask (``config.privacy``) is shown.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from config.privacy import mask_id_number

from .errors import InvalidCreditCode, InvalidIdNumber, InvalidInput

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...
_CHECK = "10X98765432"
# First two digits of GB/T 2260 province-level codes; 83 = Taiwan residents' residence permits.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
MIN_BIRTH_YEAR = 1880  # older than any living person; rejects typos such as 1099


class IdReason(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTERS = "characters"
    REGION = "region"
    BIRTH_DATE = "birth_date"
    FUTURE_BIRTH = "future_birth"
    CHECK_DIGIT = "check_digit"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True)
class IdNumber:
    """A valid 18-character ID number; ``value`` stays out of ``repr``."""

    value: str = field(repr=False)
    region_code: str = field(repr=False)
    birth_date: date = field(repr=False)
    sex: Sex = field(repr=False)

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)

    @property
    def province_code(self) -> str:
        return self.region_code[:2]

    def age_on(self, on: date) -> int:
        return age_on(self.birth_date, on)

    def __str__(self) -> str:
        return self.masked


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdNumber(reason=IdReason.CHARACTERS.value)
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize_id_number(raw: str) -> str:
    """Strip blanks, upper-case a trailing ``x``, convert a 15-digit legacy number; no validation."""
    s = "".join(raw.split()).upper()
    if len(s) == 15 and s.isascii() and s.isdigit():
        return convert_15_to_18(s)
    return s


def convert_15_to_18(old: str) -> str:
    """1985-1999 15-digit numbers: insert the century ``19`` and append the check digit."""
    s = old.strip()
    if len(s) != 15 or not s.isascii() or not s.isdigit():
        raise InvalidIdNumber(reason=IdReason.LENGTH.value if len(s) != 15 else IdReason.CHARACTERS.value)
    first17 = s[:6] + "19" + s[6:]
    return first17 + check_digit(first17)


def _birth_date(s: str) -> date | None:
    try:
        d = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return None
    return d if d.year >= MIN_BIRTH_YEAR else None


def id_number_problem(raw: str, *, today: date | None = None) -> IdReason | None:
    """The first reason ``raw`` is not a valid ID number, or ``None`` when it is valid."""
    s = normalize_id_number(raw) if raw else ""
    if not s:
        return IdReason.EMPTY
    if len(s) != 18:
        return IdReason.LENGTH
    if not s.isascii() or not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        return IdReason.CHARACTERS
    if s[:2] not in PROVINCES:
        return IdReason.REGION
    born = _birth_date(s)
    if born is None:
        return IdReason.BIRTH_DATE
    if today is not None and born > today:
        return IdReason.FUTURE_BIRTH
    if check_digit(s[:17]) != s[17]:
        return IdReason.CHECK_DIGIT
    return None


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate and decompose; raises :class:`InvalidIdNumber` with a typed ``reason``."""
    reason = id_number_problem(raw, today=today)
    if reason is not None:
        raise InvalidIdNumber(reason=reason.value)
    s = normalize_id_number(raw)
    born = _birth_date(s)
    assert born is not None  # checked above
    return IdNumber(
        value=s, region_code=s[:6], birth_date=born, sex=Sex.MALE if int(s[16]) % 2 else Sex.FEMALE
    )


def is_valid_id_number(raw: str, *, today: date | None = None) -> bool:
    return id_number_problem(raw, today=today) is None


def age_on(birth: date, on: date) -> int:
    """Completed years; someone born on 29 February turns a year older on 1 March."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


MIN_KEY_BYTES = 16


def hash_id_number(raw: str, *, key: bytes) -> str:
    """Stable HMAC-SHA256 (hex) of the normalised number: the same person always hashes alike.

    A 15-digit number hashes like its 18-digit form. Raises :class:`InvalidIdNumber` for an
    invalid number and :class:`InvalidInput` for a key shorter than 16 bytes.
    """
    if len(key) < MIN_KEY_BYTES:
        raise InvalidInput(field="id_hash_key")
    parsed = parse_id_number(raw)
    return hmac.new(key, parsed.value.encode("ascii"), hashlib.sha256).hexdigest()


# --- GB 32100 unified social credit code (统一社会信用代码) ---------------------------------

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...


class CreditReason(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTERS = "characters"
    REGION = "region"
    CHECK_DIGIT = "check_digit"


def credit_code_check_char(first17: str) -> str:
    if len(first17) != 17 or any(c not in CREDIT_CHARSET for c in first17):
        raise InvalidCreditCode(reason=CreditReason.CHARACTERS.value)
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(raw: str) -> CreditReason | None:
    s = "".join(raw.split()).upper()
    if not s:
        return CreditReason.EMPTY
    if len(s) != 18:
        return CreditReason.LENGTH
    if any(c not in CREDIT_CHARSET for c in s):
        return CreditReason.CHARACTERS
    if not s[2:8].isdigit():
        return CreditReason.REGION
    if credit_code_check_char(s[:17]) != s[17]:
        return CreditReason.CHECK_DIGIT
    return None


def parse_credit_code(raw: str) -> str:
    """The normalised code; raises :class:`InvalidCreditCode` with a typed ``reason``."""
    reason = credit_code_problem(raw)
    if reason is not None:
        raise InvalidCreditCode(reason=reason.value)
    return "".join(raw.split()).upper()


def is_valid_credit_code(raw: str) -> bool:
    return credit_code_problem(raw) is None
