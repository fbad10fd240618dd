"""Terminals and their last heartbeat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class Terminal(Base):
    __tablename__ = "terminals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    # kiosk / display / counter / evaluator
    kind: Mapped[str] = mapped_column(String(16), default="kiosk")
    # The prefix of the offline numbers this terminal prints ("K1" in "K1-A005"); one terminal per prefix.
    offline_prefix: Mapped[str | None] = mapped_column(String(8), nullable=True, unique=True)
    # The window a counter or evaluation pad serves (NULL for kiosks and displays).
    window: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location: Mapped[str] = mapped_column(String(128), default="")
    version: Mapped[str] = mapped_column(String(32), default="")
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    devices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    outbox_backlog: Mapped[int] = mapped_column(Integer, default=0)
    oldest_pending_s: Mapped[float] = mapped_column(Float, default=0.0)
