"""Categories (queue lines) and service items (办事指南)."""

from __future__ import annotations

from fastapi import APIRouter

from hall.server.auth.deps import AnyRole, HallDep, ManagerRole
from hall.server.catalogue import service
from hall.server.catalogue.schemas import CategoryIn, CategoryOut, ItemVersionOut, ServiceItemOut
from hall.server.core.schemas import ERRORS
from hall.server.stats.service import issued_today, queue_counts

router = APIRouter(tags=["catalogue"], responses=ERRORS)


@router.get("/categories", response_model=list[CategoryOut])
def list_categories(hall: HallDep, who: AnyRole) -> list[CategoryOut]:
    """Active categories with today's waiting count, estimated wait, numbers issued and whether the
    daily cap is reached, so a kiosk greys a full line before a citizen taps it."""
    counts, issued = queue_counts(hall), issued_today(hall)
    return [service.category_out(c, **counts.get(c.code, {}), issued_today=issued.get(c.code, 0))
            for c in hall.categories.get().values() if c.active]


@router.put("/categories/{code}", response_model=CategoryOut)
def put_category(code: str, body: CategoryIn, hall: HallDep, who: ManagerRole) -> CategoryOut:
    return service.put_category(hall, code, body, who)


@router.get("/items", response_model=list[ServiceItemOut])
def list_items(hall: HallDep, who: AnyRole, category: str | None = None) -> list[ServiceItemOut]:
    return service.items(hall, category)


@router.get("/items/{code}", response_model=ServiceItemOut)
def read_item(code: str, hall: HallDep, who: AnyRole) -> ServiceItemOut:
    return service.item(hall, code)


@router.get("/items/{code}/versions", response_model=list[ItemVersionOut])
def read_item_versions(code: str, hall: HallDep, who: AnyRole) -> list[ItemVersionOut]:
    """What re-imports of the catalogue replaced, newest first."""
    return service.item_versions(hall, code)
