"""Offline ticket numbers (``K1-A005``) and local registration codes, from persisted sequences.

Sequences are per category per hall day (local midnight in the hall's time zone, Asia/Shanghai,
whatever the terminal's own zone). The counter lives in the outbox database and is bumped in the
same transaction that stores the record, so a number is never handed out twice — not after a
restart, and not when the clock moves backwards (an earlier day continues from the latest day's
numbers, :func:`offline_cache.epoch.follow_clock`).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from offline_cache.errors import InvalidRecord

_CATEGORY_RE = re.compile(r"^[A-Z]$")
# Unambiguous on a receipt and on a keypad: no 0/O, 1/I/L.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def hall_day(epoch_s: float, tz: str = "Asia/Shanghai") -> date:
    return datetime.fromtimestamp(epoch_s, UTC).astimezone(ZoneInfo(tz)).date()


def ticket_sequence_name(prefix: str, category: str, day: date) -> str:
    """``ticket:K1:2026-11-22:A``: per prefix, so an outbox that took over another terminal's
    numbering keeps both and continues the one its configured prefix names."""
    if not _CATEGORY_RE.match(category):
        raise InvalidRecord("category must be one capital letter")
    return f"ticket:{prefix}:{day.isoformat()}:{category}"


def code_sequence_name(prefix: str, day: date) -> str:
    return f"code:{prefix}:{day.isoformat()}"


def sequence_day(name: str) -> str:
    """The ISO day of a sequence name (``""`` for a name of no known form)."""
    parts = name.split(":")
    if (parts[0], len(parts)) in (("ticket", 4), ("code", 3)):
        return parts[2]
    return ""


def on_day(name: str, day: str) -> str:
    """The same sequence on another ISO ``day`` (``ticket:K1:DAY:A``, ``code:K1:DAY``)."""
    parts = name.split(":")
    parts[2] = day
    return ":".join(parts)


def with_prefix(name: str, prefix: str) -> str:
    """A sequence name from before names carried the prefix (``ticket:DAY:A``, ``code:DAY``) with
    ``prefix`` put in; current names are returned unchanged."""
    parts = name.split(":")
    if (parts[0], len(parts)) in (("ticket", 3), ("code", 2)):
        return ":".join([parts[0], prefix, *parts[1:]])
    return name


def format_ticket(prefix: str, category: str, n: int) -> str:
    """``K1``, ``A``, 5 → ``K1-A005`` (four digits past 999, as the server does for busy days)."""
    return f"{prefix}-{category}{n:03d}"


def format_local_code(prefix: str, day: date, n: int) -> str:
    """A local registration code: ``L`` + prefix + date + sequence + 4 random characters.

    The random tail makes it unguessable (a progress query by code must not reveal other cases);
    the leading ``L`` + prefix can never collide with a server code, which starts with the year.
    """
    tail = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))
    return f"L{prefix}{day:%Y%m%d}{n:03d}{tail}"


def iso(epoch_s: float, tz: str = "Asia/Shanghai") -> str:
    """The original issue time with the hall's offset, as the server expects for offline records."""
    return datetime.fromtimestamp(epoch_s, UTC).astimezone(ZoneInfo(tz)).isoformat(timespec="milliseconds")
