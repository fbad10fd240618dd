"""Terminals: registration and heartbeats (device statuses, outbox backlog); offline when a heartbeat is late."""

from __future__ import annotations

from fastapi import APIRouter, Path

from hall.server.auth.deps import BeaterRole, HallDep, ManagerRole
from hall.server.auth.scope import for_terminal, for_window
from hall.server.core.schemas import ERRORS
from hall.server.terminals import service as svc
from hall.server.terminals.errors import OtherKind
from hall.server.terminals.schemas import TERMINAL_ID_PATTERN, HeartbeatIn, RegisterIn, TerminalOut

router = APIRouter(tags=["terminals"], responses=ERRORS)
# Roles whose tokens are not bound to a terminal id: they act only for terminals of their own kind.
_OWN_KIND = frozenset({"display", "evaluator"})
TerminalId = Path(pattern=TERMINAL_ID_PATTERN)


@router.post("/terminals/register", response_model=TerminalOut)
def register(body: RegisterIn, hall: HallDep, who: BeaterRole) -> TerminalOut:
    """Kiosks, counters, displays and evaluation pads register (a display's or pad's token only as its
    own kind, and only a terminal of that kind). Raises OtherTerminal, OtherWindow, OtherKind."""
    for_terminal(who, body.id)
    if who.role in _OWN_KIND:
        if body.kind != who.role:
            raise OtherKind(kind=who.role)
        svc.check_kind(hall, body.id, who.role)
    if who.window is not None:  # a counter's or pad's token registers for its own window only
        for_window(who, body.window if body.window is not None else who.window)
        body = body.model_copy(update={"window": who.window})
    return svc.register(hall, body)


@router.post("/terminals/{terminal_id}/heartbeat", response_model=TerminalOut)
def heartbeat(body: HeartbeatIn, hall: HallDep, who: BeaterRole, terminal_id: str = TerminalId) -> TerminalOut:
    for_terminal(who, terminal_id)
    if who.role in _OWN_KIND:
        svc.check_kind(hall, terminal_id, who.role)
    return svc.heartbeat(hall, terminal_id, body)


@router.get("/terminals", response_model=list[TerminalOut])
def list_terminals(hall: HallDep, who: ManagerRole) -> list[TerminalOut]:
    """Every kind (kiosk, counter, display, evaluator), faulty ones first with their faults in words."""
    return svc.terminals(hall)
