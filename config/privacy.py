"""The one redaction function for logs and errors, and the display masks (脱敏).

ID numbers (GB 11643) are masked as ``110101********1234``; names as ``张*`` / ``欧阳**``;
addresses keep only their first six characters. :func:`redact` finds ID numbers in any text;
names and addresses cannot be found by pattern, so callers mark them with :class:`Personal`
(whose ``str`` is already masked) or log only masked values.
"""

from __future__ import annotations

import re

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{6})(\d{3})(?![0-9A-Za-z])")


def mask_id_number(id_number: str) -> str:
    """``110101199003071234`` → ``110101********1234``; anything else is masked whole but length."""
    s = id_number.strip()
    if len(s) == 18:
        return f"{s[:6]}********{s[-4:]}"
    if len(s) == 15:
        return f"{s[:6]}******{s[-3:]}"
    return "*" * len(s)


def mask_name(name: str) -> str:
    """``张三`` → ``张*``; ``欧阳娜娜`` → ``欧***``; Latin names keep their first letter."""
    s = name.strip()
    if not s:
        return ""
    return s[0] + "*" * max(1, len(s) - 1)


def mask_address(address: str) -> str:
    """Keep the first six characters (province/city level), hide the rest."""
    s = address.strip()
    return s[:6] + "*" * max(0, min(len(s) - 6, 10)) if len(s) > 6 else "*" * len(s)


def redact(text: str) -> str:
    """Mask every ID-number-shaped run of digits in ``text``."""
    text = _ID_RE.sub(lambda m: f"{m.group(1)}********{m.group(3)[-4:]}", text)
    return _ID15_RE.sub(lambda m: f"{m.group(1)}******{m.group(3)}", text)


class Personal(str):
    """A personal value whose ``str()``/``repr()`` are masked; ``.reveal()`` gives the real one."""

    _masker = staticmethod(mask_name)

    def __new__(cls, value: str) -> Personal:
        obj = super().__new__(cls, cls._masker(value))
        obj._real = value  # type: ignore[attr-defined]
        return obj

    def reveal(self) -> str:
        return self._real  # type: ignore[attr-defined,no-any-return]

    def __repr__(self) -> str:
        return repr(str(self))
