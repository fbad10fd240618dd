"""The hall day (Asia/Shanghai, whatever the server's zone), ticket numbers, and closing policy.

Numbering: category letter + 3 digits (``A001`` … ``A999``). A hall that issues more than 999
tickets of one category in a day goes on with 4 digits (``A1000`` … ``A9999``) rather than
wrapping, so a number is never given twice in a day; displays must leave room for 5 characters.
Past 9999 :class:`SequenceExhausted` is raised. Numbers a terminal issues while the server is
down carry the terminal's prefix (``K1-A005``) so they can never clash with server numbers.

At closing, tickets still waiting are either all closed or all carried over to the next hall
day (:class:`ClosingPolicy`), never a silent mix. Carried-over tickets keep their number and
issue time (so they stay ahead of the new day's tickets), and the new day's numbering of that
category starts above the highest carried number, so ``A005`` never means two people.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import InvalidInput, InvalidTicketNumber, SequenceExhausted

HALL_TZ = ZoneInfo("Asia/Shanghai")
MAX_SEQUENCE = 9999
_CATEGORY_RE = re.compile(r"[A-Z]")
_NUMBER_RE = re.compile(r"(?:(?P<terminal>[A-Z0-9]{1,8})-)?(?P<category>[A-Z])(?P<seq>\d{3,4})")


def ensure_utc(at: datetime, *, name: str = "at") -> datetime:
    """An aware datetime converted to UTC; a naive one is a programming error, typed as input."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(field=f"{name} (timezone-aware datetime required)")
    return at.astimezone(UTC)


def local(at: datetime, *, tz: ZoneInfo = HALL_TZ) -> datetime:
    """``at`` in the hall's zone."""
    return ensure_utc(at).astimezone(tz)


def hall_day(at: datetime, *, tz: ZoneInfo = HALL_TZ) -> date:
    """The hall day ``at`` belongs to: the local calendar date in the hall's zone."""
    return local(at, tz=tz).date()


def day_bounds(day: date, *, tz: ZoneInfo = HALL_TZ) -> tuple[datetime, datetime]:
    """``[start, end)`` of a hall day as UTC datetimes (local midnight to local midnight)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def at_local(day: date, clock: time, *, tz: ZoneInfo = HALL_TZ) -> datetime:
    """The UTC instant of a local wall-clock time on a hall day."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


# --- ticket numbers -------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketNumber:
    """A parsed ticket number; ``terminal`` is set for numbers issued offline by a terminal."""

    category: str
    sequence: int
    terminal: str | None = None

    def __str__(self) -> str:
        return format_ticket_number(self.category, self.sequence, terminal=self.terminal)

    @property
    def offline(self) -> bool:
        return self.terminal is not None


def check_category_code(code: str) -> str:
    """A category code is one upper-case Latin letter."""
    if not isinstance(code, str) or not _CATEGORY_RE.fullmatch(code):
        raise InvalidInput(field="category")
    return code


def format_ticket_number(category: str, sequence: int, *, terminal: str | None = None) -> str:
    """``("A", 1)`` → ``A001``; ``("A", 1000)`` → ``A1000``; with ``terminal="K1"`` → ``K1-A001``."""
    check_category_code(category)
    if not isinstance(sequence, int) or sequence < 1:
        raise InvalidInput(field="sequence")
    if sequence > MAX_SEQUENCE:
        raise SequenceExhausted(category=category)
    body = f"{category}{sequence:03d}"
    if terminal is None:
        return body
    if not re.fullmatch(r"[A-Z0-9]{1,8}", terminal):
        raise InvalidInput(field="terminal")
    return f"{terminal}-{body}"


def parse_ticket_number(text: str) -> TicketNumber:
    """Parse ``A001``, ``A1000`` or ``K1-A005`` (case-insensitive); raises InvalidTicketNumber."""
    if not isinstance(text, str):
        raise InvalidTicketNumber()
    m = _NUMBER_RE.fullmatch(text.strip().upper())
    if m is None:
        raise InvalidTicketNumber()
    seq_text = m.group("seq")
    seq = int(seq_text)
    # 4 digits only for numbers past 999: "A0001" would be a second spelling of A001.
    if seq < 1 or (len(seq_text) == 4 and seq < 1000):
        raise InvalidTicketNumber()
    return TicketNumber(category=m.group("category"), sequence=seq, terminal=m.group("terminal"))


def spoken_number(number: str) -> str:
    """The number as announced in Mandarin, digit by digit: ``A023`` → ``A零二三``."""
    parsed = parse_ticket_number(number)
    digits = "零一二三四五六七八九"
    return parsed.category + "".join(digits[int(c)] for c in f"{parsed.sequence:03d}")


# --- closing -------------------------------------------------------------------------------


class ClosingPolicy(StrEnum):
    CLOSE = "close"
    CARRY_OVER = "carry_over"


WAITING_STATES = frozenset({"waiting", "transferred"})


@dataclass(frozen=True)
class OpenTicket:
    """What the closing rule needs to know about a ticket."""

    id: Hashable
    category: str
    number: str
    hall_day: date
    status: str


@dataclass(frozen=True)
class ClosingPlan:
    """What to do with each still-waiting ticket of days up to ``day``.

    ``close``: set these to cancelled with reason ``hall_closed``. ``carry_over``: move these to
    ``next_day`` keeping number and issue time. ``next_sequence_start``: first sequence number
    to issue per category on ``next_day`` (1 unless tickets were carried over).
    """

    day: date
    next_day: date
    policy: ClosingPolicy
    close: tuple[Hashable, ...] = ()
    carry_over: tuple[Hashable, ...] = ()
    next_sequence_start: dict[str, int] = field(default_factory=dict)


def plan_closing(
    tickets: Iterable[OpenTicket], *, day: date, policy: ClosingPolicy | str
) -> ClosingPlan:
    """Apply one policy to every waiting ticket of ``day`` or earlier.

    Tickets being called or served are left to the clerk; tickets of later days are untouched.
    Earlier days' leftovers (a closing that never ran) follow the same policy.
    """
    try:
        policy = ClosingPolicy(policy)
    except ValueError as e:
        raise InvalidInput(field="closing_policy") from e
    close: list[Hashable] = []
    carry: list[Hashable] = []
    start: dict[str, int] = {}
    for t in tickets:
        if t.status not in WAITING_STATES or t.hall_day > day:
            continue
        if policy is ClosingPolicy.CLOSE:
            close.append(t.id)
            continue
        carry.append(t.id)
        parsed = parse_ticket_number(t.number)
        if parsed.terminal is None:
            start[parsed.category] = max(start.get(parsed.category, 1), parsed.sequence + 1)
    return ClosingPlan(
        day=day,
        next_day=day + timedelta(days=1),
        policy=policy,
        close=tuple(close),
        carry_over=tuple(carry),
        next_sequence_start=start,
    )
