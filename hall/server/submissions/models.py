"""Submissions (办件) with their materials, status history and the content-addressed blobs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # The terminal's own code printed while offline; linked on sync so either code finds the case.
    local_code: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("service_items.code"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    applicant_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    applicant_id_masked: Mapped[str] = mapped_column(String(24))
    applicant_name_masked: Mapped[str] = mapped_column(String(64), default="")
    # AES-GCM ciphertext of {"id_number", "name", "form"}: personal data is never stored in clear.
    personal_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(24), default="received")
    missing: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    legal_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    promised_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    terminal_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SubmissionMaterial(Base):
    __tablename__ = "submission_materials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    requirement: Mapped[str] = mapped_column(String(64))
    # file / elicense / waived / commitment_signature
    kind: Mapped[str] = mapped_column(String(16))
    blob_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    elicense_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    waived_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    # accepted / missing / pending (the clerk's verdict at the counter)
    verdict: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SubmissionStatus(Base):
    __tablename__ = "submission_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Blob(Base):
    """Metadata of an uploaded file; the bytes live at data_dir/blobs/<sha[:2]>/<sha>."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
