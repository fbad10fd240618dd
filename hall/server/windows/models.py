"""Windows (counters)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class Window(Base):
    __tablename__ = "windows"

    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # open / paused / closed
    status: Mapped[str] = mapped_column(String(16), default="closed")
    pause_reason: Mapped[str] = mapped_column(String(128), default="")
    clerk: Mapped[str] = mapped_column(String(64), default="")
    current_ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The 办不成事 window takes "cannot_do" tickets first.
    cannot_do_desk: Mapped[bool] = mapped_column(Boolean, default=False)
    # Priority tickets called in a row (for the "N priority : 1 normal" mode).
    priority_streak: Mapped[int] = mapped_column(Integer, default=0)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The lanes of the latest calls (oldest first), for the ratio rule of the call order.
    recent_lanes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # Served-today figures kept by finish/call-next, so the window record (REST and events) carries
    # them without a query: the hall day they count, tickets done, summed and counted handling time.
    served_day: Mapped[str | None] = mapped_column(String(10), nullable=True)
    served_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    handling_total_s: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    handling_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
