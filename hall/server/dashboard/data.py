"""Dashboard data: the live overview, follow-up acknowledge/close, and the events socket for the page.

The socket relays the same event hub as ``/api/v1/events`` (so PostgreSQL replicas fan in the same
way) but authenticates with the dashboard's session cookie, which the browser sends by itself.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, Path, WebSocket, WebSocketDisconnect
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.appointments.slots import with_bookings
from hall.server.audit import service as audit
from hall.server.auth.deps import HallDep
from hall.server.core.context import HallContext
from hall.server.dashboard.auth import COOKIE, Manager, ManagerWrite, read_session
from hall.server.dashboard.schemas import (
    BookedSlotOut,
    CategoryPanelOut,
    CloseIn,
    CurrentTicketOut,
    HallNameOut,
    NoShowReinstatedOut,
    NoteIn,
    OverviewOut,
    RecentTicketOut,
    TerminalPanelOut,
    TotalsOut,
    WindowPanelOut,
)
from hall.server.dashboard.stats import QueueState, assess
from hall.server.domain.hallday import hall_day
from hall.server.events.hub import make_event
from hall.server.events.pump import pump
from hall.server.feedback import followups as followups
from hall.server.feedback.errors import NoteRequired
from hall.server.feedback.models import FollowUp
from hall.server.feedback.schemas import FollowUpOut
from hall.server.stats.service import queue_counts, unserved
from hall.server.submissions.deadlines import deadlines
from hall.server.terminals.faults import fault_order, faults
from hall.server.terminals.models import Terminal
from hall.server.terminals.service import counters_online
from hall.server.tickets import transitions
from hall.server.tickets.models import Ticket
from hall.server.tickets.no_shows import reinstatable
from hall.server.windows.models import Window
from hall.server.windows.service import window_out

router = APIRouter()
ws_router = APIRouter()
FollowUpId = Path(ge=1, le=2**31 - 1)
TicketId = Path(ge=1, le=2**31 - 1)
# Follow-ups the manager still has to act on come first: alerts, then help calls, then the rest.
_KIND_ORDER = {"alert": 0, "help": 1, "technician_pin": 1, "cannot_do": 2, "low_rating": 3}
# A revoked manager token closes its dashboard's live view within 2 s too (one indexed read a second).
_RECHECK_S = 1.0


def _current(t: Ticket | None) -> CurrentTicketOut | None:
    if t is None:
        return None
    return CurrentTicketOut(id=t.id, number=t.number, category=t.category, status=t.status, priority=t.priority,
                            called_at=t.called_at, started_at=t.started_at)


def _windows(hall: HallContext, s: Session, now: datetime) -> list[WindowPanelOut]:
    rows = list(s.scalars(select(Window).order_by(Window.number)))
    current_ids = [w.current_ticket_id for w in rows if w.current_ticket_id]
    current = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(current_ids)))} if current_ids else {}
    beating = counters_online(s, hall, now)
    out = []
    for w in rows:
        # One definition of "served today" and "average handling time": the window record's own
        # (hall.server.windows.service.count_served), as in GET /windows and window.changed.
        figures = window_out(w, now=now)
        out.append(WindowPanelOut(
            number=w.number, name=w.name, categories=list(w.categories or []), status=w.status,
            pause_reason=w.pause_reason, clerk=w.clerk, updated_at=w.updated_at,
            current=_current(current.get(w.current_ticket_id or -1)), served_today=figures.served_today,
            avg_handling_s=figures.avg_handling_s, counter_online=beating.get(w.number)))
    return out


def _categories(hall: HallContext, windows: list[WindowPanelOut]) -> list[CategoryPanelOut]:
    counts = queue_counts(hall)
    open_by_cat: dict[str, int] = {}
    for w in windows:
        if w.status == "open":
            for code in w.categories:
                open_by_cat[code] = open_by_cat.get(code, 0) + 1
    out = []
    for code, c in hall.categories.get().items():
        if not c.active:
            continue
        n = counts.get(code, {})
        state = QueueState(waiting=int(n.get("waiting", 0)), longest_wait_s=int(n.get("longest_wait_s", 0)),
                           sla_s=c.sla_minutes * 60, service_s=hall.stats.service_seconds.get(code),
                           open_windows=open_by_cat.get(code, 0))
        out.append(CategoryPanelOut(code=code, name_zh=c.name_zh, name_en=c.name_en, sla_minutes=c.sla_minutes,
                                    waiting=state.waiting, longest_wait_s=state.longest_wait_s,
                                    open_windows=state.open_windows, **assess(state)))
    return out


def _terminals(hall: HallContext, s: Session, now: datetime) -> list[TerminalPanelOut]:
    limit = hall.options.terminal_offline_after_s
    out = []
    for t in s.scalars(select(Terminal).order_by(Terminal.kind, Terminal.id)):
        age = (now - t.last_seen).total_seconds() if t.last_seen else None
        devices = [d for d in (t.devices or []) if isinstance(d, dict)]
        online = age is not None and age <= limit
        zh, en = faults(devices, online=online)
        out.append(TerminalPanelOut(
            id=t.id, name=t.name, kind=t.kind, window=t.window, location=t.location, version=t.version,
            online=online, last_seen=t.last_seen,
            heartbeat_age_s=None if age is None else round(age), devices=devices,
            outbox_backlog=t.outbox_backlog, oldest_pending_s=round(t.oldest_pending_s or 0), faults=zh, faults_en=en))
    # Faults first (offline, then a faulty device): they are what the manager has to act on.
    out.sort(key=lambda t: fault_order(t.online, len(t.faults), t.kind, t.id))
    return out


def _followups(s: Session) -> list[FollowUpOut]:
    rows = list(s.scalars(select(FollowUp).where(FollowUp.status != "closed")
                          .order_by(FollowUp.created_at.desc()).limit(200)))
    out = followups.views(s, rows)
    # Newest first within a kind, but a low rating's oldest deadline first (overdue ones on top).
    out.sort(key=lambda f: (_KIND_ORDER.get(f.kind, 9), not f.overdue, f.status != "open", _deadline(f)))
    return out


def _deadline(f: FollowUpOut) -> float:
    at = f.due_at or f.created_at
    return at.timestamp() if f.kind == "low_rating" and at is not None else 0.0


def overview(hall: HallContext) -> OverviewOut:
    now = datetime.now(UTC)
    day = hall_day(now).isoformat()
    with hall.db.read() as s:
        windows = _windows(hall, s, now)
        terminals = _terminals(hall, s, now)
        open_followups = _followups(s)
        recent = [RecentTicketOut(id=t.id, number=t.number, category=t.category, status=t.status, window=t.window,
                                  issued_at=t.issued_at)
                  for t in s.scalars(select(Ticket).where(Ticket.hall_day == day)
                                     .order_by(Ticket.id.desc()).limit(15))]
    categories = _categories(hall, windows)
    totals = TotalsOut(waiting=sum(c.waiting for c in categories), served=sum(w.served_today for w in windows),
                       open_windows=sum(1 for w in windows if w.status == "open"),
                       breaches=sum(1 for c in categories if c.breach),
                       alerts=sum(1 for f in open_followups if f.kind == "alert" and f.status == "open"))
    return OverviewOut(now=now, hall_day=day, timezone=hall.options.timezone,
                       hall=HallNameOut(name_zh=hall.options.hall_name_zh, name_en=hall.options.hall_name_en),
                       totals=totals, categories=categories, windows=windows, terminals=terminals,
                       followups=open_followups, recent=recent, unserved=unserved(hall),
                       deadlines=deadlines(hall), no_shows=reinstatable(hall, now=now),
                       bookings=_booked_slots(hall, categories=sorted(hall.categories.get()), now=now))


def _booked_slots(hall: HallContext, *, categories: list[str], now: datetime) -> list[BookedSlotOut]:
    """Today's slots that hold bookings, per line in time order (the counter reads the same per line:
    ``GET /api/v1/appointments/by-slot``)."""
    out: list[BookedSlotOut] = []
    for code in categories:
        for slot in with_bookings(hall, code, hall_day(now)):
            if slot.bookings:
                out.append(BookedSlotOut(category=code, start=slot.start, end=slot.end, capacity=slot.capacity,
                                         booked=slot.booked,
                                         checked_in=sum(1 for b in slot.bookings if b.status == "checked_in")))
    return out


@router.get("/overview", response_model=OverviewOut)
def overview_route(hall: HallDep, user: Manager) -> OverviewOut:
    """Everything the live panels show, computed on the server (the page only renders)."""
    return overview(hall)


@router.post("/followups/{fid}/acknowledge", response_model=FollowUpOut)
def acknowledge(hall: HallDep, user: ManagerWrite, body: NoteIn | None = None, fid: int = FollowUpId
                ) -> FollowUpOut:
    """Seen and someone is on it: stops the alarm banner; the item stays listed until closed."""
    return followups.change(hall, fid, status="acknowledged", note=body.note if body else "", who=user)


@router.post("/tickets/{tid}/reinstate", response_model=NoShowReinstatedOut)
def reinstate(hall: HallDep, user: ManagerWrite, tid: int = TicketId) -> NoShowReinstatedOut:
    """Undo a wrong 过号 from the dashboard: the ticket goes back to the head of its line (within
    ``reinstate_minutes``; later: 422 ``ticket.reinstate_expired``; not a no-show: 409)."""
    with hall.unit() as tx:
        t = transitions.reinstate(hall, tx, tid)
        audit.record(tx.session, user, "ticket.reinstate", f"ticket {t.number}", "dashboard")
        return NoShowReinstatedOut(id=t.id, number=t.number, category=t.category, status=t.status)


@router.post("/followups/{fid}/close", response_model=FollowUpOut)
def close(body: CloseIn, hall: HallDep, user: ManagerWrite, fid: int = FollowUpId) -> FollowUpOut:
    """Done, with a note saying what was done (kept for the 好差评 follow-up record)."""
    note = body.note.strip()
    if not note:
        raise NoteRequired()
    return followups.change(hall, fid, status="closed", note=note, who=user)


def _session_ok(hall: HallContext, cookie: str) -> bool:
    from hall.server.dashboard.auth import ROLES, live_session

    payload = read_session(hall, cookie)
    row = live_session(hall, payload) if payload else None
    return row is not None and row.role in ROLES


@ws_router.websocket("/api/v1/dashboard/events")
async def events(ws: WebSocket) -> None:
    hall: HallContext = ws.app.state.hall
    origin, host = ws.headers.get("origin", ""), ws.headers.get("host", "")
    cookie = ws.cookies.get(COOKIE, "")
    # A page from another site must not ride the manager's cookie (cross-site WebSocket hijacking).
    if origin and origin.split("://", 1)[-1] != host:
        await ws.close(code=4403)
        return
    if not cookie or not await asyncio.to_thread(_session_ok, hall, cookie):
        await ws.close(code=4401)
        return
    await ws.accept()
    queue = hall.hub.subscribe()
    try:
        await ws.send_json(make_event("hello", {"role": "manager"}))
        # A revoked token ends the live view too, even while events keep flowing.
        if not await pump(ws, queue, still_ok=lambda: asyncio.to_thread(_session_ok, hall, cookie),
                          recheck_s=_RECHECK_S):
            await ws.close(code=4401)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hall.hub.unsubscribe(queue)
