"""The audit trail (who did which write) and service codes (亮码) issued for terminals to resolve."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.models.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """One write (or a clerk opening a citizen's materials): the token's name and role, never the token,
    and targets by their numbers/codes, never a citizen's ID number or name."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48), index=True)
    target: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(256), default="")


class ServiceCode(Base):
    """A short-lived one-time service code: the opaque id printed in the QR maps to the identity here,
    encrypted (the QR itself carries nothing personal)."""

    __tablename__ = "service_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    personal_enc: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    used_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    issued_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
