"""The audit trail: who (a token's name and role) did which write, and who opened which citizen's case.

An entry is written in the same transaction as the write it records (a rolled-back action leaves no
entry; an idempotent replay adds none), reads that open personal data get a small transaction of
their own. Targets are ticket numbers, window numbers and registration codes — never an ID number or a
name — and every detail passes the privacy redaction as well.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.privacy import redact
from hall.server.audit.models import AuditEntry
from hall.server.audit.schemas import AuditEntryOut
from hall.server.core.context import HallContext

MAX_LIMIT = 1000


class Actor(Protocol):
    """Who acts: an API token's principal or a dashboard session (both carry the token's name and role)."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


def record(session: Session, who: Actor | None, action: str, target: str = "", detail: str = "") -> None:
    """Add an entry to ``session``'s transaction (committed with the write it describes)."""
    session.add(AuditEntry(at=datetime.now(UTC), actor=(who.name if who else "system")[:64],
                           role=(who.role if who else "system")[:16], action=action[:48],
                           target=redact(target)[:64], detail=redact(detail)[:256]))


def record_now(hall: HallContext, who: Actor | None, action: str, target: str = "", detail: str = "") -> None:
    """An entry on its own (for reads of personal data: a submission's detail, a material file)."""
    with hall.db.write() as session:
        record(session, who, action, target, detail)


def entry_view(e: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(id=e.id, at=e.at, actor=e.actor, role=e.role, action=e.action, target=e.target,
                         detail=e.detail)


def entries(hall: HallContext, *, action: str | None = None, actor: str | None = None, after_id: int = 0,
            limit: int = 200) -> list[AuditEntryOut]:
    """Newest first; ``after_id`` pages forward from an id already seen (oldest first then)."""
    q = select(AuditEntry)
    if action:
        q = q.where(AuditEntry.action == action)
    if actor:
        q = q.where(AuditEntry.actor == actor)
    if after_id:
        q = q.where(AuditEntry.id > after_id).order_by(AuditEntry.id)
    else:
        q = q.order_by(AuditEntry.id.desc())
    with hall.db.read() as s:
        return [entry_view(e) for e in s.scalars(q.limit(max(1, min(limit, MAX_LIMIT))))]
