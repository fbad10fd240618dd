"""Citizens following a ticket by SMS/WeChat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class TicketNotice(Base):
    """A citizen following a ticket by SMS/WeChat: the recipient (encrypted) and what was already sent."""

    __tablename__ = "ticket_notices"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient_enc: Mapped[str] = mapped_column(Text)
    last_ahead: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_status: Mapped[str] = mapped_column(String(16), default="waiting")
    last_recalls: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Bumped on every update so two replicas never send the same notice twice.
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
