"""Tickets, the per-category-per-day counters that number them, and windows (counters)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.models.base import Base, UTCDateTime, utcnow


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
        UniqueConstraint("hall_day", "number"),
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
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set when staff reinstate a no-show: the call order puts it at the head of its line.
    reinstated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    window: Mapped[int | None] = mapped_column(Integer, nullable=True)
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


class HallDay(Base):
    """One row per closed hall day: when it was closed and what happened to the tickets still waiting
    (per category: policy, closed, carried), so nothing is ever silently mixed into the next day."""

    __tablename__ = "hall_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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
