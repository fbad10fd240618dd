"""Service categories (queue lines) and service items (政务服务事项)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.server.core.orm import Base


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
    # [{"key", "name_zh", "name_en", "original", "copies", "formats", "waivable", "elicense"}]
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    legal_days: Mapped[int] = mapped_column(Integer, default=20)
    promised_days: Mapped[int] = mapped_column(Integer, default=10)
    fees: Mapped[str] = mapped_column(String(128), default="不收费")
    location: Mapped[str] = mapped_column(String(128), default="")
    hours: Mapped[str] = mapped_column(String(128), default="")
    online_url: Mapped[str] = mapped_column(String(256), default="")
    commitment_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
