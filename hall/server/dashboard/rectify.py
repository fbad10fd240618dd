"""The dashboard's 差评整改: a step (整改中, 已整改, 已回访, 不属实) with a note, the citizen's call-back phone on
request (audited) and the 整改台账 download — the same services as ``/api/v1/followups/…``, on the session."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from hall.server.audit import service as audit
from hall.server.auth.deps import HallDep
from hall.server.dashboard.auth import Manager, ManagerWrite
from hall.server.feedback import ledger, rectify
from hall.server.feedback.schemas import CallbackPhoneOut, FollowUpOut, LedgerRowOut, StepIn

router = APIRouter()
FollowUpId = Path(ge=1, le=2**31 - 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/followups/{fid}/step", response_model=FollowUpOut)
def step(body: StepIn, hall: HallDep, user: ManagerWrite, fid: int = FollowUpId) -> FollowUpOut:
    """Move a low rating's follow-up one stage on, with a note saying what was done."""
    return rectify.move(hall, fid, stage=body.stage, note=body.note, who=user)


@router.post("/followups/{fid}/callback-phone", response_model=CallbackPhoneOut)
def callback_phone(hall: HallDep, user: ManagerWrite, fid: int = FollowUpId) -> CallbackPhoneOut:
    """Show the call-back phone (a POST with the CSRF token: each showing is audited)."""
    return rectify.callback_phone(hall, fid, who=user)


@router.get("/followups/ledger", response_model=list[LedgerRowOut])
def ledger_route(hall: HallDep, user: Manager,
                 from_: Annotated[date | None, Query(alias="from")] = None, to: date | None = None,
                 format: Literal["json", "csv", "xlsx"] = "json") -> list[LedgerRowOut] | Response:
    """整改台账 as JSON, CSV or XLSX (Chinese headers)."""
    rows = ledger.rows(hall, first=from_, last=to)
    if format == "json":
        return rows
    tz = ZoneInfo(hall.options.timezone)
    body: str | bytes = ledger.to_csv(rows, tz=tz) if format == "csv" else ledger.to_xlsx(rows, tz=tz)
    audit.record_now(hall, user, "followup.ledger_export", format, f"{len(rows)} rows")
    return Response(body, media_type="text/csv; charset=utf-8" if format == "csv" else XLSX, headers={
        "Content-Disposition": f'attachment; filename="{ledger.filename(from_, to, format)}"',
        "Cache-Control": "no-store"})
