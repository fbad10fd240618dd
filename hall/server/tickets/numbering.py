"""Which number a citizen gets — the one definition, used by every path that numbers or moves tickets.

A counter row per category and hall day holds the last sequence given out and how many tickets of
that line wait now. A new ticket bumps it with ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in its
own transaction: the row lock serialises issues on every replica, and a rolled-back issue rolls the
bump back too, so numbers are gapless and never given twice. The number is the category letter and
the sequence (:func:`hall.server.domain.hallday.format_ticket_number`); past the domain's
``MAX_SEQUENCE`` or a category's daily cap the bump is taken back and the refusal raised.

Online issues, offline tickets, check-in, transfer, cancel/call and the hall day's carry-over all go
through these functions (on an ORM unit's connection or the batch writer's), never their own SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy.dialects import postgresql, sqlite

from hall.server.core.sql import Sql
from hall.server.domain import errors as derr
from hall.server.domain.catalogue import cap_reached
from hall.server.domain.hallday import MAX_SEQUENCE, format_ticket_number
from hall.server.tickets.models import TicketCounter

_T = TicketCounter.__table__


@dataclass(frozen=True)
class Numbered:
    number: str
    seq: int
    waiting: int  # tickets now waiting in the line, this one included when it counts in the line


@dataclass(frozen=True)
class _Statements:
    bump: Any
    adjust: Any
    take_back: Any
    start_after: Any


def _upsert(dialect: str) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_T)


@cache
def _statements(dialect: str) -> _Statements:
    ins = _upsert(dialect).values(hall_day=bindparam("day"), category=bindparam("cat"),
                                  last_seq=bindparam("seq"), waiting=bindparam("delta"))
    keys = [_T.c.hall_day, _T.c.category]
    bump = ins.on_conflict_do_update(index_elements=keys, set_={
        "last_seq": _T.c.last_seq + bindparam("seq"), "waiting": _T.c.waiting + bindparam("delta")},
    ).returning(_T.c.last_seq, _T.c.waiting)
    take_back = _T.update().where(_T.c.hall_day == bindparam("day"), _T.c.category == bindparam("cat")).values(
        last_seq=_T.c.last_seq - 1, waiting=_T.c.waiting - bindparam("delta"))
    biggest = func.greatest if dialect == "postgresql" else func.max
    start = ins.on_conflict_do_update(index_elements=keys, set_={
        "last_seq": biggest(_T.c.last_seq, ins.excluded.last_seq), "waiting": _T.c.waiting + ins.excluded.waiting})
    return _Statements(bump=bump, adjust=bump, take_back=take_back, start_after=start)


def take_number(sql: Sql, *, day: str, category: str, lined: bool, cap: int | None = None) -> Numbered:
    """The next number of ``category`` on ``day``; ``lined``: the ticket counts in the line's waiting count.

    Raises :class:`~hall.server.domain.errors.SequenceExhausted` past 9999 and
    :class:`~hall.server.domain.errors.CategoryFull` past ``cap``, with the bump taken back."""
    st = _statements(sql.dialect)
    delta = 1 if lined else 0
    row = sql.row(st.bump, {"day": day, "cat": category, "seq": 1, "delta": delta})
    assert row is not None
    seq, waiting = int(row[0]), int(row[1])
    if seq > MAX_SEQUENCE or cap_reached(cap, seq - 1):
        sql.run(st.take_back, {"day": day, "cat": category, "delta": delta})
        if seq > MAX_SEQUENCE:
            raise derr.SequenceExhausted(category=category)
        raise derr.CategoryFull(category=category, cap=cap)
    return Numbered(format_ticket_number(category, seq), seq, waiting)


def adjust_waiting(sql: Sql, changes: Mapping[tuple[str, str], int]) -> None:
    """Apply waiting-count deltas per (day, category), in a fixed order so two writers cannot deadlock."""
    st = _statements(sql.dialect)
    for (day, cat), delta in sorted(changes.items()):
        if delta:
            sql.row(st.adjust, {"day": day, "cat": cat, "seq": 0, "delta": delta})


def start_after(sql: Sql, *, day: str, category: str, start: int, waiting: int) -> None:
    """The day's numbers of ``category`` continue after ``start - 1`` (tickets carried over from the day
    before keep theirs), and ``waiting`` carried tickets join the line."""
    sql.run(_statements(sql.dialect).start_after, {"day": day, "cat": category, "seq": start - 1,
                                                   "delta": waiting})


def count_up(sql: Sql, *, day: str, key: str) -> int:
    """The next value of a per-day counter that is not a line (``#R``: the day's registration codes)."""
    row = sql.row(_statements(sql.dialect).bump, {"day": day, "cat": key, "seq": 1, "delta": 0})
    assert row is not None
    return int(row[0])
