"""Terminals: registration and heartbeats (device statuses, outbox backlog); offline when a heartbeat is late."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from hall.server.auth.deps import HallDep, ManagerRole, TerminalRole
from hall.server.core.context import HallContext
from hall.server.core.http_errors import ApiError
from hall.server.core.schemas import ERRORS
from hall.server.terminals.models import Terminal

router = APIRouter(tags=["terminals"], responses=ERRORS)
TerminalId = Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(default="", max_length=64)
    kind: Literal["kiosk", "display", "counter", "evaluator"] = "kiosk"
    location: str = Field(default="", max_length=128)
    version: str = Field(default="", max_length=32)


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(max_length=32)
    driver: str = Field(default="", max_length=64)
    health: Literal["ok", "degraded", "offline"]
    code: str = Field(default="", max_length=64)
    message_zh: str = Field(default="", max_length=200)
    message_en: str = Field(default="", max_length=200)


class HeartbeatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    devices: list[DeviceIn] = Field(default_factory=list, max_length=32)
    outbox_backlog: int = Field(default=0, ge=0)
    oldest_pending_s: float = Field(default=0.0, ge=0)
    version: str = Field(default="", max_length=32)


def view(hall: HallContext, t: Terminal, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    online = t.last_seen is not None and (now - t.last_seen).total_seconds() <= hall.options.terminal_offline_after_s
    return {"id": t.id, "name": t.name, "kind": t.kind, "location": t.location, "version": t.version,
            "online": online, "last_seen": t.last_seen.isoformat() if t.last_seen else None,
            "devices": t.devices, "outbox_backlog": t.outbox_backlog, "oldest_pending_s": t.oldest_pending_s}


@router.post("/terminals/register")
def register(body: RegisterIn, hall: HallDep, who: TerminalRole) -> dict[str, Any]:
    with hall.unit() as tx:
        t = tx.session.get(Terminal, body.id) or Terminal(id=body.id, registered_at=datetime.now(UTC))
        t.name, t.kind, t.location, t.version = body.name, body.kind, body.location, body.version
        t.last_seen = datetime.now(UTC)
        tx.session.add(t)
        tx.session.flush()
        out = view(hall, t)
        tx.emit("terminal.changed", out)
        return out


@router.post("/terminals/{terminal_id}/heartbeat")
def heartbeat(body: HeartbeatIn, hall: HallDep, who: TerminalRole, terminal_id: str = TerminalId) -> dict[str, Any]:
    with hall.unit() as tx:
        t = tx.session.get(Terminal, terminal_id)
        if t is None:
            raise ApiError(404, "terminal.not_registered", "register the terminal first")
        now = datetime.now(UTC)
        was = view(hall, t, now)
        t.last_seen, t.devices = now, [d.model_dump() for d in body.devices]
        t.outbox_backlog, t.oldest_pending_s = body.outbox_backlog, body.oldest_pending_s
        t.version = body.version or t.version
        out = view(hall, t, now)
        # Only changes go out as events; a steady heartbeat would flood every dashboard.
        if (was["online"], was["devices"], was["outbox_backlog"]) != (True, out["devices"], out["outbox_backlog"]):
            tx.emit("terminal.changed", out)
        return out


@router.get("/terminals")
def list_terminals(hall: HallDep, who: ManagerRole) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    with hall.db.read() as s:
        return [view(hall, t, now) for t in s.scalars(select(Terminal).order_by(Terminal.id))]
