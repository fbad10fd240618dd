"""The catalogue in the database: an import stored in one transaction (lines it names created, items
updated by 实施编码 with the previous version kept), the records an export writes, an item's versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.server.audit.service import record as audit
from hall.server.catalogue.errors import CatalogueCell, CatalogueRejected
from hall.server.catalogue.models import CatalogueImport, Category, ServiceItem, ServiceItemVersion
from hall.server.catalogue.records import assign_keys, stored_material
from hall.server.catalogue.sheet import Catalogue
from hall.server.core.db import Database
from hall.server.domain.errors import DomainError

# The columns of service_items that an import writes and a version keeps (everything but the state).
FIELDS = ("code", "name_zh", "name_en", "category", "department", "item_type", "legal_basis", "conditions",
          "materials", "legal_days", "promised_days", "fees", "location", "hours", "online_url",
          "commitment_allowed", "consult_phone", "supervise_phone", "process", "result", "online", "form")


@dataclass(frozen=True)
class Outcome:
    """What a stored import did; ``import_id`` is its row in ``catalogue_imports``."""

    import_id: int
    created: int
    updated: int
    unchanged: int
    lines_created: tuple[str, ...]


def record_of(item: ServiceItem) -> dict[str, Any]:
    """The stored item as a record (the shape :mod:`sheet` parses into)."""
    values = {name: getattr(item, name) for name in FIELDS}
    values["materials"] = [dict(m) for m in item.materials or []]
    return values


def store(db: Database, catalogue: Catalogue, *, source: str, fmt: str, sha256: str) -> Outcome:
    """Write the whole catalogue in one transaction, or nothing. Raises CatalogueRejected (an item names a
    line the hall does not have and the file does not name)."""
    now = datetime.now(UTC)
    with db.write() as s:
        lines_created = _lines(s, catalogue)
        log = CatalogueImport(at=now, source=source[:256], format=fmt, sha256=sha256)
        s.add(log)
        s.flush()
        stored = {i.code: i for i in s.scalars(select(ServiceItem).where(
            ServiceItem.code.in_([r["code"] for r in catalogue.items])))}
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for rec in catalogue.items:
            counts[_put(s, rec, stored.get(rec["code"]), log.id, now)] += 1
        log.created, log.updated, log.unchanged = counts["created"], counts["updated"], counts["unchanged"]
        audit(s, None, "catalogue.import", target=source[:64],
              detail=f"{fmt}: {counts['created']} new, {counts['updated']} changed, {counts['unchanged']} same")
        return Outcome(import_id=log.id, lines_created=tuple(lines_created), **counts)


def _lines(s: Session, catalogue: Catalogue) -> list[str]:
    """Create the lines the file names ("H 不动产登记") that the hall lacks; refuse items of unknown lines."""
    known = set(s.scalars(select(Category.code)))
    sort = (s.scalar(select(func.max(Category.sort))) or 0) + 1
    created: list[str] = []
    for letter, name in sorted(catalogue.new_lines.items()):
        if letter not in known:
            s.add(Category(code=letter, name_zh=name, name_en="", sort=sort + len(created)))
            created.append(letter)
            known.add(letter)
    problems: list[DomainError] = [
        CatalogueCell.of("unknown_category", file=catalogue.where, row=catalogue.rows.get(r["code"], 0),
                         column="业务类别")
        for r in catalogue.items if r["category"] not in known]
    if problems:
        raise CatalogueRejected(problems[:50], more=max(0, len(problems) - 50))
    s.flush()
    return created


def _put(s: Session, rec: dict[str, Any], item: ServiceItem | None, import_id: int, now: datetime) -> str:
    previous = {m["name_zh"]: m["key"] for m in (item.materials if item else None) or [] if m.get("key")}
    mats = [dict(m) for m in rec["materials"]]
    assign_keys(mats, previous=previous)
    new = {**rec, "materials": [stored_material(m) for m in mats]}
    if item is None:
        s.add(ServiceItem(**new, active=True, version=1, updated_at=now))
        return "created"
    old = record_of(item)
    if old == new and item.active:
        return "unchanged"
    s.add(ServiceItemVersion(code=item.code, version=item.version, data={**old, "active": item.active},
                             valid_from=item.updated_at, superseded_at=now, import_id=import_id))
    for name, value in new.items():
        setattr(item, name, value)
    item.active, item.version, item.updated_at = True, item.version + 1, now
    return "updated"


def records(db: Database) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The active items as records (by 实施编码) and the lines' names (letter → name) for an export."""
    with db.read() as s:
        items = [record_of(i) for i in s.scalars(select(ServiceItem).where(ServiceItem.active.is_(True))
                                                  .order_by(ServiceItem.code))]
        lines = {c.code: c.name_zh for c in s.scalars(select(Category))}
    return items, lines


def versions(s: Session, code: str) -> list[ServiceItemVersion]:
    """The kept versions of an item, newest first."""
    return list(s.scalars(select(ServiceItemVersion).where(ServiceItemVersion.code == code)
                          .order_by(ServiceItemVersion.version.desc())))
