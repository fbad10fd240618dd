"""Which number a citizen gets — the one definition, used by every path that numbers or moves tickets.

A counter row per category and hall day holds the last sequence given out and how many tickets of
that line wait now. A new ticket bumps it with ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in its
own transaction: the row lock serialises issues on every replica, and a rolled-back issue rolls the
bump back too, so numbers are gapless and never given twice. The number is the category letter and
the sequence (:func:`hall.server.domain.hallday.format_ticket_number`); past the domain's
``MAX_SEQUENCE`` or a category's daily cap (:func:`refusal`) the bump is taken back and the refusal
raised. Refusals are monotone in the sequence, so within a batch the refused bumps of a line are
always its last ones and taking them back never frees a number another ticket holds.

Online issues (one or a batch, :mod:`hall.server.tickets.writer`), offline tickets, transfer,
cancel/call and the hall day's carry-over all go through these statements, never their own SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, func
from sqlalchemy.dialects import postgresql, sqlite

from hall.server.core.sql import Sql
from hall.server.domain import errors as derr
from hall.server.domain.catalogue import cap_reached
from hall.server.domain.hallday import MAX_SEQUENCE
from hall.server.tickets.models import TicketCounter

_T = cast(Table, TicketCounter.__table__)


@dataclass(frozen=True)
class Statements:
    bump: Any  # params day, cat, seq (1 for a new number, 0 to only move the waiting count), delta
    take_back: Any  # params day, cat, delta
    start_after: Any  # params day, cat, seq (the last sequence already used), delta (tickets carried)


@cache
def statements(dialect: str) -> Statements:
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_T).values(
        hall_day=bindparam("day"), category=bindparam("cat"), last_seq=bindparam("seq"), waiting=bindparam("delta"))
    keys = [_T.c.hall_day, _T.c.category]
    bump = ins.on_conflict_do_update(index_elements=keys, set_={
        "last_seq": _T.c.last_seq + bindparam("seq"), "waiting": _T.c.waiting + bindparam("delta")},
    ).returning(_T.c.last_seq, _T.c.waiting)
    take_back = _T.update().where(_T.c.hall_day == bindparam("day"), _T.c.category == bindparam("cat")).values(
        last_seq=_T.c.last_seq - 1, waiting=_T.c.waiting - bindparam("delta"))
    biggest = func.greatest if dialect == "postgresql" else func.max
    start = ins.on_conflict_do_update(index_elements=keys, set_={
        "last_seq": biggest(_T.c.last_seq, ins.excluded.last_seq), "waiting": _T.c.waiting + ins.excluded.waiting})
    return Statements(bump=bump, take_back=take_back, start_after=start)


def refusal(category: str, seq: int, cap: int | None) -> derr.DomainError | None:
    """Why sequence ``seq`` of ``category`` may not be given out (None: it may)."""
    if seq > MAX_SEQUENCE:
        return derr.SequenceExhausted(category=category)
    if cap_reached(cap, seq - 1):
        return derr.CategoryFull(category=category, cap=cap)
    return None


def adjust_waiting(sql: Sql, changes: Mapping[tuple[str, str], int]) -> None:
    """Apply waiting-count deltas per (day, category), in a fixed order so two writers cannot deadlock."""
    st = statements(sql.dialect)
    for (day, cat), delta in sorted(changes.items()):
        if delta:
            sql.row(st.bump, {"day": day, "cat": cat, "seq": 0, "delta": delta})


def start_after(sql: Sql, *, day: str, category: str, start: int, waiting: int) -> None:
    """The day's numbers of ``category`` continue after ``start - 1`` (tickets carried over from the day
    before keep theirs), and ``waiting`` carried tickets join the line."""
    sql.run(statements(sql.dialect).start_after, {"day": day, "cat": category, "seq": start - 1, "delta": waiting})


def count_up(sql: Sql, *, day: str, key: str) -> int:
    """The next value of a per-day counter that is not a line (``#R``: the day's registration codes)."""
    row = sql.row(statements(sql.dialect).bump, {"day": day, "cat": key, "seq": 1, "delta": 0})
    assert row is not None
    return int(row[0])
