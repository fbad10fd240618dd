"""Queue counts, wait estimates and the periodic snapshot; day statistics for the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.server.core.context import HallContext
from hall.server.domain.hallday import hall_day
from hall.server.domain.stranded import REASON_EN, REASON_ZH
from hall.server.domain.wait_estimate import ewma_service_s
from hall.server.queue import order as queue
from hall.server.stats.schemas import (
    LiveCategoryOut,
    LiveOut,
    SnapshotCategoryOut,
    SnapshotOut,
    SnapshotWindowOut,
    UnservedOut,
)
from hall.server.tickets.models import Ticket, TicketCounter
from hall.server.windows.models import Window

_SAMPLES = 50  # recent service durations per category fed to the domain's EWMA


def queue_counts(hall: HallContext) -> dict[str, dict[str, Any]]:
    """Per category today: waiting count, longest current wait, estimated wait for a new ticket."""
    now = datetime.now(UTC)
    day = hall_day(now).isoformat()
    with hall.db.read() as s:
        rows = s.execute(select(Ticket.category, func.count(), func.min(Ticket.issued_at)).where(
            Ticket.hall_day == day, Ticket.status == "waiting").group_by(Ticket.category)).all()
    out: dict[str, dict[str, Any]] = {}
    for cat, n, oldest in rows:
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        out[cat] = {"waiting": int(n), "longest_wait_s": int((now - oldest).total_seconds()) if oldest else 0,
                    "estimated_wait_s": queue.estimate(hall, cat, int(n))}
    for code in hall.categories.get():
        out.setdefault(code, {"waiting": 0, "longest_wait_s": 0, "estimated_wait_s": 0})
    return out


def issued_today(hall: HallContext) -> dict[str, int]:
    """Numbers given out today per category, cancelled ones included: what a daily cap counts."""
    day = hall_day(datetime.now(UTC)).isoformat()
    with hall.db.read() as s:
        rows = s.execute(select(TicketCounter.category, TicketCounter.last_seq).where(
            TicketCounter.hall_day == day)).all()
    return {cat: int(seq) for cat, seq in rows}


def refresh_estimates(hall: HallContext) -> None:
    """Exponentially weighted handling time per category from today's finished tickets, and open windows."""
    now = datetime.now(UTC)
    with hall.db.read() as s:
        rows = s.execute(select(Ticket.category, Ticket.started_at, Ticket.finished_at).where(
            Ticket.status == "done", Ticket.finished_at >= now - timedelta(hours=8),
            Ticket.started_at.is_not(None)).order_by(Ticket.finished_at).limit(2000)).all()
        windows = list(s.scalars(select(Window).where(Window.status == "open")))
    samples: dict[str, list[float]] = {}
    for cat, started, finished in rows:
        if started is not None and finished is not None:  # both set on a done ticket (the query asks so)
            samples.setdefault(cat, []).append(max(0.0, (finished - started).total_seconds()))
    service_seconds = {cat: ewma_service_s(durations[-_SAMPLES:]) for cat, durations in samples.items()}
    open_by_cat: dict[str, int] = {}
    for w in windows:
        for cat in w.categories or []:
            open_by_cat[cat] = open_by_cat.get(cat, 0) + 1
    hall.stats.update(service_seconds=service_seconds, open_windows=open_by_cat,
                      open_domain_windows=queue.open_windows(hall, windows))


def snapshot_out(hall: HallContext) -> SnapshotOut:
    """Per category the queue now (waiting, longest wait, estimate for a new ticket) and the windows."""
    counts = queue_counts(hall)
    now = datetime.now(UTC)
    day = hall_day(now).isoformat()
    with hall.db.read() as s:
        rows = list(s.scalars(select(Window).order_by(Window.number)))
        windows = [SnapshotWindowOut(number=w.number, status=w.status, current_ticket_id=w.current_ticket_id,
                                     categories=list(w.categories or []),
                                     next_number=_next_number(s, hall, w, day, now))
                   for w in rows]
    cats = hall.categories.get()
    categories = [SnapshotCategoryOut(code=code, name=cats[code].name_zh if code in cats else code,
                                      sla_minutes=cats[code].sla_minutes if code in cats else None, **v)
                  for code, v in sorted(counts.items())]
    return SnapshotOut(categories=categories, windows=windows)


def _next_number(s: Session, hall: HallContext, w: Window, day: str, now: datetime) -> str | None:
    """The number an open window would call next (the domain's own pick): the display's 请…准备."""
    if w.status != "open":
        return None
    choice = queue.choose(s, hall, w, day, now)
    return choice.ticket.number if choice is not None else None


def snapshot(hall: HallContext) -> dict[str, Any]:
    """The ``queue.snapshot`` event's data (:func:`snapshot_out` as JSON)."""
    return snapshot_out(hall).model_dump(mode="json")


def live(hall: HallContext) -> LiveOut:
    """The snapshot with the SLA flags of ``GET /stats/live``."""
    snap = snapshot_out(hall)
    categories = []
    for c in snap.categories:
        sla = (c.sla_minutes or 0) * 60
        categories.append(LiveCategoryOut(**dict(c), sla_breached=bool(sla and c.longest_wait_s > sla),
                                          open_another_window=bool(sla and c.estimated_wait_s > sla)))
    return LiveOut(categories=categories, windows=snap.windows, unserved=unserved(hall))


def unserved(hall: HallContext) -> list[UnservedOut]:
    """Today's waiting tickets that no open window can serve, longest waiting first."""
    now = datetime.now(UTC)
    with hall.db.read() as s:
        windows = list(s.scalars(select(Window)))
        found = queue.stranded(s, hall, windows, hall_day(now).isoformat())
    out = []
    for t in found:
        issued = t.issued_at if t.issued_at.tzinfo else t.issued_at.replace(tzinfo=UTC)
        out.append(UnservedOut(number=t.number, category=t.category, reason=t.reason.value,
                               waiting_s=max(0, int((now - issued).total_seconds())), open_window=t.open_window,
                               reason_zh=REASON_ZH[t.reason], reason_en=REASON_EN[t.reason]))
    return out
