"""Evaluations (好差评), help calls and 办不成事, emergency alerts, and the manager's follow-ups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from hall.server.auth import scope
from hall.server.auth.cache import Principal
from hall.server.auth.deps import ClerkRole, HallDep, ManagerRole, RaterRole, TerminalRole
from hall.server.core.context import HallContext, Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdemKey, IdPath
from hall.server.core.schemas import ERRORS, In, Out
from hall.server.feedback import followups
from hall.server.feedback import service as svc
from hall.server.feedback.schemas import AlertIn, EvaluationIn, EvaluationOut, FollowUpOut, HelpIn, NoteIn
from hall.server.tickets.models import Ticket

router = APIRouter(tags=["feedback"], responses=ERRORS)


def _rating_for(hall: HallContext, who: Principal, body: EvaluationIn) -> EvaluationIn:
    """A kiosk rates as its own terminal; an evaluation pad only a service finished at its own window.
    Raises OtherTerminal, OtherWindow."""
    update: dict[str, Any] = {"terminal_id": scope.for_terminal(who, body.terminal_id)}
    if who.window is not None:
        scope.for_window(who, body.window if body.window is not None else who.window)
        update["window"] = who.window
        if body.ticket_id is not None:
            with hall.db.read() as s:
                t = s.get(Ticket, body.ticket_id)
                if t is None or t.window != who.window or t.status != "done":
                    raise scope.OtherWindow(window=who.window)
    return body.model_copy(update=update)



def _keyed(hall: HallContext, scope: str, key: str | None, body: In, write: Callable[[Tx], Out]) -> JSONResponse:
    """``write(tx)`` once per Idempotency-Key, answered 201 (a replay gets the first answer)."""
    def action(tx: Tx) -> tuple[int, Any]:
        return 201, write(tx).model_dump(mode="json")

    status, out = run_idempotent(hall, scope=scope, key=key, payload=body.model_dump(mode="json"), action=action)
    return JSONResponse(out, status_code=status)


@router.post("/evaluations", status_code=201, response_model=EvaluationOut)
def evaluate(body: EvaluationIn, hall: HallDep, who: RaterRole, key: IdemKey = None) -> JSONResponse:
    """Five levels; the two lowest need reasons and raise a follow-up for the manager."""
    body = _rating_for(hall, who, body)
    now = datetime.now(UTC)
    ev = svc.checked(body, now)
    return _keyed(hall, "POST /evaluations", key, body, lambda tx: svc.evaluate(tx, body, ev, now))


@router.post("/help", status_code=201, response_model=FollowUpOut)
def help_call(body: HelpIn, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    """A citizen asks staff for help (适老化 "help me"), or reports "couldn't get it done" (办不成事)."""
    terminal_id = scope.for_terminal(who, body.terminal_id)
    if body.kind == "technician_pin":
        scope.technician_alert(who, terminal_id)
    window = body.window if body.window is not None else who.window
    scope.for_window(who, window)
    body = body.model_copy(update={"terminal_id": terminal_id, "window": window})
    return _keyed(hall, "POST /help", key, body, lambda tx: svc.help_call(tx, body))


@router.post("/alerts", status_code=201, response_model=FollowUpOut)
def alert(body: AlertIn, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> JSONResponse:
    """The counter's emergency button (一键报警): reaches every dashboard at once."""
    scope.for_window(who, body.window)
    return _keyed(hall, "POST /alerts", key, body, lambda tx: svc.alert(tx, body))


@router.get("/followups", response_model=list[FollowUpOut])
def list_followups(hall: HallDep, who: ManagerRole, status: Literal["open", "acknowledged", "closed"] | None = None,
                   kind: str | None = None) -> list[FollowUpOut]:
    return svc.followups(hall, status=status, kind=kind)


@router.post("/followups/{fid}/acknowledge", response_model=FollowUpOut)
def acknowledge(fid: IdPath, body: NoteIn, hall: HallDep, who: ManagerRole) -> FollowUpOut:
    return followups.change(hall, fid, status="acknowledged", note=body.note, who=who)


@router.post("/followups/{fid}/close", response_model=FollowUpOut)
def close(fid: IdPath, body: NoteIn, hall: HallDep, who: ManagerRole) -> FollowUpOut:
    return followups.change(hall, fid, status="closed", note=body.note, who=who)
