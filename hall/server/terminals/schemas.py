"""Terminals over the API: registration, heartbeats (device statuses, outbox backlog) and their state."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from hall.server.core.schemas import In, IsoTime, Out

TERMINAL_ID_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"


class RegisterIn(In):
    id: str = Field(pattern=TERMINAL_ID_PATTERN)
    name: str = Field(default="", max_length=64)
    kind: Literal["kiosk", "display", "counter", "evaluator"] = "kiosk"
    location: str = Field(default="", max_length=128)
    version: str = Field(default="", max_length=32)
    # The prefix of the offline numbers it prints ("K1" of "K1-A005"): one terminal per prefix in the hall.
    offline_prefix: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,4}$")


class DeviceIn(In):
    """A device's status as the terminal's driver reports it (``devices.status.DeviceStatus``)."""

    kind: str = Field(max_length=32)
    driver: str = Field(default="", max_length=64)
    health: Literal["ok", "degraded", "offline"]
    code: str = Field(default="", max_length=64)
    message_zh: str = Field(default="", max_length=200)
    message_en: str = Field(default="", max_length=200)


class HeartbeatIn(In):
    devices: list[DeviceIn] = Field(default_factory=list, max_length=32)
    outbox_backlog: int = Field(default=0, ge=0)
    oldest_pending_s: float = Field(default=0.0, ge=0)
    version: str = Field(default="", max_length=32)


class TerminalOut(Out):
    """``online`` is false once the last heartbeat is older than ``terminal_offline_after_s``."""

    id: str
    name: str = ""
    kind: str
    location: str = ""
    version: str = ""
    offline_prefix: str | None = None
    online: bool
    last_seen: IsoTime | None = None
    devices: list[dict[str, Any]] = Field(default_factory=list)
    outbox_backlog: int = 0
    oldest_pending_s: float = 0.0
