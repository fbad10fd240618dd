"""Tickets, the per-category-per-day counters that number them, and windows (counters)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class TicketCounter(Base):
    """One row per category per hall day; UPDATE … RETURNING in the ticket's transaction keeps numbers
    gapless: a rolled-back issue rolls the counter back too."""

    __tablename__ = "ticket_counters"

    hall_day: Mapped[str] = mapped_column(String(10), primary_key=True)
    category: Mapped[str] = mapped_column(String(2), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Tickets of this category and day now waiting, kept by every status change so a new ticket's
    # "waiting ahead" costs no COUNT over a long queue.
    waiting: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # An offline number may come again in a new numbering epoch of its terminal (a lost outbox).
        UniqueConstraint("hall_day", "number", "offline_epoch"),
        Index("ix_tickets_queue", "hall_day", "category", "status"),
        Index("ix_tickets_id_hash_day", "id_hash", "hall_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    category: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    hall_day: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    source: Mapped[str] = mapped_column(String(16), default="kiosk")
    priority: Mapped[str | None] = mapped_column(String(16), nullable=True)
    appointment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # HMAC of the ID number (quota, blacklist) and a masked copy for display; never the number itself.
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    id_masked: Mapped[str | None] = mapped_column(String(24), nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Order within the queue: issue time, moved to the head on reinstatement.
    queue_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The first call (waits and reports count to it); the latest call after it is recalled_at.
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set when staff reinstate a no-show: the call order puts it at the head of its line.
    reinstated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    window: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The clerk signed in at the window when it was called and when it was finished (reports per clerk).
    clerk: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Transfer to a specific window: only that window may call it.
    target_window: Mapped[int | None] = mapped_column(Integer, nullable=True)
    terminal_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    offline_number: Mapped[str | None] = mapped_column(String(24), nullable=True)
    public_token: Mapped[str] = mapped_column(String(32), unique=True)
    transferred_from: Mapped[str | None] = mapped_column(String(2), nullable=True)
    submission_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # An offline ticket's issue time as the terminal's clock had it (kept for the record); issued_at
    # and queue_at hold the time the server trusts (docs/api.md, "Offline tickets").
    offline_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The terminal's numbering epoch of an offline number (0 for every other ticket).
    offline_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
