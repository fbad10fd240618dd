"""A window's actions: call next or by number, recall, start, finish, no-show, transfer, open/pause/close.

Every ticket status change goes through the domain's action table
(:mod:`hall.server.tickets.transitions`). Lock order on PostgreSQL, for every transition: the window
(:func:`get_window`), then the ticket, then the line's counter rows — so no transition overwrites
another that committed after it read the ticket.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from hall.server.audit import service as audit
from hall.server.audit.service import Actor
from hall.server.core.context import HallContext, Tx
from hall.server.core.retry import StateChanged
from hall.server.domain import errors as derr
from hall.server.domain.hallday import hall_day
from hall.server.domain.tickets import RecallOutcome, TicketAction, after_no_answer
from hall.server.queue import order as queue
from hall.server.tickets.errors import TicketNotFoundToday, TransferTarget
from hall.server.tickets.models import Ticket
from hall.server.tickets.numbering import adjust_waiting
from hall.server.tickets.transitions import get_ticket, in_line, lock_for, move
from hall.server.windows.errors import PauseReasonRequired, WindowIdle, WindowNotFound, WindowNotOpen, WindowPaused
from hall.server.windows.models import Window
from hall.server.windows.schemas import WindowIn, WindowOut

A = TicketAction


def announce_text(number: str, window: int) -> str:
    return f"请 {number} 号 到 {window} 号窗口 办理"


def window_out(w: Window, *, now: datetime | None = None) -> WindowOut:
    today = w.served_day is not None and w.served_day == hall_day(now or datetime.now(UTC)).isoformat()
    handled = (w.handling_count or 0) if today else 0
    return WindowOut(number=w.number, name=w.name, categories=list(w.categories or []), status=w.status,
                     pause_reason=w.pause_reason, clerk=w.clerk, current_ticket_id=w.current_ticket_id,
                     cannot_do_desk=w.cannot_do_desk, weights=dict(w.weights or {}), updated_at=w.updated_at,
                     served_today=(w.served_count or 0) if today else 0,
                     avg_handling_s=round((w.handling_total_s or 0.0) / handled) if handled else None)


def count_served(w: Window, t: Ticket, now: datetime) -> None:
    """One more ticket done at ``w`` today; handling time = start (or the latest call, if never started) → finish.
    The figures restart with each hall day (docs/dashboard.md, "served today")."""
    day = hall_day(now).isoformat()
    if w.served_day != day:
        w.served_day, w.served_count, w.handling_total_s, w.handling_count = day, 0, 0.0, 0
    w.served_count = (w.served_count or 0) + 1
    begin = t.started_at or t.recalled_at or t.called_at
    if begin is not None:
        w.handling_total_s = (w.handling_total_s or 0.0) + max(0.0, (now - begin).total_seconds())
        w.handling_count = (w.handling_count or 0) + 1


def configure(hall: HallContext, window: int, body: WindowIn, who: Actor) -> WindowOut:
    """Create or change a window's name, lines served and weights (``PUT /windows/{n}``, the admin tab)."""
    from hall.server.stats.service import refresh_estimates

    with hall.unit() as tx:
        w = tx.session.get(Window, window) or Window(number=window, status="closed")
        w.name, w.categories, w.cannot_do_desk = body.name, body.categories, body.cannot_do_desk
        if body.weights is not None:
            w.weights = {c: body.weights[c] for c in body.categories if c in body.weights}
        tx.session.add(w)
        tx.session.flush()
        weights = ",".join(f"{c}:{v:g}" for c, v in (w.weights or {}).items())
        audit.record(tx.session, who, "window.configure", f"window {window}",
                     ",".join(body.categories) + (f" weights {weights}" if weights else ""))
        out = window_out(w)
        tx.emit("window.changed", out.model_dump(mode="json"))
    refresh_estimates(hall)
    return out


def get_window(tx: Tx, number: int, *, lock: bool = True) -> Window:
    q = select(Window).where(Window.number == number)
    if lock and tx.session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    w = tx.session.scalar(q)
    if w is None:
        raise WindowNotFound(window=number)
    return w


def _emit_window(tx: Tx, w: Window) -> None:
    tx.emit("window.changed", window_out(w).model_dump(mode="json"))


def _emit_called(tx: Tx, t: Ticket, w: Window, *, recall: bool) -> None:
    tx.emit("ticket.called", {"id": t.id, "number": t.number, "category": t.category, "window": w.number,
                              "text": announce_text(t.number, w.number), "recall": recall,
                              "call_count": t.call_count, "priority": t.priority})


def _finish(tx: Tx, w: Window, t: Ticket, now: datetime) -> None:
    move(t, A.FINISH)
    t.finished_at = now
    t.started_at = t.started_at or t.recalled_at or t.called_at
    t.clerk = w.clerk or t.clerk
    count_served(w, t, now)
    w.current_ticket_id, w.updated_at = None, now
    tx.emit("ticket.finished", {"id": t.id, "number": t.number, "window": w.number})


def _close_current(tx: Tx, w: Window, now: datetime) -> None:
    """Calling the next citizen ends the current one: served tickets are done, never-started ones too."""
    if w.current_ticket_id is None:
        return
    cur = tx.session.get(Ticket, w.current_ticket_id)
    if cur is not None and cur.status in ("called", "serving"):
        _finish(tx, w, cur, now)
    w.current_ticket_id = None


def _take(tx: Tx, ticket_id: int, w: Window, now: datetime) -> Ticket | None:
    """Claim a waiting ticket; a concurrent claim by another window or replica makes this return None."""
    try:
        t = lock_for(tx, ticket_id, A.CALL)
    except derr.InvalidTransition:
        return None
    if in_line(t):  # as it waited (a transfer may have moved it since it was chosen)
        adjust_waiting(tx.sql, {(t.hall_day, t.category): -1})
    move(t, A.CALL)
    # The first call is kept for waits and reports; a transferred or reinstated ticket's new call is later.
    if t.called_at is None:
        t.called_at = now
    else:
        t.recalled_at = now
    t.call_count, t.window, t.target_window = 1, w.number, None
    t.clerk = w.clerk or None
    return t


def call_next(hall: HallContext, tx: Tx, number: int, *, now: datetime | None = None) -> Ticket | None:
    now = now or datetime.now(UTC)
    w = get_window(tx, number)
    if w.status == "paused":
        raise WindowPaused(window=number)
    _close_current(tx, w, now)
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
        return t
    w.updated_at = now
    _emit_window(tx, w)
    return None


def call_number(hall: HallContext, tx: Tx, number: int, ticket_number: str) -> Ticket:
    now = datetime.now(UTC)
    w = get_window(tx, number)
    day = hall_day(now).isoformat()
    found = tx.session.scalar(select(Ticket).where(Ticket.hall_day == day, Ticket.number == ticket_number.upper()))
    if found is None:
        raise TicketNotFoundToday(number=ticket_number.upper())
    _close_current(tx, w, now)
    t = _take(tx, found.id, w, now)
    if t is None:
        tx.session.refresh(found)
        raise derr.InvalidTransition(current=found.status, target=A.CALL.value)
    w.status, w.current_ticket_id, w.updated_at = "open", t.id, now
    _emit_called(tx, t, w, recall=False)
    _emit_window(tx, w)
    return t


def _current(tx: Tx, w: Window) -> Ticket:
    if w.current_ticket_id is None:
        raise WindowIdle(window=w.number)
    return get_ticket(tx.session, w.current_ticket_id)


def recall(hall: HallContext, tx: Tx, number: int) -> Ticket:
    """Call the current ticket again; past the recall limit it becomes a no-show."""
    now = datetime.now(UTC)
    w = get_window(tx, number)
    t = _current(tx, w)
    limit = hall.options.policy.max_recalls
    if t.status == "called" and after_no_answer(t.call_count - 1, max_recalls=limit) is RecallOutcome.NO_SHOW:
        return _no_show(tx, w, t, now)
    move(t, A.RECALL)
    t.call_count += 1
    t.recalled_at = now
    _emit_called(tx, t, w, recall=True)
    return t


def start(hall: HallContext, tx: Tx, number: int) -> Ticket:
    w = get_window(tx, number)
    t = _current(tx, w)
    move(t, A.START)
    t.started_at = datetime.now(UTC)
    tx.emit("ticket.serving", {"id": t.id, "number": t.number, "window": w.number})
    return t


def finish(hall: HallContext, tx: Tx, number: int) -> Ticket:
    w = get_window(tx, number)
    t = _current(tx, w)
    _finish(tx, w, t, datetime.now(UTC))
    _emit_window(tx, w)
    return t


def _no_show(tx: Tx, w: Window, t: Ticket, now: datetime) -> Ticket:
    move(t, A.NO_SHOW)
    t.no_show_at = now
    w.current_ticket_id, w.updated_at = None, now
    tx.emit("ticket.no_show", {"id": t.id, "number": t.number, "window": w.number})
    _emit_window(tx, w)
    return t


def no_show(hall: HallContext, tx: Tx, number: int) -> Ticket:
    w = get_window(tx, number)
    return _no_show(tx, w, _current(tx, w), datetime.now(UTC))


def transfer(hall: HallContext, tx: Tx, ticket_id: int, *, category: str | None, window: int | None,
             force: bool = False) -> Ticket:
    """Move a ticket to another line (category) or window, keeping its number, priority and place in time;
    it waits there (``transferred_from`` says where it came from). A window that is not open would strand
    the citizen: refused unless ``force`` (a manager's decision, checked by the route)."""
    if (category is None) == (window is None):
        raise TransferTarget()
    if category is not None and category not in hall.categories.get():
        raise derr.UnknownCategory(category=category)
    if window is not None:
        target = get_window(tx, window, lock=False)
        if target.status != "open" and not force:
            raise WindowNotOpen(window=window, status=target.status)
    seen = get_ticket(tx.session, ticket_id)
    # A ticket at a window is that window's: its lock first (the order every transition keeps).
    held = get_window(tx, seen.window) if seen.status in ("called", "serving") and seen.window else None
    t = lock_for(tx, ticket_id, A.TRANSFER)
    if t.status != "waiting" and (held is None or held.number != t.window):
        raise StateChanged  # called at another window meanwhile: run again, locking that window first
    if held is not None and held.current_ticket_id == t.id:
        held.current_ticket_id = None
        _emit_window(tx, held)
    changes = {(t.hall_day, t.category): -1} if t.status == "waiting" and in_line(t) else {}
    move(t, A.TRANSFER)
    t.transferred_from = t.category
    t.category = category or t.category
    t.window, t.target_window, t.call_count, t.reinstated_at = None, window, 0, None
    if in_line(t):
        changes[(t.hall_day, t.category)] = changes.get((t.hall_day, t.category), 0) + 1
    adjust_waiting(tx.sql, changes)
    tx.emit("ticket.transferred", {"id": t.id, "number": t.number, "category": t.category,
                                   "from_category": t.transferred_from, "window": window})
    return t


def set_status(hall: HallContext, tx: Tx, number: int, *, status: str, reason: str = "",
               clerk: str | None = None) -> WindowOut:
    w = get_window(tx, number)
    if status == "paused" and not reason:
        raise PauseReasonRequired()
    w.status, w.pause_reason = status, reason if status == "paused" else ""
    if clerk is not None:
        w.clerk = clerk
    w.updated_at = datetime.now(UTC)
    _emit_window(tx, w)
    return window_out(w)
