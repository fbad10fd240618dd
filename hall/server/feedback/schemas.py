"""Evaluations (好差评), help calls, alerts and follow-ups over the API; ``hall.client`` reads them with these."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from hall.server.core.schemas import CodeText, DbId, FreeText, In, IsoTime, Out


class EvaluationIn(In):
    level: int = Field(ge=1, le=5)
    reasons: list[str] = Field(default_factory=list, max_length=10)
    comment: Annotated[str, FreeText] = Field(default="", max_length=1000)
    ticket_id: DbId | None = None
    submission_code: Annotated[str | None, CodeText] = Field(default=None, max_length=32)
    # The one-time rating code printed on the receipt ("123-ABCDEFGH"): how a kiosk names a ticket.
    rating_code: Annotated[str | None, CodeText] = Field(default=None, max_length=24)
    # Ignored for a ticket (the window that finished it counts); kept for older clients.
    window: int | None = Field(default=None, ge=1, le=9999)
    terminal_id: Annotated[str | None, CodeText] = Field(default=None, max_length=32)
    # A phone the citizen leaves for the call back (差评回访); stored encrypted, shown to a manager on request.
    callback_phone: str | None = Field(default=None, min_length=5, max_length=20,
                                       pattern=r"^\+?[0-9][0-9 -]{3,18}[0-9]$")


class HelpIn(In):
    # technician_pin: wrong technician PINs at a kiosk (its own terminal only; docs/security.md)
    kind: Literal["help", "cannot_do", "technician_pin"] = "help"
    terminal_id: Annotated[str | None, CodeText] = Field(default=None, max_length=32)
    window: int | None = Field(default=None, ge=1, le=9999)
    ticket_id: DbId | None = None
    message: Annotated[str, FreeText] = Field(default="", max_length=500)


class AlertIn(In):
    window: int = Field(ge=1, le=9999)
    message: Annotated[str, FreeText] = Field(default="", max_length=200)


class NoteIn(In):
    note: Annotated[str, FreeText] = Field(default="", max_length=1000)


class StepIn(In):
    """One 差评整改 step: ``stage`` rectifying (整改中), rectified (已整改), revisited (已回访), unfounded (不属实)."""

    stage: str = Field(min_length=1, max_length=16)
    note: Annotated[str, FreeText] = Field(default="", max_length=1000)


class StepOut(Out):
    stage_from: str | None = None
    stage: str
    stage_zh: str = ""
    stage_en: str = ""
    who: str
    at: IsoTime
    note: str = ""


class CallbackPhoneOut(Out):
    """The citizen's call-back phone, in full (the read is audited); ``source``: rating or application."""

    followup_id: int
    phone: str
    source: str


class EvaluationOut(Out):
    id: int
    level: int
    reasons: list[str] = Field(default_factory=list)
    ticket_id: int | None = None
    window: int | None = None
    # The low-rating follow-up a level 1–2 opened for the manager.
    followup_id: int | None = None


class RatingOut(Out):
    """The evaluation behind a low-rating follow-up; ``reason_texts``: ``[zh, en]`` per reason code."""

    level: int
    reasons: list[str] = Field(default_factory=list)
    reason_texts: list[list[str]] = Field(default_factory=list)
    comment: str = ""
    window: int | None = None
    # Who served it, the item and the case (registration code), when known.
    clerk: str | None = None
    item_code: str | None = None
    case_code: str | None = None


class FollowUpOut(Out):
    """Help call, 办不成事, emergency alert or low rating: what the manager must see and close."""

    id: int
    kind: str
    status: str
    window: int | None = None
    terminal_id: str | None = None
    ticket_id: int | None = None
    evaluation_id: int | None = None
    ticket_number: str | None = None
    message: str = ""
    note: str = ""
    created_at: IsoTime | None = None
    acknowledged_at: IsoTime | None = None
    closed_at: IsoTime | None = None
    rating: RatingOut | None = None
    # 差评整改 (low ratings): the stage, the deadline (5 working days, holiday calendar), overdue, the steps,
    # and what was rated: clerk, service item, application (case) code; has_contact: a call-back phone exists.
    stage: str | None = None
    stage_zh: str | None = None
    stage_en: str | None = None
    due_at: IsoTime | None = None
    overdue: bool = False
    steps: list[StepOut] = Field(default_factory=list)
    clerk: str | None = None
    item_code: str | None = None
    case_code: str | None = None
    has_contact: bool = False


class LedgerRowOut(Out):
    """One line of the 整改台账 (``GET /followups/ledger``): the rating, what it was about, and each stage's
    who / when / note (核实 = the step out of 待核实; 整改 = to 已整改; 回访 = to 已回访). Never a phone."""

    id: int
    rated_at: IsoTime
    window: int | None = None
    clerk: str | None = None
    ticket_number: str | None = None
    item_code: str | None = None
    item_name: str | None = None
    case_code: str | None = None
    level: int | None = None
    level_zh: str = ""
    reasons_zh: str = ""
    comment: str = ""
    stage: str | None = None
    stage_zh: str = ""
    due_at: IsoTime | None = None
    overdue: bool = False
    closed_at: IsoTime | None = None
    steps: list[StepOut] = Field(default_factory=list)
