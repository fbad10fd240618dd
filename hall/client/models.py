"""Response models (pydantic). Unknown fields are ignored so an older client survives a newer server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Category(_Model):
    code: str
    name: str
    name_en: str = ""
    sla_minutes: int | None = None
    waiting: int = 0
    estimated_wait_s: int = 0
    longest_wait_s: int = 0


class Ticket(_Model):
    id: int
    number: str
    category: str
    status: str
    waiting_ahead: int | None = None
    estimated_wait_s: int | None = None
    issued_at: datetime
    source: str | None = None
    priority: str | None = None
    window: int | None = None
    call_count: int = 0
    public_url: str | None = None
    id_masked: str | None = None
    offline_number: str | None = None
    appointment_id: int | None = None
    submission_id: int | None = None


class Window(_Model):
    number: int
    name: str = ""
    categories: list[str] = []
    status: str
    pause_reason: str = ""
    clerk: str = ""
    current_ticket_id: int | None = None
    cannot_do_desk: bool = False
    weights: dict[str, float] = {}


class Explanation(_Model):
    id: int
    number: str
    status: str
    position: int | None
    waiting_ahead: int
    text_zh: str
    text_en: str
    ahead_by_reason: list[dict[str, Any]] = []
    # The call order's own words (hall.server.domain.queue_explain): lane, people ahead per lane,
    # reasons (code, zh, en), the numbers called before this one, the mode.
    lane: str | None = None
    ahead_by_lane: dict[str, int] = {}
    reasons: list[dict[str, str]] = []
    next_numbers: list[str] = []
    mode: str = ""


class ServiceItem(_Model):
    code: str
    name: str
    name_en: str = ""
    category: str
    materials: list[dict[str, Any]] = []
    legal_days: int = 0
    promised_days: int = 0
    commitment_allowed: bool = False


class Submission(_Model):
    id: int
    code: str
    local_code: str | None = None
    item_code: str
    status: str
    applicant_id_masked: str
    missing: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    materials: list[dict[str, Any]] = []
    legal_due: str | None = None
    promised_due: str | None = None


class Appointment(_Model):
    id: int
    code: str
    category: str
    status: str
    slot_start: datetime
    slot_end: datetime
    ticket_id: int | None = None


class Evaluation(_Model):
    id: int
    level: int
    followup_id: int | None = None


class FollowUp(_Model):
    id: int
    kind: str
    status: str
    window: int | None = None
    message: str = ""


class License(_Model):
    type: str
    name: str
    issuer: str = ""
    license_no: str = ""
    valid_until: str = ""
