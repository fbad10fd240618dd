"""Evaluations (好差评), help calls and 办不成事, emergency alerts, and the manager's follow-ups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from hall.server.audit import service as audit
from hall.server.auth import scope
from hall.server.auth.cache import Principal
from hall.server.auth.deps import ClerkRole, HallDep, ManagerRole, RaterRole, TerminalRole
from hall.server.core.context import HallContext, Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdemKey, IdPath
from hall.server.core.schemas import ERRORS, In, Out
from hall.server.feedback import followups, rectify
from hall.server.feedback import ledger as ledger_mod
from hall.server.feedback import service as svc
from hall.server.feedback.schemas import (
    AlertIn,
    CallbackPhoneOut,
    EvaluationIn,
    EvaluationOut,
    FollowUpOut,
    HelpIn,
    LedgerRowOut,
    NoteIn,
    StepIn,
)

router = APIRouter(tags=["feedback"], responses=ERRORS)
FromDay = Annotated[date | None, Query(alias="from", description="first hall day of the ratings")]
ToDay = Annotated[date | None, Query(description="last hall day of the ratings")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rating_for(who: Principal, body: EvaluationIn) -> EvaluationIn:
    """A kiosk rates as its own terminal; an evaluation pad only at its own window (the ticket's window
    is checked when it is rated). Raises OtherTerminal, OtherWindow."""
    update: dict[str, Any] = {"terminal_id": scope.for_terminal(who, body.terminal_id)}
    if who.window is not None:
        scope.for_window(who, body.window if body.window is not None else who.window)
        update["window"] = who.window
    return body.model_copy(update=update)


def _keyed(hall: HallContext, scope: str, key: str | None, body: In, write: Callable[[Tx], Out]) -> JSONResponse:
    """``write(tx)`` once per Idempotency-Key, answered 201 (a replay gets the first answer)."""
    def action(tx: Tx) -> tuple[int, Any]:
        return 201, write(tx).model_dump(mode="json")

    status, out = run_idempotent(hall, scope=scope, key=key, payload=body.model_dump(mode="json"), action=action)
    return JSONResponse(out, status_code=status)


@router.post("/evaluations", status_code=201, response_model=EvaluationOut)
def evaluate(body: EvaluationIn, hall: HallDep, who: RaterRole, key: IdemKey = None) -> JSONResponse:
    """Five levels; the two lowest need reasons and raise a follow-up for the manager. One rating per
    served ticket or case: 409 ``evaluation.duplicate``, 422 ``evaluation.not_served``."""
    body = _rating_for(who, body)
    now = datetime.now(UTC)
    ev = svc.checked(body, now)
    item = rectify.item_for(hall, ev)
    contact = hall.keyring.encrypt({"phone": body.callback_phone}) if body.callback_phone and ev.level.low else None
    return _keyed(hall, "POST /evaluations", key, body,
                  lambda tx: svc.evaluate(tx, body, ev, now, who=who, keyring=hall.keyring, item=item,
                                          contact_enc=contact))


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
    """Newest first; a low rating past its deadline raises its overdue alert now if the sweep has not yet."""
    rectify.sweep_overdue(hall)
    return svc.followups(hall, status=status, kind=kind)


@router.get("/followups/ledger", response_model=list[LedgerRowOut],
            responses={200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}}})
def ledger(hall: HallDep, who: ManagerRole, from_: FromDay = None, to: ToDay = None,
           format: Literal["json", "csv", "xlsx"] = Query("json")) -> list[LedgerRowOut] | Response:
    """整改台账: every low rating's follow-up of the range (closed ones too), its stages, who, when and notes;
    CSV (UTF-8 with BOM) or XLSX with Chinese headers. Phones are never in it."""
    rows = ledger_mod.rows(hall, first=from_, last=to)
    if format == "json":
        return rows
    tz = ZoneInfo(hall.options.timezone)
    body: str | bytes = ledger_mod.to_csv(rows, tz=tz) if format == "csv" else ledger_mod.to_xlsx(rows, tz=tz)
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    audit.record_now(hall, who, "followup.ledger_export", format, f"{len(rows)} rows")
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{ledger_mod.filename(from_, to, format)}"',
        "Cache-Control": "no-store"})


@router.post("/followups/{fid}/step", response_model=FollowUpOut)
def step(fid: IdPath, body: StepIn, hall: HallDep, who: ManagerRole) -> FollowUpOut:
    """差评整改 step: ``stage`` rectifying | rectified | revisited | unfounded, with a note (409
    ``followup.bad_step`` out of order; 422 ``followup.step_note_required`` without a note)."""
    return rectify.move(hall, fid, stage=body.stage, note=body.note, who=who)


@router.get("/followups/{fid}/callback-phone", response_model=CallbackPhoneOut)
def callback_phone(fid: IdPath, hall: HallDep, who: ManagerRole) -> CallbackPhoneOut:
    """The citizen's call-back phone in full, for the manager who calls back; every read is audited."""
    return rectify.callback_phone(hall, fid, who=who)


@router.post("/followups/{fid}/acknowledge", response_model=FollowUpOut)
def acknowledge(fid: IdPath, body: NoteIn, hall: HallDep, who: ManagerRole) -> FollowUpOut:
    return followups.change(hall, fid, status="acknowledged", note=body.note, who=who)


@router.post("/followups/{fid}/close", response_model=FollowUpOut)
def close(fid: IdPath, body: NoteIn, hall: HallDep, who: ManagerRole) -> FollowUpOut:
    return followups.change(hall, fid, status="closed", note=body.note, who=who)
