"""Windows (counters) over the API; the ``window.changed`` event carries the same ``WindowOut``."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator

from hall.server.core.schemas import FreeText, In, IsoTime, Out


class CallNumberIn(In):
    number: str = Field(pattern=r"^([A-Z0-9]{1,8}-)?[A-Za-z][0-9]{3,4}$")


class PauseIn(In):
    reason: Annotated[str, FreeText] = Field(min_length=1, max_length=128)


class OpenWindowIn(In):
    clerk: str = Field(default="", max_length=64)


class WindowIn(In):
    name: Annotated[str, FreeText] = Field(default="", max_length=64)
    categories: list[str] = Field(default_factory=list, max_length=26)
    cannot_do_desk: bool = False
    # Category weights for a window serving several lines (default 1 each); see docs/queue-policy.md.
    weights: dict[str, float] | None = None

    @field_validator("categories")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        if any(not re.fullmatch(r"[A-Z]", c) for c in value):
            raise ValueError("categories are single letters A-Z")
        return value

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is not None and any(not re.fullmatch(r"[A-Z]", k) or not 0 < w <= 100 for k, w in value.items()):
            raise ValueError("weights map category letters to numbers in (0, 100]")
        return value


class WindowFacts(Out):
    """What every view of a window shows (the windows route, the dashboard's panel)."""

    number: int
    name: str = ""
    categories: list[str] = Field(default_factory=list)
    status: str
    pause_reason: str = ""
    clerk: str = ""
    updated_at: IsoTime | None = None
    served_today: int = 0
    avg_handling_s: int | None = None
    # Is the counter program registered for this window beating? None: no counter registered for it.
    # False shows the window as 离线 (offline) whatever its status says (issue 15, item 4).
    counter_online: bool | None = None


class WindowOut(WindowFacts):
    current_ticket_id: int | None = None
    cannot_do_desk: bool = False
    weights: dict[str, float] = Field(default_factory=dict)
