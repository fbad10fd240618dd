"""The suite's one masking module (脱敏): display masks and the redaction of free text for logs.

Standard library only and importable alone (``import config.privacy`` loads nothing else of the
suite), so every package, ``devices`` included, masks with these functions and keeps no copy.

The rules:

- ID numbers, :func:`mask_id_number`. 18 characters (GB 11643 resident ID, the foreigner's
  permanent residence ID, the HK/Macao/Taiwan residence permit: 17 digits and a digit or ``X``)
  keep the first 6 and the last 4: ``110101********1234``. 15 characters (the legacy 15-digit ID,
  the old foreigner's card ``USA110085041514``) keep the first 6 and the last 3:
  ``110101******123``. The birth date is always in the hidden part. Blanks inside are ignored.
  Anything else is starred whole with its length kept: nothing of it is shown.
- Names, :func:`mask_name`: the first character and one star for each further one (at least one):
  ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``, ``SMITH, JOHN`` → ``S**********``.
- Addresses, :func:`mask_address`: the first six characters (province and city), then at most ten
  stars, so the length is not told; six characters or fewer are starred whole.
- Phones, :func:`mask_phone`: a mainland mobile number (``1[3-9]`` and nine digits; ``+86``,
  ``0086`` or ``86`` before it and blanks, hyphens or brackets inside are dropped) becomes
  ``138****5678``. Any other number shows at most its last four characters, and those only when
  at least four others stay hidden; shorter ones are starred whole.
- Free text, :func:`redact` (the log filter, audit details, comments, form values at the counter):
  every ID-number-shaped word (18 or 15 as above) and every mainland mobile number is masked as
  above. Such a word is bounded by anything but an ASCII letter or a digit; a run glued to letters
  or digits is something else and stays: registration codes such as ``202611220001389R0``, order
  numbers, timestamps, hex digests. Names and addresses cannot be found by pattern: callers mask
  them with the functions above before they write them anywhere. Secrets a library's DEBUG lines may
  carry are starred too: a query-string token (``?token=…``, ``&access_token=…``, as an old or hostile
  client sends it) → ``token=***``, ``Bearer …`` (an ``Authorization`` header) → ``Bearer ***``, a
  ``"token": "…"`` JSON member (the events socket's first message) and the dashboard's session cookie.
- Every mask is idempotent: a masked value masks to itself, so a value that may or may not arrive
  masked (a receipt, the counter) is simply masked again, and never shows more.

统一社会信用代码 (GB 32100) are not masked: they name companies and are printed on business
licences, and no screen, receipt or log treats them as personal data.
"""

from __future__ import annotations

import re

_STAR = "*"
# An ID number or phone is a whole word: no ASCII letter or digit right before or after it.
_BEFORE = r"(?<![\dA-Za-z])"
_AFTER = r"(?![\dA-Za-z])"

# Values (fullmatch): stars are allowed where a mask puts them, so masks mask to themselves.
_ID18_VALUE = re.compile(r"(\d{6})[\d*]{8}(\d{3}[\dXx])")
_ID15_VALUE = re.compile(r"([\dA-Z]{6})[\d*]{6}(\d{3})")
_MOBILE_VALUE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d)[\d*]{4}(\d{4})")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")

# Free text (search).
_ID18_RE = re.compile(_BEFORE + r"(\d{6})\d{8}(\d{3}[\dXx])" + _AFTER)
_ID15_RE = re.compile(_BEFORE + r"(\d{6})\d{6}(\d{3})" + _AFTER)
_SECRET_RES = (
    re.compile(r"([?&](?:access_)?token=)[^&\s\"'#]+"),
    re.compile(r"((?i:bearer)\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(\\?\"token\\?\"\s*:\s*\\?\")[^\"\\]+"),
    re.compile(r"(hall_dashboard=)[^;\s\"']+"),
)
_MOBILE_RE = re.compile(_BEFORE + r"(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})" + _AFTER)

ADDRESS_KEPT = 6
ADDRESS_MAX_STARS = 10
PHONE_KEPT = 4


def mask_id_number(id_number: str) -> str:
    """``110101199003071234`` → ``110101********1234``; 15 characters keep 6 + 3; else all stars."""
    s = "".join(id_number.split())
    if m := _ID18_VALUE.fullmatch(s):
        return f"{m[1]}{_STAR * 8}{m[2]}"
    if m := _ID15_VALUE.fullmatch(s):
        return f"{m[1]}{_STAR * 6}{m[2]}"
    return _STAR * len(s)


def mask_name(name: str) -> str:
    """``张三`` → ``张*``; ``欧阳娜娜`` → ``欧***``; Latin names keep their first letter."""
    s = name.strip()
    if not s:
        return ""
    return s[0] + _STAR * max(1, len(s) - 1)


def mask_address(address: str) -> str:
    """Keep the first six characters (province/city level), hide the rest and its length."""
    s = address.strip()
    if len(s) <= ADDRESS_KEPT:
        return _STAR * len(s)
    return s[:ADDRESS_KEPT] + _STAR * min(len(s) - ADDRESS_KEPT, ADDRESS_MAX_STARS)


def mask_phone(phone: str) -> str:
    """``13812345678`` (or ``+86 138-1234-5678``) → ``138****5678``; other numbers keep the last four."""
    s = _PHONE_SEPARATORS.sub("", phone)
    if m := _MOBILE_VALUE.fullmatch(s):
        return f"{m[1]}{_STAR * 4}{m[2]}"
    if len(s) < 2 * PHONE_KEPT:
        return _STAR * len(s)
    return _STAR * (len(s) - PHONE_KEPT) + s[-PHONE_KEPT:]


def redact(text: str) -> str:
    """Mask every ID-number-shaped word and every mainland mobile number in ``text``."""
    text = _ID18_RE.sub(lambda m: f"{m[1]}{_STAR * 8}{m[2]}", text)
    text = _ID15_RE.sub(lambda m: f"{m[1]}{_STAR * 6}{m[2]}", text)
    for secret in _SECRET_RES:
        text = secret.sub(lambda m: f"{m[1]}{_STAR * 3}", text)
    return _MOBILE_RE.sub(lambda m: f"{m[1]}{_STAR * 4}{m[2]}", text)


class Personal(str):
    """A personal value whose ``str()``/``repr()`` are masked; ``.reveal()`` gives the real one."""

    _masker = staticmethod(mask_name)
    _real: str

    def __new__(cls, value: str) -> Personal:
        obj = super().__new__(cls, cls._masker(value))
        obj._real = value
        return obj

    def reveal(self) -> str:
        return self._real

    def __repr__(self) -> str:
        return repr(str(self))
