"""Status changes of stored tickets, every one decided by the domain's action table.

:func:`move` asks :func:`hall.server.domain.tickets.act` for the new status; :func:`lock_for` locks a
ticket only in a state the action may start from (the table says which), so a change that commits
first wins and the loser answers 409 ``invalid_transition``. Lock order on PostgreSQL, for every
transition: the window (``windows.service.get_window``), then the ticket, then the line's counter
rows (``numbering.adjust_waiting``, sorted) — no transition overwrites another that committed after
it read the ticket. Cancel and reinstate live here; the window's actions (and transfer, which may take
a ticket from a window) in :mod:`hall.server.windows.service`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.server.core.context import HallContext, Tx
from hall.server.domain import errors as derr
from hall.server.domain.tickets import ACTIONS, TicketAction, TicketStatus, act, check_reinstate
from hall.server.tickets.errors import TicketNotFound
from hall.server.tickets.models import Ticket
from hall.server.tickets.numbering import adjust_waiting
from hall.server.tickets.writer import FALLBACK

A = TicketAction


class _Lined(Protocol):
    target_window: int | None
    priority: str | None


def in_line(t: _Lined) -> bool:
    """Whether a ticket counts in its category's line (the waiting counter): not sent to one window,
    not a 办不成事 ticket."""
    return t.target_window is None and t.priority != FALLBACK


@cache
def states_for(action: TicketAction) -> tuple[str, ...]:
    """The statuses ``action`` may start from, by the domain's table."""
    return tuple(sorted(src.value for (src, a) in ACTIONS if a is action))


def move(t: Ticket, action: TicketAction) -> None:
    """Set the ticket's status to what the domain says ``action`` leads to (InvalidTransition if none)."""
    t.status = act(t.status, action).value


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    t = session.get(Ticket, ticket_id)
    if t is None:
        raise TicketNotFound()
    return t


def lock_for(tx: Tx, ticket_id: int, action: TicketAction) -> Ticket:
    """The ticket, row-locked and freshly read, if ``action`` may start from its status; else raises
    InvalidTransition with its committed status (TicketNotFound when there is none).

    PostgreSQL re-evaluates the condition on the newest version after waiting for another writer, so a
    ticket that a concurrent call or cancel took is not returned (SQLite: writes are serialised)."""
    q = select(Ticket).where(Ticket.id == ticket_id, Ticket.status.in_(states_for(action))).with_for_update()
    t = tx.session.scalar(q.execution_options(populate_existing=True))
    if t is None:
        current = get_ticket(tx.session, ticket_id)
        tx.session.refresh(current)
        raise derr.InvalidTransition(current=current.status, target=action.value)
    return t


def cancel(tx: Tx, ticket_id: int) -> Ticket:
    """A waiting ticket taken back (a terminal voiding what it issued): a call that commits first wins."""
    t = lock_for(tx, ticket_id, A.CANCEL)
    move(t, A.CANCEL)
    if in_line(t):
        adjust_waiting(tx.sql, {(t.hall_day, t.category): -1})
    tx.emit("ticket.cancelled", {"id": t.id, "number": t.number, "category": t.category})
    return t


def reinstate(hall: HallContext, tx: Tx, ticket_id: int, *, now: datetime | None = None) -> Ticket:
    """A no-show back at the head of its line within the reinstatement period (two clerks at once:
    one wins, the other gets 409)."""
    now = now or datetime.now(UTC)
    t = lock_for(tx, ticket_id, A.REINSTATE)
    minutes = hall.options.policy.reinstate_minutes
    if t.no_show_at is None:
        raise derr.ReinstateExpired(minutes=minutes)
    check_reinstate(t.no_show_at, now, minutes=minutes)
    head = tx.session.execute(select(func.min(Ticket.queue_at)).where(
        Ticket.hall_day == t.hall_day, Ticket.category == t.category,
        Ticket.status == TicketStatus.WAITING.value)).scalar()
    # The domain puts a reinstated ticket in the lane ahead of everything but 办不成事 (reinstated_at);
    # queue_at follows for readers that sort by it.
    move(t, A.REINSTATE)
    t.window, t.call_count, t.reinstated_at = None, 0, now
    t.queue_at = min(head - timedelta(milliseconds=1), t.queue_at) if head else t.queue_at
    if in_line(t):
        adjust_waiting(tx.sql, {(t.hall_day, t.category): 1})
    tx.emit("ticket.reinstated", {"id": t.id, "number": t.number, "category": t.category})
    return t
