"""The durable SMS queue: one row per message to send, one per gateway message id (its receipt)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class SmsOutbox(Base):
    """A message waiting for (or past) its gateway. ``key`` is unique: the same notice is queued once.

    States: ``pending`` (due at ``next_at``), ``sending`` (claimed until ``lease_until``; a crashed
    sender's rows are taken again after it), ``sent`` (the gateway accepted every part), ``delivered`` /
    ``undelivered`` (its receipts), ``expired`` (still undelivered after ``expire_after_s``). The
    recipient is encrypted and emptied once the message is final.
    """

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient_enc: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(64), nullable=True)
    parts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class SmsReceipt(Base):
    """A gateway message id (one per part) and its delivery receipt once one came back."""

    __tablename__ = "sms_receipts"

    message_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    stat: Mapped[str | None] = mapped_column(String(16), nullable=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
