"""Terminals over the API: registration, heartbeats (device statuses, outbox backlog) and their state."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from hall.server.core.schemas import MAX_ID, CodeText, FreeText, In, IsoTime, Out

TERMINAL_ID_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"


class RegisterIn(In):
    id: Annotated[str, CodeText] = Field(pattern=TERMINAL_ID_PATTERN)
    name: Annotated[str, FreeText] = Field(default="", max_length=64)
    kind: Literal["kiosk", "display", "counter", "evaluator"] = "kiosk"
    # The window a counter or evaluation pad serves (taken from its token when the token is bound).
    window: int | None = Field(default=None, ge=1, le=9999)
    location: Annotated[str, FreeText] = Field(default="", max_length=128)
    version: Annotated[str, CodeText] = Field(default="", max_length=32)
    # The prefix of the offline numbers it prints ("K1" of "K1-A005"): one terminal per prefix in the hall.
    offline_prefix: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,4}$")


class DeviceIn(In):
    """A device's status as the terminal's driver reports it (``devices.status.DeviceStatus``)."""

    kind: Annotated[str, CodeText] = Field(max_length=32)
    driver: Annotated[str, CodeText] = Field(default="", max_length=64)
    health: Literal["ok", "degraded", "offline"]
    code: Annotated[str, CodeText] = Field(default="", max_length=64)
    message_zh: Annotated[str, FreeText] = Field(default="", max_length=200)
    message_en: Annotated[str, FreeText] = Field(default="", max_length=200)


class HeartbeatIn(In):
    devices: list[DeviceIn] = Field(default_factory=list, max_length=32)
    outbox_backlog: int = Field(default=0, ge=0, le=MAX_ID)
    oldest_pending_s: float = Field(default=0.0, ge=0, le=MAX_ID)
    version: Annotated[str, CodeText] = Field(default="", max_length=32)


class TerminalOut(Out):
    """``online`` is false once the last heartbeat is older than ``terminal_offline_after_s``."""

    id: str
    name: str = ""
    kind: str
    window: int | None = None
    location: str = ""
    version: str = ""
    offline_prefix: str | None = None
    online: bool
    last_seen: IsoTime | None = None
    devices: list[dict[str, Any]] = Field(default_factory=list)
    outbox_backlog: int = 0
    oldest_pending_s: float = 0.0
    # Its faults in words (缺纸, 读卡器离线, 扬声器故障; 终端离线 when its heartbeat is late), zh and en.
    faults: list[str] = Field(default_factory=list)
    faults_en: list[str] = Field(default_factory=list)
