"""Request and response bodies of the API (pydantic). Personal fields stay out of ``repr``."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_ID = 2_147_483_647
# Row ids: bounded so a huge number is a 422, not an integer overflow inside the database driver.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]

# "fallback" is the kiosk's word for a 办不成事 ticket; it is stored as "cannot_do".
Priority = Literal["elderly", "disabled", "pregnant", "veteran", "vip", "cannot_do", "fallback"]
IdNumber = Field(default=None, min_length=15, max_length=18, pattern=r"^[0-9]{15}([0-9]{2}[0-9Xx])?$",
                 repr=False)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NotifyIn(_In):
    """Follow a ticket by SMS (a mainland mobile number) or WeChat (an openid)."""

    channel: Literal["sms", "wechat"]
    to: str = Field(min_length=6, max_length=64, repr=False)

    @model_validator(mode="after")
    def _recipient(self) -> NotifyIn:
        pattern = r"1[3-9][0-9]{9}" if self.channel == "sms" else r"[A-Za-z0-9_-]{6,64}"
        if not re.fullmatch(pattern, self.to):
            raise ValueError("to: a mobile number (sms) or an openid (wechat)")
        return self


class TicketIn(_In):
    category: str = Field(pattern=r"^[A-Z]$", examples=["A"])
    id_number: str | None = IdNumber
    priority: Priority | None = None
    source: Literal["kiosk", "counter", "online", "offline"] = "kiosk"
    # Offline tickets (source="offline"): the number the terminal printed, its original issue time.
    offline_number: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,8}-[A-Z][0-9]{3,4}$")
    issued_at: AwareDatetime | None = None
    terminal_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,32}$")
    # Follow the ticket by SMS/WeChat ("3 ahead of you", "your turn").
    notify: NotifyIn | None = None


class TicketOut(BaseModel):
    id: int
    number: str
    category: str
    status: str
    waiting_ahead: int | None
    estimated_wait_s: int | None
    issued_at: str
    source: str | None = None
    priority: str | None = None
    hall_day: str | None = None
    public_url: str | None = None


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class CallNumberIn(_In):
    number: str = Field(pattern=r"^([A-Z0-9]{1,8}-)?[A-Za-z][0-9]{3,4}$")


class TransferIn(_In):
    category: str | None = Field(default=None, pattern=r"^[A-Z]$")
    window: int | None = Field(default=None, ge=1, le=9999)


class PauseIn(_In):
    reason: str = Field(min_length=1, max_length=128)


class WindowIn(_In):
    name: str = Field(default="", max_length=64)
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


class OpenWindowIn(_In):
    clerk: str = Field(default="", max_length=64)


class CategoryIn(_In):
    code: str = Field(pattern=r"^[A-Z]$")
    name_zh: str = Field(min_length=1, max_length=64)
    name_en: str = Field(default="", max_length=128)
    sla_minutes: int = Field(default=30, ge=1, le=1440)
    daily_cap: int | None = Field(default=None, ge=1, le=9999)
    opens: str = Field(default="00:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    closes: str = Field(default="24:00", pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
    at_close: Literal["close", "carry_over"] = "close"
    sort: int = Field(default=0, ge=0, le=1000)


ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422, 429)}
