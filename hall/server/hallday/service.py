"""The end of the hall day: tickets still waiting are closed or carried over (never silently mixed).

Runs at local midnight (Asia/Shanghai) from a background task of every server process, at start-up
for days missed while no server ran, and — as a last guard — inside the first ticket write of a new
day (:func:`ensure_day`). On PostgreSQL the work takes a transaction-scoped advisory lock, so with
several replicas one does it and the others find it done; on SQLite one process serves. Each closed
day leaves a ``hall_days`` row saying per category which policy applied and how many tickets it moved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, text, update

from hall.server.catalogue.models import Category
from hall.server.core.context import HallContext, Tx
from hall.server.domain.hallday import HALL_TZ, ClosingPolicy, OpenTicket, hall_day, plan_closing
from hall.server.domain.tickets import TicketAction, TicketStatus, act
from hall.server.hallday.models import HallDay
from hall.server.hallday.schemas import CategoryClosingOut, DayClosedOut
from hall.server.tickets.models import Ticket, TicketCounter
from hall.server.tickets.numbering import start_after
from hall.server.tickets.transitions import in_line

log = logging.getLogger(__name__)
# The domain's word for a ticket still waiting when its day ends without carry-over.
_CLOSED = act(TicketStatus.WAITING, TicketAction.CANCEL).value
_LOCK_ID = 7_004_002  # advisory lock of the closing job (any constant shared by the replicas)
_CHECK_EVERY_S = 60.0  # the task wakes at least this often, so a changed clock is noticed


def effective_policy(category_policy: str | None, hall_policy: str) -> ClosingPolicy:
    """Carry over when the hall's setting or the category says so; otherwise close."""
    carry = ClosingPolicy.CARRY_OVER.value
    return ClosingPolicy.CARRY_OVER if carry in (category_policy, hall_policy) else ClosingPolicy.CLOSE


def close_days(hall: HallContext, tx: Tx, today: date) -> dict[str, Any] | None:
    """Close every hall day before ``today`` that is not closed yet; returns the summary (None if there
    was nothing to do). Call inside a write transaction; marks the hall ready after it commits."""
    s = tx.session
    yesterday = (today - timedelta(days=1)).isoformat()
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
    tx.after_commit.append(lambda: hall.days.closed(today - timedelta(days=1)))
    done = s.get(HallDay, yesterday) is not None
    rows = s.execute(select(Ticket.id, Ticket.category, Ticket.number, Ticket.hall_day, Ticket.status,
                            Ticket.target_window, Ticket.priority)
                     .where(Ticket.hall_day < today.isoformat(), Ticket.status == "waiting")).all()
    if done and not rows:
        return None
    policies = {c.code: c.at_close for c in s.scalars(select(Category))}
    by_cat: dict[str, list[Any]] = {}
    for r in rows:
        by_cat.setdefault(r.category, []).append(r)
    closing: dict[str, CategoryClosingOut] = {}
    taken = set(s.scalars(select(Ticket.number).where(Ticket.hall_day == today.isoformat())))
    for cat, tickets in sorted(by_cat.items()):
        policy = effective_policy(policies.get(cat), hall.options.closing_policy)
        plan = plan_closing([OpenTicket(r.id, r.category, r.number, date.fromisoformat(r.hall_day), r.status)
                             for r in tickets], day=today - timedelta(days=1), policy=policy)
        close, carry, lined = list(plan.close), [], 0
        # Newest first, so when two old days left the same number the later ticket keeps it.
        for r in sorted((r for r in tickets if r.id in set(plan.carry_over)), key=lambda r: r.hall_day, reverse=True):
            if r.number in taken:
                close.append(r.id)  # the number is used today already: closed, and counted below
                continue
            taken.add(r.number)
            carry.append(r.id)
            lined += in_line(r)
        if close:
            s.execute(update(Ticket).where(Ticket.id.in_(close)).values(status=_CLOSED))
        if carry:
            s.execute(update(Ticket).where(Ticket.id.in_(carry)).values(hall_day=today.isoformat()))
            start_after(tx.sql, day=today.isoformat(), category=cat, start=plan.next_sequence_start.get(cat, 1),
                        waiting=lined)
        closing[cat] = CategoryClosingOut(policy=policy.value, closed=len(close), carried=len(carry),
                                          conflicts=len(close) - len(plan.close))
    s.execute(update(TicketCounter).where(TicketCounter.hall_day < today.isoformat()).values(waiting=0))
    event = DayClosedOut(day=yesterday, today=today.isoformat(), categories=closing).model_dump(mode="json")
    summary: dict[str, Any] = event["categories"]
    for day in sorted({r.hall_day for r in rows} | {yesterday}):
        if s.get(HallDay, day) is None:
            s.add(HallDay(day=day, closed_at=datetime.now(UTC), summary=summary if day == yesterday else {}))
    tx.emit("hall.day_closed", event)
    log.info("hall day %s closed: %s", yesterday,
             ", ".join(f"{c} {v['policy']} closed={v['closed']} carried={v['carried']}" for c, v in summary.items())
             or "nothing was waiting")
    return summary


def ensure_day(hall: HallContext, tx: Tx, now: datetime) -> None:
    """Inside a ticket write: make sure the previous hall day is closed before numbering a new one."""
    today = hall_day(now)
    if not hall.day_ready(today):
        close_days(hall, tx, today)


def run_closing(hall: HallContext, now: datetime) -> dict[str, Any] | None:
    """One closing run in its own transaction (the background task and start-up use this)."""
    with hall.unit() as tx:
        return close_days(hall, tx, hall_day(now))


def next_midnight(now: datetime) -> datetime:
    """The next local midnight in the hall's zone, as UTC."""
    local_day = now.astimezone(HALL_TZ).date() + timedelta(days=1)
    return datetime.combine(local_day, time(0), HALL_TZ).astimezone(UTC)


async def hall_day_task(hall: HallContext, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
    """Close the previous day whenever the hall day changes; wakes just after local midnight."""
    while True:
        now = clock()
        if not hall.day_ready(hall_day(now)):
            try:
                await asyncio.to_thread(run_closing, hall, now)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - retried at the next wake-up; the issue path guards too
                log.warning("hall day closing failed (%s); retrying", exc.__class__.__name__)
        wait = (next_midnight(now) - now).total_seconds() + 0.5
        await sleep(max(0.5, min(_CHECK_EVERY_S, wait)))
