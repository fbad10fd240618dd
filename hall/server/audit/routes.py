"""The audit trail for administrators (docs/security.md, "Audit")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hall.server.audit import service as svc
from hall.server.audit.schemas import AuditOut
from hall.server.auth.deps import AdminRole, HallDep
from hall.server.core.schemas import ERRORS, MAX_ID

router = APIRouter(tags=["audit"], responses=ERRORS)


@router.get("/audit", response_model=AuditOut)
def audit_log(hall: HallDep, who: AdminRole,
              action: Annotated[str | None, Query(max_length=48, pattern=r"^[a-z_.-]+$")] = None,
              actor: Annotated[str | None, Query(max_length=64)] = None,
              after_id: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
              limit: Annotated[int, Query(ge=1, le=svc.MAX_LIMIT)] = 200) -> AuditOut:
    """Who did which write: newest first, or oldest first after ``after_id`` (for an export that pages)."""
    return AuditOut(entries=svc.entries(hall, action=action, actor=actor, after_id=after_id, limit=limit))
