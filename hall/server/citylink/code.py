"""A hall's code in the city (``hall.code``, e.g. ``420502-01``: area code and hall number)."""

from __future__ import annotations

import re

CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,31}")


def valid_code(code: str) -> bool:
    return bool(CODE_RE.fullmatch(code))


def subscription_name(code: str) -> str:
    """The city's subscription (and the hall's replication slot) for ``code``: ``city_420502_01``."""
    return "city_" + code.lower().replace("-", "_")
