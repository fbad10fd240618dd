"""Window (counter) routes for clerks: call next, recall, start, finish, no-show, pause/resume."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from hall.server.audit import service as audit
from hall.server.auth.tokens import AnyRole, ClerkRole, HallDep, ManagerRole, Principal
from hall.server.core.context import Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.schemas import ERRORS, CallNumberIn, OpenWindowIn, PauseIn, TicketOut, WindowIn
from hall.server.windows import service as svc
from hall.server.windows.models import Window

router = APIRouter(tags=["windows"], responses=ERRORS)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]
WindowNo = Annotated[int, Path(ge=1, le=9999)]


def _run(hall: Any, scope: str, key: str | None, payload: Any, fn: Callable[[Tx], Any], *,
         who: Principal | None = None, action: str = "", window: int | None = None) -> Response:
    def run(tx: Tx) -> tuple[int, Any]:
        out = fn(tx)
        if action:
            audit.record(tx.session, who, action, f"window {window}",
                         f"ticket {out['number']}" if isinstance(out, dict) and out.get("number") else "")
        return 200, out

    status, out = run_idempotent(hall, scope=scope, key=key, payload=payload, action=run)
    if out is None:
        return Response(status_code=204)
    return JSONResponse(out, status_code=status)


@router.get("/windows")
def list_windows(hall: HallDep, who: AnyRole) -> list[dict[str, Any]]:
    with hall.db.read() as s:
        return [svc.window_view(w) for w in s.scalars(select(Window).order_by(Window.number))]


@router.put("/windows/{window}")
def put_window(window: WindowNo, body: WindowIn, hall: HallDep, who: ManagerRole) -> dict[str, Any]:
    with hall.unit() as tx:
        w = tx.session.get(Window, window) or Window(number=window, status="closed")
        w.name, w.categories, w.cannot_do_desk = body.name, body.categories, body.cannot_do_desk
        if body.weights is not None:
            w.weights = {c: body.weights[c] for c in body.categories if c in body.weights}
        tx.session.add(w)
        tx.session.flush()
        audit.record(tx.session, who, "window.configure", f"window {window}", ",".join(body.categories))
        view = svc.window_view(w)
        tx.emit("window.changed", view)
    return view


@router.post("/windows/{window}/call-next", response_model=TicketOut,
             responses={204: {"description": "nothing waits"}})
def call_next(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    """Call the best waiting ticket across the window's categories; 204 when nothing waits."""
    return _run(hall, f"call-next {window}", key, {}, lambda tx: svc.call_next(hall, tx, window),
                who=who, action="window.call_next", window=window)


@router.post("/windows/{window}/call", response_model=TicketOut)
def call_number(window: WindowNo, body: CallNumberIn, hall: HallDep, who: ClerkRole, key: IdemKey = None
                ) -> Response:
    return _run(hall, f"call {window}", key, body.model_dump(),
                lambda tx: svc.call_number(hall, tx, window, body.number), who=who, action="window.call", window=window)


@router.post("/windows/{window}/recall", response_model=TicketOut)
def recall(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _run(hall, f"recall {window}", key, {}, lambda tx: svc.recall(hall, tx, window),
                who=who, action="window.recall", window=window)


@router.post("/windows/{window}/start", response_model=TicketOut)
def start(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _run(hall, f"start {window}", key, {}, lambda tx: svc.start(hall, tx, window),
                who=who, action="window.start", window=window)


@router.post("/windows/{window}/finish", response_model=TicketOut)
def finish(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _run(hall, f"finish {window}", key, {}, lambda tx: svc.finish(hall, tx, window),
                who=who, action="window.finish", window=window)


@router.post("/windows/{window}/no-show", response_model=TicketOut)
def no_show(window: WindowNo, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> Response:
    return _run(hall, f"no-show {window}", key, {}, lambda tx: svc.no_show(hall, tx, window),
                who=who, action="window.no_show", window=window)


@router.post("/windows/{window}/open")
def open_window(window: WindowNo, body: OpenWindowIn, hall: HallDep, who: ClerkRole) -> dict[str, Any]:
    with hall.unit() as tx:
        audit.record(tx.session, who, "window.open", f"window {window}")
        return svc.set_status(hall, tx, window, status="open", clerk=body.clerk or who.name)


@router.post("/windows/{window}/pause")
def pause(window: WindowNo, body: PauseIn, hall: HallDep, who: ClerkRole) -> dict[str, Any]:
    with hall.unit() as tx:
        audit.record(tx.session, who, "window.pause", f"window {window}", body.reason)
        return svc.set_status(hall, tx, window, status="paused", reason=body.reason)


@router.post("/windows/{window}/resume")
def resume(window: WindowNo, hall: HallDep, who: ClerkRole) -> dict[str, Any]:
    with hall.unit() as tx:
        audit.record(tx.session, who, "window.resume", f"window {window}")
        return svc.set_status(hall, tx, window, status="open")


@router.post("/windows/{window}/close")
def close(window: WindowNo, hall: HallDep, who: ClerkRole) -> dict[str, Any]:
    with hall.unit() as tx:
        audit.record(tx.session, who, "window.close", f"window {window}")
        return svc.set_status(hall, tx, window, status="closed")
