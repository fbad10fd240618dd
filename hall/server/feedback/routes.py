"""Evaluations (好差评), help calls and 办不成事, emergency alerts, and the manager's follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from hall.server.auth.deps import ClerkRole, HallDep, ManagerRole, TerminalRole
from hall.server.core.context import Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdPath
from hall.server.core.schemas import ERRORS, DbId
from hall.server.domain.evaluations import validate_evaluation
from hall.server.feedback import followups as followups
from hall.server.feedback.followups import followup_view
from hall.server.feedback.models import Evaluation, FollowUp

router = APIRouter(tags=["feedback"], responses=ERRORS)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


class EvaluationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int = Field(ge=1, le=5)
    reasons: list[str] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=1000)
    ticket_id: DbId | None = None
    submission_code: str | None = Field(default=None, max_length=32)
    window: int | None = Field(default=None, ge=1, le=9999)
    terminal_id: str | None = Field(default=None, max_length=32)


class HelpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["help", "cannot_do"] = "help"
    terminal_id: str | None = Field(default=None, max_length=32)
    window: int | None = Field(default=None, ge=1, le=9999)
    ticket_id: DbId | None = None
    message: str = Field(default="", max_length=500)


class AlertIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    window: int = Field(ge=1, le=9999)
    message: str = Field(default="", max_length=200)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=1000)


def _followup(tx: Tx, event: str, **fields: Any) -> dict[str, Any]:
    f = FollowUp(status="open", created_at=datetime.now(UTC), **fields)
    tx.session.add(f)
    tx.session.flush()
    view = followup_view(f)
    tx.emit(event, view)
    return view


@router.post("/evaluations", status_code=201)
def evaluate(body: EvaluationIn, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    """Five levels; the two lowest need reasons and raise a follow-up for the manager."""
    now = datetime.now(UTC)
    ev = validate_evaluation(level=body.level, reasons=body.reasons, comment=body.comment, ticket_id=body.ticket_id,
                             submission_id=body.submission_code, at=now,
                             window=str(body.window) if body.window else None)

    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        row = Evaluation(level=int(ev.level), reasons=[r.value for r in ev.reasons], comment=ev.comment,
                         ticket_id=body.ticket_id, submission_code=body.submission_code, window=body.window,
                         terminal_id=body.terminal_id, created_at=now)
        tx.session.add(row)
        tx.session.flush()
        out: dict[str, Any] = {"id": row.id, "level": row.level, "reasons": row.reasons, "followup_id": None}
        tx.emit("evaluation.created", {"id": row.id, "level": row.level, "window": row.window})
        if ev.level.low:
            f = _followup(tx, "alert.low_rating", kind="low_rating", window=body.window, ticket_id=body.ticket_id,
                          evaluation_id=row.id, terminal_id=body.terminal_id,
                          message=f"{ev.level.zh}：{'、'.join(row.reasons)}")
            out["followup_id"] = f["id"]
        return 201, out

    status, out = run_idempotent(hall, scope="POST /evaluations", key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


@router.post("/help", status_code=201)
def help_call(body: HelpIn, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    """A citizen asks staff for help (适老化 "help me"), or reports "couldn't get it done" (办不成事)."""
    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        return 201, _followup(tx, "help.requested", kind=body.kind, window=body.window,
                              terminal_id=body.terminal_id, ticket_id=body.ticket_id, message=body.message)

    status, out = run_idempotent(hall, scope="POST /help", key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


@router.post("/alerts", status_code=201)
def alert(body: AlertIn, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> JSONResponse:
    """The counter's emergency button (一键报警): reaches every dashboard at once."""
    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        return 201, _followup(tx, "alert.raised", kind="alert", window=body.window,
                              message=body.message or "紧急求助")

    status, out = run_idempotent(hall, scope="POST /alerts", key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


@router.get("/followups")
def list_followups(hall: HallDep, who: ManagerRole, status: Literal["open", "acknowledged", "closed"] | None = None,
                   kind: str | None = None) -> list[dict[str, Any]]:
    with hall.db.read() as s:
        q = select(FollowUp).order_by(FollowUp.id.desc()).limit(500)
        if status:
            q = q.where(FollowUp.status == status)
        if kind:
            q = q.where(FollowUp.kind == kind)
        return [followup_view(f) for f in s.scalars(q)]


@router.post("/followups/{fid}/acknowledge")
def acknowledge(fid: IdPath, body: NoteIn, hall: HallDep, who: ManagerRole) -> dict[str, Any]:
    return followups.change(hall, fid, status="acknowledged", note=body.note, who=who)


@router.post("/followups/{fid}/close")
def close(fid: IdPath, body: NoteIn, hall: HallDep, who: ManagerRole) -> dict[str, Any]:
    return followups.change(hall, fid, status="closed", note=body.note, who=who)
