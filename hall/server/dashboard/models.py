"""Dashboard sessions ended by logout: the cookie is stateless, so its end is a row every replica reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime


class EndedSession(Base):
    __tablename__ = "dashboard_sessions_ended"

    # The session's random nonce (never the cookie itself); kept until the cookie would have expired.
    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
