"""Lines (categories) and service items (办事指南) over the API; ``hall.client`` reads them with these."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from hall.server.core.schemas import In, IsoTime, Out


class CategoryIn(In):
    code: str = Field(pattern=r"^[A-Z]$")
    name_zh: str = Field(min_length=1, max_length=64)
    name_en: str = Field(default="", max_length=128)
    sla_minutes: int = Field(default=30, ge=1, le=1440)
    daily_cap: int | None = Field(default=None, ge=1, le=9999)
    opens: str = Field(default="00:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    closes: str = Field(default="24:00", pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
    at_close: Literal["close", "carry_over"] = "close"
    sort: int = Field(default=0, ge=0, le=1000)


class CategoryOut(Out):
    """A line; in ``GET /categories`` with today's figures (waiting, waits, numbers given out, full)."""

    code: str
    name: str
    name_zh: str = ""
    name_en: str = ""
    sla_minutes: int | None = None
    daily_cap: int | None = None
    opens: str = "00:00"
    closes: str = "24:00"
    at_close: str = "close"
    active: bool = True
    waiting: int = 0
    longest_wait_s: int = 0
    estimated_wait_s: int = 0
    issued_today: int = 0
    full: bool = False


class ServiceItemOut(Out):
    code: str
    name: str
    name_zh: str = ""
    name_en: str = ""
    category: str
    department: str = ""
    type: str = ""
    legal_basis: str = ""
    conditions: str = ""
    materials: list[dict[str, Any]] = Field(default_factory=list)
    legal_days: int = 0
    promised_days: int = 0
    fees: str = ""
    location: str = ""
    hours: str = ""
    online_url: str = ""
    commitment_allowed: bool = False
    # The rest of the national 实施清单 (imported with ``hall admin import-catalogue``).
    consult_phone: str = ""
    supervise_phone: str = ""
    process: str = ""
    result: str = ""
    online: bool = False
    # The form definition (docs/forms.md); absent = the standard form (hall.forms.STANDARD_FORM).
    form: dict[str, Any] | None = None
    version: int = 1
    updated_at: IsoTime | None = None


class ItemVersionOut(Out):
    """A version an import replaced: the item as it was from ``valid_from`` until ``superseded_at``."""

    version: int
    valid_from: IsoTime | None = None
    superseded_at: IsoTime
    import_id: int | None = None
    item: ServiceItemOut
