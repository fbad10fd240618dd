"""The call order on stored tickets: rows become domain ``QueueTicket``s and the domain decides.

call-next (:func:`choose`), the explain route (:func:`explanation`), ``waiting_ahead``
(:func:`ahead_of`) and ``estimated_wait_s`` (:func:`estimate`) all go through
``hall.server.domain.queue_policy.call_order``, so what a ticket is told is what a window does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hall.server.appointments.models import Appointment
from hall.server.core.context import HallContext
from hall.server.domain import queue_explain as dx
from hall.server.domain import queue_policy as dq
from hall.server.domain.stranded import StrandReason, strand_reason, window_to_open
from hall.server.domain.tickets import FALLBACK_PRIORITY, PriorityReason, QueueTicket, TicketStatus, from_flat
from hall.server.domain.wait_estimate import estimate_wait_s
from hall.server.tickets.models import Ticket
from hall.server.windows.models import Window

FALLBACK = FALLBACK_PRIORITY  # 办不成事: a line of its own
RECENT_KEEP = 12
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # a probe ticket's time: strandedness does not depend on it
# Per category and group (plain / special) the oldest this many are candidates for call-next: inside
# a lane the domain orders one category by waiting time, so the heads are all it can pick from.
_PER_GROUP = 40
_KNOWN_PRIORITIES = frozenset(p.value for p in PriorityReason) | {"appointment", FALLBACK}

_COLS = (Ticket.id, Ticket.number, Ticket.category, Ticket.priority, Ticket.issued_at, Ticket.status,
         Ticket.target_window, Ticket.reinstated_at, Ticket.transferred_from, Appointment.slot_start,
         Appointment.slot_end)


def _select() -> Any:
    return select(*_COLS).select_from(Ticket).outerjoin(Appointment, Appointment.id == Ticket.appointment_id)


def to_queue_ticket(r: Any) -> QueueTicket:
    """A stored row (``_COLS``) as the domain sees it. Stored tickets are ``waiting`` even after a
    transfer; ``transferred_from`` carries that fact."""
    priority = r.priority if r.priority in _KNOWN_PRIORITIES else None
    t = from_flat(id=r.id, number=r.number, category=r.category, issued_at=r.issued_at, priority=priority,
                  status="waiting", target_window=r.target_window, reinstated_at=r.reinstated_at,
                  appointment_start=r.slot_start, appointment_end=r.slot_end)
    return replace(t, transferred_from=r.transferred_from) if r.transferred_from else t


def domain_window(w: Window) -> dq.Window:
    weights = w.weights or {}
    return dq.Window.serving(w.number, {c: float(weights.get(c, 1.0)) for c in (w.categories or [])},
                             handles_fallback=bool(w.cannot_do_desk))


def _fallback_desk(hall: HallContext, w: Window) -> bool:
    return bool(w.cannot_do_desk) or hall.options.policy.fallback_window == str(w.number)


def window_candidates(session: Session, hall: HallContext, w: Window, day: str) -> list[QueueTicket]:
    """The waiting tickets ``w`` may call that can be first in some lane."""
    plain_line = Ticket.target_window.is_(None) & (Ticket.priority.is_(None) | (Ticket.priority != FALLBACK))
    scope: ColumnElement[bool] = (Ticket.category.in_(list(w.categories or [])) & plain_line) | (
        Ticket.target_window == w.number)
    if _fallback_desk(hall, w):
        scope = scope | ((Ticket.priority == FALLBACK) & Ticket.target_window.is_(None))
    group = case((Ticket.priority.is_(None) & Ticket.reinstated_at.is_(None) & Ticket.target_window.is_(None), 0),
                 else_=1)
    rn = func.row_number().over(partition_by=(Ticket.category, group),
                                order_by=(Ticket.issued_at, Ticket.id)).label("rn")
    inner = _select().add_columns(rn).where(Ticket.hall_day == day, Ticket.status == "waiting", scope).subquery()
    rows = session.execute(select(inner).where(inner.c.rn <= _PER_GROUP)).all()
    return [to_queue_ticket(r) for r in rows]


def choose(session: Session, hall: HallContext, w: Window, day: str, now: datetime) -> dq.Choice | None:
    """The domain's pick for window ``w`` at ``now``, or None when nothing it serves waits."""
    window = domain_window(w)
    tickets = window_candidates(session, hall, w, day)
    return dq.choose_next(window, tickets, hall.options.policy, now, recent_calls=tuple(w.recent_lanes or ()))


def remember_call(w: Window, choice: dq.Choice) -> None:
    """Keep the lane of this call for the ratio rule (the domain's ``record_lane``)."""
    lanes = [*(w.recent_lanes or []), choice.record_lane.value][-RECENT_KEEP:]
    w.recent_lanes = lanes
    w.priority_streak = dq.priority_streak(lanes)


def _line_filter(t: Any) -> ColumnElement[bool]:
    if t.target_window is not None:
        return Ticket.target_window == t.target_window
    if t.priority == FALLBACK:
        return (Ticket.priority == FALLBACK) & Ticket.target_window.is_(None)
    return (Ticket.category == t.category) & Ticket.target_window.is_(None) & (
        Ticket.priority.is_(None) | (Ticket.priority != FALLBACK))


def row_of(session: Session, ticket_id: int) -> Any:
    return session.execute(_select().where(Ticket.id == ticket_id)).one()


def line(session: Session, t: Any) -> list[QueueTicket]:
    """Every waiting ticket of ``t``'s line (its category, its target window, or the 办不成事 line)."""
    rows = session.execute(_select().where(Ticket.hall_day == t.hall_day, Ticket.status == "waiting",
                                           _line_filter(t))).all()
    return [to_queue_ticket(r) for r in rows]


def ahead_of(session: Session, hall: HallContext, t: Any, now: datetime) -> int:
    """How many of its line the policy calls before ``t`` (0 when it is not waiting)."""
    if t.status != "waiting":
        return 0
    me = to_queue_ticket(row_of(session, t.id))
    return dx.waiting_ahead(me, _line(session, t), hall.options.policy, now)


def explanation(session: Session, hall: HallContext, t: Ticket, now: datetime, *, me: QueueTicket | None = None,
                line: Sequence[QueueTicket] | None = None) -> dx.Explanation:
    """The domain's explanation; ``me`` and ``line`` may be passed when the caller loaded them already."""
    me = me or to_queue_ticket(row_of(session, t.id))
    if t.status != "waiting":
        return dx.explain(replace(me, status=_domain_status(t.status)), (), hall.options.policy, now)
    return dx.explain(me, line if line is not None else _line(session, t), hall.options.policy, now)


def _domain_status(status: str) -> TicketStatus:
    try:
        return TicketStatus(status)
    except ValueError:
        return TicketStatus.CANCELLED


def estimate(hall: HallContext, category: str, ahead: int) -> int:
    """Seconds to wait with ``ahead`` people before: the domain's EWMA service time × open windows."""
    stats, key = hall.stats, (category, max(0, ahead))
    found = stats.estimates.get(key)
    if found is None:
        found = stats.estimates[key] = estimate_wait_s(
            category=category, ahead=key[1], durations_s=(), open_windows=stats.open_domain_windows,
            default_service_s=stats.service_seconds.get(category, 300.0))
    return found


_line = line  # for functions whose parameter shadows the name


def open_windows(hall: HallContext, windows: Iterable[Window]) -> Sequence[dq.Window]:
    """The open windows as the domain sees them, 办不成事 desks (also ``[queue] fallback_window``) marked."""
    return [serving_window(hall, w) for w in windows if w.status == "open"]


def serving_window(hall: HallContext, w: Window) -> dq.Window:
    """``w`` with every ticket it may call: its lines, tickets sent to it, and 办不成事 ones at a desk for them."""
    d = domain_window(w)
    return replace(d, handles_fallback=True) if _fallback_desk(hall, w) else d


def estimate_for(hall: HallContext, *, category: str, priority: str | None, target_window: int | None,
                 ahead: int) -> int | None:
    """:func:`estimate` for one ticket; None (unknown) when no open window can serve it (stranded)."""
    probe = from_flat(id=0, number="", category=category, issued_at=_EPOCH, priority=priority,
                      target_window=target_window)
    if strand_reason(probe, hall.stats.open_domain_windows) is not None:
        return None
    return estimate(hall, category, ahead)


@dataclass(frozen=True)
class Stranded:
    """A waiting ticket no open window can serve: why, and the window that would (None: none would)."""

    id: int
    number: str
    category: str
    issued_at: datetime
    reason: StrandReason
    open_window: int | None


def stranded(session: Session, hall: HallContext, windows: Sequence[Window], day: str, *, limit: int = 200
             ) -> list[Stranded]:
    """Today's stranded tickets, longest waiting first. The query narrows to tickets whose line, desk or
    window has nothing open; the domain's rule (:func:`strand_reason`) decides each."""
    open_ = open_windows(hall, windows)
    closed = [serving_window(hall, w) for w in windows if w.status != "open"]
    open_ids = [int(w.id) for w in open_]
    served = sorted({c for w in open_ for c in w.weights})
    plain = Ticket.target_window.is_(None) & (Ticket.priority.is_(None) | (Ticket.priority != FALLBACK))
    maybe: ColumnElement[bool] = (Ticket.target_window.is_not(None) & Ticket.target_window.not_in(open_ids)) | (
        plain & Ticket.category.not_in(served))
    if not any(w.handles_fallback for w in open_):
        maybe = maybe | (Ticket.target_window.is_(None) & (Ticket.priority == FALLBACK))
    rows = session.execute(_select().where(Ticket.hall_day == day, Ticket.status == "waiting", maybe)
                           .order_by(Ticket.issued_at, Ticket.id).limit(limit)).all()
    out = []
    for r in rows:
        t = to_queue_ticket(r)
        reason = strand_reason(t, open_)
        if reason is not None:
            to_open = window_to_open(t, closed)
            out.append(Stranded(int(r.id), r.number, r.category, r.issued_at, reason,
                                int(to_open) if to_open is not None else None))
    return out
