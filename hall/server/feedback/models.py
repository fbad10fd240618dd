"""Evaluations (好差评) and follow-ups (help calls, alerts, low ratings)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class Evaluation(Base):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    level: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    submission_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    window: Mapped[int | None] = mapped_column(Integer, nullable=True)
    terminal_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The one service rated: "t:<ticket id>" or "s:<registration code>"; unique, so a second rating of
    # the same service fails at the database even when two arrive at once (issue 15, item 1).
    service_key: Mapped[str | None] = mapped_column(String(48), nullable=True, unique=True)
    # Who served it and what it was, copied when rated so the follow-up names them.
    clerk: Mapped[str | None] = mapped_column(String(64), nullable=True)
    item_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    case_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The phone a citizen left for the call back (差评回访), encrypted; shown to a manager on request only.
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class FollowUp(Base):
    """Something the manager must see and close: help call, 办不成事, emergency alert, low rating."""

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # help / cannot_do / alert / low_rating
    kind: Mapped[str] = mapped_column(String(16), index=True)
    # open / acknowledged / closed
    status: Mapped[str] = mapped_column(String(16), default="open")
    window: Mapped[int | None] = mapped_column(Integer, nullable=True)
    terminal_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evaluation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # 差评整改 (low ratings only): domain.rectification.Stage, the deadline, when the overdue alert went out.
    stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    overdue_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class FollowUpStep(Base):
    """One step of a follow-up (整改台账): who moved it, when, from which stage to which, and the note."""

    __tablename__ = "followup_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    followup_id: Mapped[int] = mapped_column(Integer, index=True)
    stage_from: Mapped[str | None] = mapped_column(String(16), nullable=True)
    stage_to: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
