"""The 一网通办 outbox: one row per registration code pushed (or to push) to the provincial platform."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class PlatformCase(Base):
    """``code`` is unique: a submission is queued once, and its code is the platform's idempotency key.

    States: ``pending`` (due at ``next_at``) and ``pushed``; ``remote_status`` is the last status the
    platform reported (or was sent).
    """

    __tablename__ = "platform_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(64), nullable=True)
    remote_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
