"""Service codes (亮码) issued for terminals to resolve."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


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
