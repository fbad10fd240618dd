"""One row per closed hall day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class HallDay(Base):
    """One row per closed hall day: when it was closed and what happened to the tickets still waiting
    (per category: policy, closed, carried), so nothing is ever silently mixed into the next day."""

    __tablename__ = "hall_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
