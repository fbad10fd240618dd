"""Categories (queue lines) and service items (办事指南)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from hall.server.auth.tokens import AnyRole, HallDep, ManagerRole
from hall.server.catalogue.models import Category, ServiceItem
from hall.server.core.http_errors import ApiError, not_found
from hall.server.core.schemas import ERRORS, CategoryIn
from hall.server.domain.catalogue import cap_reached
from hall.server.stats.service import issued_today, queue_counts

router = APIRouter(tags=["catalogue"], responses=ERRORS)


def category_view(c: Category, counts: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {"code": c.code, "name": c.name_zh, "name_zh": c.name_zh, "name_en": c.name_en,
           "sla_minutes": c.sla_minutes, "daily_cap": c.daily_cap, "opens": c.opens, "closes": c.closes,
           "at_close": c.at_close, "active": c.active}
    if counts is not None:
        out.update(counts)
    return out


def item_view(i: ServiceItem) -> dict[str, Any]:
    return {"code": i.code, "name": i.name_zh, "name_zh": i.name_zh, "name_en": i.name_en,
            "category": i.category, "department": i.department, "type": i.item_type,
            "legal_basis": i.legal_basis, "conditions": i.conditions, "materials": i.materials,
            "legal_days": i.legal_days, "promised_days": i.promised_days, "fees": i.fees,
            "location": i.location, "hours": i.hours, "online_url": i.online_url,
            "commitment_allowed": i.commitment_allowed}


@router.get("/categories")
def list_categories(hall: HallDep, who: AnyRole) -> list[dict[str, Any]]:
    """Active categories with today's waiting count, estimated wait, numbers issued and whether the
    daily cap is reached, so a kiosk greys a full line before a citizen taps it."""
    counts, issued = queue_counts(hall), issued_today(hall)
    return [category_view(c, {**counts.get(c.code, {}), "issued_today": issued.get(c.code, 0),
                              "full": cap_reached(c.daily_cap, issued.get(c.code, 0))})
            for c in hall.categories.get(hall.db).values() if c.active]


@router.put("/categories/{code}")
def put_category(code: str, body: CategoryIn, hall: HallDep, who: ManagerRole) -> dict[str, Any]:
    if code != body.code:
        raise ApiError(422, "category.code_mismatch", "path and body codes differ")
    with hall.unit() as tx:
        c = tx.session.get(Category, code) or Category(code=code)
        for k, v in body.model_dump().items():
            setattr(c, k, v)
        c.active = True
        tx.session.add(c)
        tx.session.flush()
        view = category_view(c)
    hall.categories.invalidate()
    return view


@router.get("/items")
def list_items(hall: HallDep, who: AnyRole, category: str | None = None) -> list[dict[str, Any]]:
    with hall.db.read() as s:
        q = select(ServiceItem).where(ServiceItem.active.is_(True)).order_by(ServiceItem.code)
        if category:
            q = q.where(ServiceItem.category == category)
        return [item_view(i) for i in s.scalars(q)]


@router.get("/items/{code}")
def read_item(code: str, hall: HallDep, who: AnyRole) -> dict[str, Any]:
    with hall.db.read() as s:
        item = s.get(ServiceItem, code)
        if item is None:
            raise not_found("item")
        return item_view(item)
