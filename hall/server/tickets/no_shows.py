"""Undo a wrong 过号: the no-shows that may still be reinstated (``reinstate_minutes``), for the counter
(its own window) and the dashboard (the whole hall); the reinstatement itself is
:func:`hall.server.tickets.transitions.reinstate`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hall.server.core.context import HallContext
from hall.server.domain.hallday import hall_day
from hall.server.tickets.models import Ticket
from hall.server.tickets.schemas import NoShowOut

LIMIT = 20


def reinstatable(hall: HallContext, *, window: int | None = None, now: datetime | None = None) -> list[NoShowOut]:
    """Today's no-shows within the reinstatement period, latest first (at ``window`` when given)."""
    now = now or datetime.now(UTC)
    minutes = hall.options.policy.reinstate_minutes
    since = now - timedelta(minutes=minutes)
    query = select(Ticket).where(Ticket.hall_day == hall_day(now).isoformat(), Ticket.status == "no_show",
                                 Ticket.no_show_at >= since)
    if window is not None:
        query = query.where(Ticket.window == window)
    with hall.db.read() as s:
        rows = list(s.scalars(query.order_by(Ticket.no_show_at.desc()).limit(LIMIT)))
    return [NoShowOut(id=t.id, number=t.number, category=t.category, window=t.window, no_show_at=t.no_show_at,
                      reinstate_until=t.no_show_at + timedelta(minutes=minutes))
            for t in rows if t.no_show_at is not None]
