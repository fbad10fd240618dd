"""Terminals: registration and heartbeats (device statuses, outbox backlog); offline when a heartbeat is late."""

from __future__ import annotations

from fastapi import APIRouter, Path

from hall.server.auth.deps import HallDep, ManagerRole, TerminalRole
from hall.server.auth.scope import for_terminal, for_window
from hall.server.core.schemas import ERRORS
from hall.server.terminals import service as svc
from hall.server.terminals.schemas import TERMINAL_ID_PATTERN, HeartbeatIn, RegisterIn, TerminalOut

router = APIRouter(tags=["terminals"], responses=ERRORS)
TerminalId = Path(pattern=TERMINAL_ID_PATTERN)


@router.post("/terminals/register", response_model=TerminalOut)
def register(body: RegisterIn, hall: HallDep, who: TerminalRole) -> TerminalOut:
    for_terminal(who, body.id)
    if who.window is not None:  # a counter's or pad's token registers for its own window only
        for_window(who, body.window if body.window is not None else who.window)
        body = body.model_copy(update={"window": who.window})
    return svc.register(hall, body)


@router.post("/terminals/{terminal_id}/heartbeat", response_model=TerminalOut)
def heartbeat(body: HeartbeatIn, hall: HallDep, who: TerminalRole, terminal_id: str = TerminalId) -> TerminalOut:
    for_terminal(who, terminal_id)
    return svc.heartbeat(hall, terminal_id, body)


@router.get("/terminals", response_model=list[TerminalOut])
def list_terminals(hall: HallDep, who: ManagerRole) -> list[TerminalOut]:
    """Every kind (kiosk, counter, display, evaluator), faulty ones first with their faults in words."""
    return svc.terminals(hall)
