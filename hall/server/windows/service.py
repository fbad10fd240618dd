"""Window (counter) actions: call next, recall, start, finish, no-show, reinstate, transfer, pause.

Lock order on PostgreSQL, for every ticket transition (and cancel, in routes/tickets.py): the window
(``get_window``), then the ticket (:func:`lock_ticket`, which also re-checks its state), then the
line's counter rows (``adjust_waiting``, sorted). A called or serving ticket is only changed under
its window's lock, a waiting or no-show one only through :func:`lock_ticket`, so no transition
overwrites another that committed after it read the ticket.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hall.server.core.context import HallContext, Tx
from hall.server.core.http_errors import ApiError
from hall.server.core.retry import StateChanged
from hall.server.domain import errors as derr
from hall.server.domain.hallday import hall_day
from hall.server.domain.tickets import RecallOutcome, after_no_answer, check_reinstate
from hall.server.queue import order as queue
from hall.server.tickets.models import Ticket
from hall.server.tickets.service import adjust_waiting, get_ticket, ticket_view
from hall.server.windows.models import Window


def announce_text(number: str, window: int) -> str:
    return f"请 {number} 号 到 {window} 号窗口 办理"


def window_view(w: Window, *, now: datetime | None = None) -> dict[str, Any]:
    today = w.served_day is not None and w.served_day == hall_day(now or datetime.now(UTC)).isoformat()
    handled = (w.handling_count or 0) if today else 0
    return {"number": w.number, "name": w.name, "categories": list(w.categories or []), "status": w.status,
            "pause_reason": w.pause_reason, "clerk": w.clerk, "current_ticket_id": w.current_ticket_id,
            "cannot_do_desk": w.cannot_do_desk, "weights": dict(w.weights or {}),
            "updated_at": w.updated_at.isoformat(),
            "served_today": (w.served_count or 0) if today else 0,
            "avg_handling_s": round((w.handling_total_s or 0.0) / handled) if handled else None}


def count_served(w: Window, t: Ticket, now: datetime) -> None:
    """One more ticket done at ``w`` today; handling time = start (or call, if never started) → finish.
    The figures restart with each hall day (docs/dashboard.md, "served today")."""
    day = hall_day(now).isoformat()
    if w.served_day != day:
        w.served_day, w.served_count, w.handling_total_s, w.handling_count = day, 0, 0.0, 0
    w.served_count = (w.served_count or 0) + 1
    begin = t.started_at or t.called_at
    if begin is not None:
        w.handling_total_s = (w.handling_total_s or 0.0) + max(0.0, (now - begin).total_seconds())
        w.handling_count = (w.handling_count or 0) + 1


def get_window(tx: Tx, number: int, *, lock: bool = True) -> Window:
    q = select(Window).where(Window.number == number)
    if lock and tx.session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    w = tx.session.scalar(q)
    if w is None:
        raise ApiError(404, "window.not_found", f"no window {number}")
    return w


def _emit_window(tx: Tx, w: Window) -> None:
    tx.emit("window.changed", window_view(w))


def _emit_called(tx: Tx, t: Ticket, w: Window, *, recall: bool) -> None:
    tx.emit("ticket.called", {"id": t.id, "number": t.number, "category": t.category, "window": w.number,
                              "text": announce_text(t.number, w.number), "recall": recall,
                              "call_count": t.call_count, "priority": t.priority})


def _close_current(tx: Tx, w: Window, now: datetime) -> None:
    """Calling the next citizen ends the current one: served tickets are done, never-started ones too."""
    if w.current_ticket_id is None:
        return
    cur = tx.session.get(Ticket, w.current_ticket_id)
    if cur is not None and cur.status in ("called", "serving"):
        cur.status, cur.finished_at = "done", now
        count_served(w, cur, now)
        tx.emit("ticket.finished", {"id": cur.id, "number": cur.number, "window": w.number})
    w.current_ticket_id = None


def lock_ticket(tx: Tx, ticket_id: int, *states: str) -> Ticket | None:
    """The ticket, row-locked and freshly read, if it is in one of ``states``; else None.

    PostgreSQL re-evaluates the condition on the newest version after waiting for another writer, so a
    ticket that a concurrent call or cancel took is not returned (SQLite: writes are serialised)."""
    q = select(Ticket).where(Ticket.id == ticket_id, Ticket.status.in_(states)).with_for_update()
    return tx.session.scalar(q.execution_options(populate_existing=True))


def status_of(tx: Tx, ticket_id: int) -> str:
    """The ticket's committed status now (404 when there is no such ticket)."""
    t = get_ticket(tx.session, ticket_id)
    tx.session.refresh(t)
    return t.status


def _take(tx: Tx, ticket_id: int, w: Window, now: datetime) -> Ticket | None:
    """Claim a waiting ticket; a concurrent claim by another window or replica makes this return None."""
    t = lock_ticket(tx, ticket_id, "waiting")
    if t is None:
        return None
    if queue.in_line(t):  # as it waited (a transfer may have moved it since it was chosen)
        adjust_waiting(tx.session, {(t.hall_day, t.category): -1})
    t.status, t.called_at, t.call_count, t.window, t.target_window = "called", now, 1, w.number, None
    return t


def call_next(hall: HallContext, tx: Tx, number: int, *, now: datetime | None = None) -> dict[str, Any] | None:
    now = now or datetime.now(UTC)
    w = get_window(tx, number)
    if w.status == "paused":
        raise ApiError(409, "window.paused", f"window {number} is paused; resume it first")
    _close_current(tx, w, now)
    if w.status != "open":
        w.status = "open"
    day = hall_day(now).isoformat()
    for _attempt in range(5):
        choice = queue.choose(tx.session, hall, w, day, now)
        if choice is None:
            break
        t = _take(tx, int(choice.ticket.id), w, now)  # type: ignore[call-overload]
        if t is None:
            continue
        queue.remember_call(w, choice)
        w.current_ticket_id, w.updated_at = t.id, now
        _emit_called(tx, t, w, recall=False)
        _emit_window(tx, w)
        return ticket_view(t)
    w.updated_at = now
    _emit_window(tx, w)
    return None


def call_number(hall: HallContext, tx: Tx, number: int, ticket_number: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    w = get_window(tx, number)
    day = hall_day(now).isoformat()
    t = tx.session.scalar(select(Ticket).where(Ticket.hall_day == day, Ticket.number == ticket_number.upper()))
    if t is None:
        raise ApiError(404, "ticket.not_found", f"no ticket {ticket_number} today")
    if t.status != "waiting":
        raise derr.InvalidTransition(current=t.status, target="called")
    _close_current(tx, w, now)
    taken = _take(tx, t.id, w, now)
    if taken is None:
        raise derr.InvalidTransition(current=status_of(tx, t.id), target="called")
    w.status, w.current_ticket_id, w.updated_at = "open", taken.id, now
    _emit_called(tx, taken, w, recall=False)
    _emit_window(tx, w)
    return ticket_view(taken)


def _current(tx: Tx, w: Window, *states: str) -> Ticket:
    if w.current_ticket_id is None:
        raise ApiError(409, "window.idle", f"window {w.number} has no current ticket")
    t = get_ticket(tx.session, w.current_ticket_id)
    if t.status not in states:
        raise derr.InvalidTransition(current=t.status, target="/".join(states))
    return t


def recall(hall: HallContext, tx: Tx, number: int) -> dict[str, Any]:
    """Call the current ticket again; past the recall limit it becomes a no-show."""
    now = datetime.now(UTC)
    w = get_window(tx, number)
    t = _current(tx, w, "called")
    if after_no_answer(t.call_count - 1, max_recalls=hall.options.policy.max_recalls) is RecallOutcome.NO_SHOW:
        return _no_show(tx, w, t, now)
    t.call_count += 1
    t.called_at = now
    _emit_called(tx, t, w, recall=True)
    return ticket_view(t)


def start(hall: HallContext, tx: Tx, number: int) -> dict[str, Any]:
    w = get_window(tx, number)
    t = _current(tx, w, "called")
    t.status, t.started_at = "serving", datetime.now(UTC)
    tx.emit("ticket.serving", {"id": t.id, "number": t.number, "window": w.number})
    return ticket_view(t)


def finish(hall: HallContext, tx: Tx, number: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    w = get_window(tx, number)
    t = _current(tx, w, "called", "serving")
    t.status, t.finished_at = "done", now
    t.started_at = t.started_at or t.called_at
    count_served(w, t, now)
    w.current_ticket_id, w.updated_at = None, now
    tx.emit("ticket.finished", {"id": t.id, "number": t.number, "window": w.number})
    _emit_window(tx, w)
    return ticket_view(t)


def _no_show(tx: Tx, w: Window, t: Ticket, now: datetime) -> dict[str, Any]:
    t.status, t.no_show_at = "no_show", now
    w.current_ticket_id, w.updated_at = None, now
    tx.emit("ticket.no_show", {"id": t.id, "number": t.number, "window": w.number})
    _emit_window(tx, w)
    return ticket_view(t)


def no_show(hall: HallContext, tx: Tx, number: int) -> dict[str, Any]:
    w = get_window(tx, number)
    return _no_show(tx, w, _current(tx, w, "called"), datetime.now(UTC))


def reinstate(hall: HallContext, tx: Tx, ticket_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """A no-show returns at the head of its queue within the reinstatement period."""
    now = now or datetime.now(UTC)
    t = lock_ticket(tx, ticket_id, "no_show")  # two clerks reinstating at once: one wins, one gets 409
    if t is None:
        raise derr.InvalidTransition(current=status_of(tx, ticket_id), target="waiting")
    minutes = hall.options.policy.reinstate_minutes
    if t.no_show_at is None:
        raise derr.ReinstateExpired(minutes=minutes)
    check_reinstate(t.no_show_at, now, minutes=minutes)
    head = tx.session.execute(select(func.min(Ticket.queue_at)).where(
        Ticket.hall_day == t.hall_day, Ticket.category == t.category, Ticket.status == "waiting")).scalar()
    # The domain puts a reinstated ticket in the lane ahead of everything but 办不成事 (reinstated_at);
    # queue_at follows for readers that sort by it.
    t.status, t.window, t.call_count, t.reinstated_at = "waiting", None, 0, now
    t.queue_at = min(head - timedelta(milliseconds=1), t.queue_at) if head else t.queue_at
    if queue.in_line(t):
        adjust_waiting(tx.session, {(t.hall_day, t.category): 1})
    tx.emit("ticket.reinstated", {"id": t.id, "number": t.number, "category": t.category})
    return ticket_view(t)


def transfer(hall: HallContext, tx: Tx, ticket_id: int, *, category: str | None, window: int | None
             ) -> dict[str, Any]:
    """Move a ticket to another queue or window keeping its number, priority and place in time."""
    if (category is None) == (window is None):
        raise ApiError(422, "transfer.target", "give exactly one of category or window")
    if category is not None and category not in hall.categories.get(hall.db):
        raise derr.UnknownCategory(category=category)
    if window is not None:
        get_window(tx, window, lock=False)
    seen = get_ticket(tx.session, ticket_id)
    # A ticket at a window is that window's: its lock first (the order every transition keeps).
    held = get_window(tx, seen.window) if seen.status in ("called", "serving") and seen.window else None
    t = lock_ticket(tx, ticket_id, "waiting", "called", "serving")
    if t is None:
        raise derr.InvalidTransition(current=status_of(tx, ticket_id), target="transferred")
    if t.status != "waiting" and (held is None or held.number != t.window):
        raise StateChanged  # called at another window meanwhile: run again, locking that window first
    if held is not None and held.current_ticket_id == t.id:
        held.current_ticket_id = None
        _emit_window(tx, held)
    changes = {(t.hall_day, t.category): -1} if t.status == "waiting" and queue.in_line(t) else {}
    t.transferred_from = t.category
    t.category = category or t.category
    t.status, t.window, t.target_window, t.call_count, t.reinstated_at = "waiting", None, window, 0, None
    if queue.in_line(t):
        changes[(t.hall_day, t.category)] = changes.get((t.hall_day, t.category), 0) + 1
    adjust_waiting(tx.session, changes)
    tx.emit("ticket.transferred", {"id": t.id, "number": t.number, "category": t.category,
                                   "from_category": t.transferred_from, "window": window})
    return ticket_view(t)


def set_status(hall: HallContext, tx: Tx, number: int, *, status: str, reason: str = "",
               clerk: str | None = None) -> dict[str, Any]:
    w = get_window(tx, number)
    if status == "paused" and not reason:
        raise ApiError(422, "window.reason_required", "a pause needs a reason")
    w.status, w.pause_reason = status, reason if status == "paused" else ""
    if clerk is not None:
        w.clerk = clerk
    w.updated_at = datetime.now(UTC)
    _emit_window(tx, w)
    return window_view(w)
