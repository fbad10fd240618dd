"""Tickets over the API: the request bodies and the one shape of a ticket (``TicketOut``).

Every answer that carries a ticket — issue, read, call, transfer, the batch writer's answer, an
idempotent replay — is a ``TicketOut``, and ``hall.client`` reads tickets with the same class.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from hall.server.core.schemas import CodeText, In, IsoTime, Out

# "fallback" is the kiosk's word for a 办不成事 ticket; it is stored as "cannot_do".
Priority = Literal["elderly", "disabled", "pregnant", "veteran", "vip", "cannot_do", "fallback"]
ID_NUMBER_PATTERN = r"^[0-9]{15}([0-9]{2}[0-9Xx])?$"
TERMINAL_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"


class NotifyIn(In):
    """Follow a ticket by SMS (a mainland mobile number) or WeChat (an openid)."""

    channel: Literal["sms", "wechat"]
    to: str = Field(min_length=6, max_length=64, repr=False)

    @model_validator(mode="after")
    def _recipient(self) -> NotifyIn:
        pattern = r"1[3-9][0-9]{9}" if self.channel == "sms" else r"[A-Za-z0-9_-]{6,64}"
        if not re.fullmatch(pattern, self.to):
            raise ValueError("to: a mobile number (sms) or an openid (wechat)")
        return self


class TicketIn(In):
    category: str = Field(pattern=r"^[A-Z]$", examples=["A"])
    id_number: str | None = Field(default=None, min_length=15, max_length=18, pattern=ID_NUMBER_PATTERN, repr=False)
    priority: Priority | None = None
    source: Literal["kiosk", "counter", "online", "offline"] = "kiosk"
    # Offline tickets (source="offline"): the number the terminal printed, its original issue time.
    offline_number: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,8}-[A-Z][0-9]{3,4}$")
    issued_at: AwareDatetime | None = None
    terminal_id: Annotated[str | None, CodeText] = Field(default=None, pattern=TERMINAL_PATTERN)
    # The terminal's numbering epoch: a terminal whose outbox was lost or set aside starts a new one, so
    # its numbers never collide with those it printed before (part of an offline number's uniqueness).
    epoch: int = Field(default=0, ge=0, le=1_000_000)
    # Follow the ticket by SMS/WeChat ("3 ahead of you", "your turn").
    notify: NotifyIn | None = None


class TransferIn(In):
    category: str | None = Field(default=None, pattern=r"^[A-Z]$")
    window: int | None = Field(default=None, ge=1, le=9999)
    force: bool = False  # a manager sends a ticket to a window that is not open (nobody stranded otherwise)


class TicketOut(Out):
    """A ticket as every API answer and event reader sees it: no personal data but the masked ID."""

    id: int
    number: str
    category: str
    status: str
    source: str | None = None
    priority: str | None = None
    hall_day: str | None = None
    window: int | None = None
    waiting_ahead: int | None = None
    estimated_wait_s: int | None = None
    issued_at: IsoTime
    called_at: IsoTime | None = None  # the first call
    recalled_at: IsoTime | None = None  # the latest call after the first (a recall, or a call after transfer)
    call_count: int = 0
    offline_number: str | None = None
    terminal_id: str | None = None
    id_masked: str | None = None
    appointment_id: int | None = None
    submission_id: int | None = None
    transferred_from: str | None = None
    target_window: int | None = None
    public_url: str | None = None
    offline_issued_at: IsoTime | None = None
    # The one-time rating code printed on the receipt (issue 15 item 1); the issuing kiosk and staff read it.
    rating_code: str | None = None
    # Offline tickets only: how the server placed the ticket in time (docs/api.md, "Offline tickets").
    issue_time_basis: str | None = None
    terminal_clock_offset_s: float | None = None


class FollowOut(Out):
    ticket_id: int
    number: str
    channel: str
    following: bool


class ExplanationOut(Out):
    """Why a ticket is where it is: the call order's own words (``hall.server.domain.queue_explain``)."""

    id: int
    number: str
    category: str | None = None
    status: str
    priority: str | None = None
    position: int | None
    waiting_ahead: int
    estimated_wait_s: int = 0
    text_zh: str
    text_en: str
    ahead_by_reason: list[dict[str, Any]] = Field(default_factory=list)
    lane: str | None = None
    ahead_by_lane: dict[str, int] = Field(default_factory=dict)
    reasons: list[dict[str, str]] = Field(default_factory=list)
    next_numbers: list[str] = Field(default_factory=list)
    mode: str = ""
    policy: str = ""


class NoShowOut(Out):
    """A no-show that staff may still reinstate (until ``reinstate_until``)."""

    id: int
    number: str
    category: str
    window: int | None = None
    no_show_at: IsoTime
    reinstate_until: IsoTime
