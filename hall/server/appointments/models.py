"""Appointments (预约)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_id_hash", "id_hash", "slot_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    id_masked: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(2))
    item_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime())
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime())
    # booked / checked_in / missed / cancelled
    status: Mapped[str] = mapped_column(String(16), default="booked")
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Booked by a citizen on /book: the mobile number (encrypted with the server key; emptied once the
    # booking is over) for the reminder the day before, and when that reminder was queued.
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PhoneCode(Base):
    """A confirmation code sent by SMS to a mobile number on /book: only hashes are kept (number, code,
    client address); the rows are also the SMS rate limit's memory (docs/booking.md)."""

    __tablename__ = "booking_phone_codes"
    __table_args__ = (Index("ix_booking_phone_codes_phone", "phone_hash", "created_at"),
                      Index("ix_booking_phone_codes_client", "client_hash", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone_hash: Mapped[str] = mapped_column(String(64))
    client_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
