"""Window (counter) routes for clerks: call next, recall, start, finish, no-show, open/pause/resume/close."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from hall.server.audit import service as audit
from hall.server.auth.cache import Principal
from hall.server.auth.deps import AnyRole, ClerkRole, HallDep, ManagerRole
from hall.server.auth.scope import for_window
from hall.server.core.context import HallContext, Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdemKey, WindowNo
from hall.server.core.schemas import ERRORS
from hall.server.stats.service import refresh_estimates
from hall.server.tickets import service as tickets
from hall.server.tickets.models import Ticket
from hall.server.tickets.no_shows import reinstatable
from hall.server.tickets.schemas import NoShowOut, TicketOut
from hall.server.windows import service as svc
from hall.server.windows.models import Window
from hall.server.windows.schemas import CallNumberIn, OpenWindowIn, PauseIn, WindowIn, WindowOut

router = APIRouter(tags=["windows"], responses=ERRORS)


def _act(hall: HallContext, window: int, key: str | None, fn: Callable[[Tx], Ticket | None], *,
         who: Principal, action: str, payload: Any = None) -> Response:
    """A ticket action at ``window``: idempotent, audited in its own transaction, answered with the ticket
    (204 when call-next finds nobody). A counter token acts only at its own window (403 otherwise)."""
    for_window(who, window)

    def run(tx: Tx) -> tuple[int, Any]:
        t = fn(tx)
        audit.record(tx.session, who, action, f"window {window}", f"ticket {t.number}" if t is not None else "")
        return 200, None if t is None else tickets.dump(tickets.view(hall, tx.session, t, place=False))

    scope = f"{action.removeprefix('window.').replace('_', '-')} {window}"
    status, out = run_idempotent(hall, scope=scope, key=key, payload=payload or {}, action=run)
    if out is None:
        return Response(status_code=204)
    return JSONResponse(out, status_code=status)


@router.get("/windows", response_model=list[WindowOut])
def list_windows(hall: HallDep, who: AnyRole) -> list[WindowOut]:
    """Every window; ``counter_online`` false when its counter program stopped beating (shown 离线)."""
    from hall.server.terminals.service import counters_online

    now = datetime.now(UTC)
    with hall.db.read() as s:
        beating = counters_online(s, hall, now)
        return [svc.window_out(w, now=now).model_copy(update={"counter_online": beating.get(w.number)})
                for w in s.scalars(select(Window).order_by(Window.number))]


@router.get("/windows/{window}/no-shows", response_model=list[NoShowOut])
def window_no_shows(window: WindowNo, hall: HallDep, who: ClerkRole) -> list[NoShowOut]:
    """This window's no-shows that may still be reinstated (``POST /tickets/{id}/reinstate``), latest first."""
    for_window(who, window)  # a counter token reads only its own window's
    return reinstatable(hall, window=window)


@router.put("/windows/{window}", response_model=WindowOut)
def put_window(window: WindowNo, body: WindowIn, hall: HallDep, who: ManagerRole) -> WindowOut:
    return svc.configure(hall, window, body, who)


@router.post("/windows/{window}/call-next", response_model=TicketOut,
             responses={204: {"description": "nothing waits"}})
def call_next(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    """Call the best waiting ticket across the window's categories; 204 when nothing waits."""
    return _act(hall, window, key, lambda tx: svc.call_next(hall, tx, window), who=who, action="window.call_next")


@router.post("/windows/{window}/call", response_model=TicketOut)
def call_number(window: WindowNo, body: CallNumberIn, hall: HallDep, who: ClerkRole, key: IdemKey = None
                ) -> Response:
    return _act(hall, window, key, lambda tx: svc.call_number(hall, tx, window, body.number), who=who,
                action="window.call", payload=body.model_dump())


@router.post("/windows/{window}/recall", response_model=TicketOut)
def recall(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _act(hall, window, key, lambda tx: svc.recall(hall, tx, window), who=who, action="window.recall")


@router.post("/windows/{window}/start", response_model=TicketOut)
def start(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _act(hall, window, key, lambda tx: svc.start(hall, tx, window), who=who, action="window.start")


@router.post("/windows/{window}/finish", response_model=TicketOut)
def finish(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _act(hall, window, key, lambda tx: svc.finish(hall, tx, window), who=who, action="window.finish")


@router.post("/windows/{window}/no-show", response_model=TicketOut)
def no_show(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _act(hall, window, key, lambda tx: svc.no_show(hall, tx, window), who=who, action="window.no_show")


def _set(hall: HallContext, window: int, who: Principal, action: str, *, status: str, reason: str = "",
         clerk: str | None = None) -> WindowOut:
    for_window(who, window)
    with hall.unit() as tx:
        audit.record(tx.session, who, action, f"window {window}", reason)
        out = svc.set_status(hall, tx, window, status=status, reason=reason, clerk=clerk)
    # Which windows are open decides every estimate (and who is stranded): not a snapshot period later.
    refresh_estimates(hall)
    return out


@router.post("/windows/{window}/open", response_model=WindowOut)
def open_window(window: WindowNo, body: OpenWindowIn, hall: HallDep, who: ClerkRole) -> WindowOut:
    return _set(hall, window, who, "window.open", status="open", clerk=body.clerk or who.name)


@router.post("/windows/{window}/pause", response_model=WindowOut)
def pause(window: WindowNo, body: PauseIn, hall: HallDep, who: ClerkRole) -> WindowOut:
    return _set(hall, window, who, "window.pause", status="paused", reason=body.reason)


@router.post("/windows/{window}/resume", response_model=WindowOut)
def resume(window: WindowNo, hall: HallDep, who: ClerkRole) -> WindowOut:
    return _set(hall, window, who, "window.resume", status="open")


@router.post("/windows/{window}/close", response_model=WindowOut)
def close(window: WindowNo, hall: HallDep, who: ClerkRole) -> WindowOut:
    return _set(hall, window, who, "window.close", status="closed")
