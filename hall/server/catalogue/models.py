"""Service categories (queue lines) and service items (政务服务事项)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base, UTCDateTime, utcnow


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128), default="")
    sla_minutes: Mapped[int] = mapped_column(Integer, default=30)
    # None = no cap (the demo hall); otherwise tickets per hall day.
    daily_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opens: Mapped[str] = mapped_column(String(5), default="00:00")
    closes: Mapped[str] = mapped_column(String(5), default="24:00")
    # What happens to tickets still waiting at closing: "close" or "carry_over".
    at_close: Mapped[str] = mapped_column(String(16), default="close")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceItem(Base):
    __tablename__ = "service_items"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(256), default="")
    category: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    department: Mapped[str] = mapped_column(String(128), default="")
    item_type: Mapped[str] = mapped_column(String(32), default="公共服务")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    # [{"key", "name_zh", "name_en", "original", "copies", "formats", "waivable", "elicense"}]; imported ones
    # also carry "form" (original, copy, original_and_copy, electronic) and "note" (备注).
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    legal_days: Mapped[int] = mapped_column(Integer, default=20)
    promised_days: Mapped[int] = mapped_column(Integer, default=10)
    fees: Mapped[str] = mapped_column(String(128), default="不收费")
    location: Mapped[str] = mapped_column(String(128), default="")
    hours: Mapped[str] = mapped_column(String(128), default="")
    online_url: Mapped[str] = mapped_column(String(256), default="")
    commitment_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    consult_phone: Mapped[str] = mapped_column(String(64), default="")
    supervise_phone: Mapped[str] = mapped_column(String(64), default="")
    process: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    # The item's application form (hall.forms definition JSON, docs/forms.md); None = the standard form.
    form: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)
    # 1 for the first import (or the demo seed); each changing re-import keeps the old one as a version row.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CatalogueImport(Base):
    """One ``hall admin import-catalogue`` that was stored: its file (name and SHA-256) and what it did."""

    __tablename__ = "catalogue_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(256))
    format: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)


class ServiceItemVersion(Base):
    """A service item as it was before a re-import changed it: the whole record, as the API showed it."""

    __tablename__ = "service_item_versions"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    superseded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_imports.id"), nullable=True)
