"""Lines and service items: their API shapes, the domain's view of a line, and the manager's edits."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from hall.server.audit import service as audit
from hall.server.audit.service import Actor
from hall.server.catalogue.errors import CodeMismatch, ItemExists, ItemNotFound, ItemVersionConflict
from hall.server.catalogue.models import Category, ServiceItem, ServiceItemVersion
from hall.server.catalogue.records import assign_keys, stored_material
from hall.server.catalogue.schemas import CategoryIn, CategoryOut, ItemVersionOut, ServiceItemOut
from hall.server.catalogue.storage import FIELDS, record_of, versions
from hall.server.core.context import HallContext
from hall.server.domain import catalogue as dcat
from hall.server.domain.catalogue import cap_reached

_DOMAIN: dict[tuple[str, str, str, int | None], dcat.Category] = {}


def domain_category(c: Category) -> dcat.Category:
    """The stored category as the domain's (opening hours, daily cap), cached per definition."""
    key = (c.code, c.opens, c.closes, c.daily_cap)
    found = _DOMAIN.get(key)
    if found is None:
        if (c.opens, c.closes) == ("00:00", "24:00"):
            hours = dcat.OpeningHours.always()
        else:
            closes = time.max if c.closes == "24:00" else c.closes
            hours = dcat.OpeningHours.on_days(range(7), [(c.opens, closes)])
        found = dcat.Category(code=c.code, name_zh=c.name_zh, name_en=c.name_en or c.name_zh,
                              sla_minutes=max(1, c.sla_minutes), daily_cap=c.daily_cap, hours=hours)
        _DOMAIN[key] = found
    return found


def category_out(c: Category, *, waiting: int = 0, longest_wait_s: int = 0, estimated_wait_s: int = 0,
                 issued_today: int = 0) -> CategoryOut:
    return CategoryOut(code=c.code, name=c.name_zh, name_zh=c.name_zh, name_en=c.name_en,
                       sla_minutes=c.sla_minutes, daily_cap=c.daily_cap, opens=c.opens, closes=c.closes,
                       at_close=c.at_close, active=c.active, waiting=waiting, longest_wait_s=longest_wait_s,
                       estimated_wait_s=estimated_wait_s, issued_today=issued_today,
                       full=cap_reached(c.daily_cap, issued_today))


def item_out(i: ServiceItem) -> ServiceItemOut:
    return _item_out({**{name: getattr(i, name) for name in FIELDS}, "form": i.form}, version=i.version,
                     updated_at=i.updated_at)


def _item_out(r: dict[str, Any], **state: Any) -> ServiceItemOut:
    return ServiceItemOut(code=r["code"], name=r["name_zh"], name_zh=r["name_zh"], name_en=r["name_en"],
                          category=r["category"], department=r["department"], type=r["item_type"],
                          legal_basis=r["legal_basis"], conditions=r["conditions"], materials=r["materials"],
                          legal_days=r["legal_days"], promised_days=r["promised_days"], fees=r["fees"],
                          location=r["location"], hours=r["hours"], online_url=r["online_url"],
                          commitment_allowed=r["commitment_allowed"], consult_phone=r.get("consult_phone", ""),
                          supervise_phone=r.get("supervise_phone", ""), process=r.get("process", ""),
                          result=r.get("result", ""), online=bool(r.get("online")), form=r.get("form"),
                          **state)


def put_category(hall: HallContext, code: str, body: CategoryIn, who: Actor | None = None) -> CategoryOut:
    """Create or change a line (the manager's, the dashboard's admin tab), audited as ``category.configure``
    in the same transaction and announced as ``category.changed``. Raises CodeMismatch."""
    if code != body.code:
        raise CodeMismatch()
    with hall.unit() as tx:
        c = tx.session.get(Category, code) or Category(code=code)
        for k, v in body.model_dump().items():
            setattr(c, k, v)
        c.active = True
        tx.session.add(c)
        tx.session.flush()
        audit.record(tx.session, who, "category.configure", f"category {code}",
                     f"sla {body.sla_minutes} min, cap {body.daily_cap or '-'}, {body.opens}-{body.closes}")
        out = category_out(c)
        tx.emit("category.changed", out.model_dump(mode="json"))
    hall.categories.invalidate()
    return out


def items(hall: HallContext, category: str | None) -> list[ServiceItemOut]:
    with hall.db.read() as s:
        q = select(ServiceItem).where(ServiceItem.active.is_(True)).order_by(ServiceItem.code)
        if category:
            q = q.where(ServiceItem.category == category)
        return [item_out(i) for i in s.scalars(q)]


def item(hall: HallContext, code: str) -> ServiceItemOut:
    with hall.db.read() as s:
        found = s.get(ServiceItem, code)
        if found is None:
            raise ItemNotFound()
        return item_out(found)


def item_versions(hall: HallContext, code: str) -> list[ItemVersionOut]:
    """The versions re-imports replaced, newest first (empty for an item never changed). Raises ItemNotFound."""
    with hall.db.read() as s:
        if s.get(ServiceItem, code) is None:
            raise ItemNotFound()
        return [ItemVersionOut(version=v.version, valid_from=v.valid_from, superseded_at=v.superseded_at,
                               import_id=v.import_id,
                               item=_item_out(v.data, version=v.version, updated_at=v.valid_from))
                for v in versions(s, code)]


# ---- one item edited in the dashboard's admin tab (hall/server/dashboard/items.py) ------------------------
def put_item(hall: HallContext, record: dict[str, Any], *, active: bool, who: Actor | None,
             expected_version: int | None = None) -> tuple[ServiceItemOut, bool]:
    """Create or change one item from a checked record (``sheet.parse``'s shape plus ``form``: canonical JSON
    or None for the standard form). A change keeps the previous version as a re-import does, bumps
    ``version``, is audited as ``item.configure`` in the same transaction and announced as ``item.changed``.
    ``expected_version``: the version the editor started from (0: a new item), None to skip the check.
    Answers the item and whether anything changed (an identical save writes nothing).
    Raises ItemVersionConflict."""
    code = record["code"]
    now = datetime.now(UTC)
    with hall.unit() as tx:
        s = tx.session
        # Locked on PostgreSQL so two saves of one item cannot both keep the same version (SQLite has one writer).
        item = s.get(ServiceItem, code, with_for_update=True)
        current = item.version if item is not None else 0
        if expected_version is not None and expected_version != current:
            raise (ItemExists if expected_version == 0 else ItemVersionConflict)(
                code=code, current=current, expected=expected_version)
        previous = {m["name_zh"]: m["key"] for m in (item.materials if item else None) or [] if m.get("key")}
        mats = [dict(m) for m in record["materials"]]
        assign_keys(mats, previous=previous)
        new = {**record, "materials": [stored_material(m) for m in mats]}
        if item is None:
            item = ServiceItem(**new, active=active, version=1, updated_at=now)
            s.add(item)
            what = "created"
        else:
            old = {**record_of(item), "form": item.form}
            if old == new and item.active == active:
                return item_out(item), False
            s.add(ServiceItemVersion(code=code, version=item.version, data={**old, "active": item.active},
                                     valid_from=item.updated_at, superseded_at=now, import_id=None))
            for name, value in new.items():
                setattr(item, name, value)
            item.active, item.version, item.updated_at = active, item.version + 1, now
            what = "changed"
        s.flush()
        audit.record(s, who, "item.configure", f"item {code}",
                     f"{what} v{item.version}, line {item.category}, {len(mats)} materials, "
                     f"form {'own' if item.form is not None else 'standard'}{'' if active else ', inactive'}")
        out = item_out(item)
        # Small on purpose (PostgreSQL's NOTIFY payload is limited): readers fetch the item itself.
        tx.emit("item.changed", {"code": code, "category": item.category, "version": item.version,
                                 "active": active})
    return out, True
