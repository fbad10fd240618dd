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
    window: int | None = Field(default=None, ge=1, le=9999)
    terminal_id: Annotated[str | None, CodeText] = Field(default=None, max_length=32)


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


class EvaluationOut(Out):
    id: int
    level: int
    reasons: list[str] = Field(default_factory=list)
    # The low-rating follow-up a level 1–2 opened for the manager.
    followup_id: int | None = None


class RatingOut(Out):
    """The evaluation behind a low-rating follow-up; ``reason_texts``: ``[zh, en]`` per reason code."""

    level: int
    reasons: list[str] = Field(default_factory=list)
    reason_texts: list[list[str]] = Field(default_factory=list)
    comment: str = ""
    window: int | None = None


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
