"""Service categories (queue lines) and service items (政务服务事项) with their guide fields.

A category is what a citizen picks at the ticket machine (``A`` 社保业务…): it has an SLA
target wait, an optional daily cap, and opening hours per weekday (or always open, as in the
demo hall). A service item follows the national guide (办事指南): code, conditions, materials
(original/copy, count, formats, 容缺 waivable, obtainable from the e-license library), legal and
promised time limits in working days (the promised one may not exceed the legal one), fees,
location, hours and the online address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from .errors import CategoryFull, Closed, InvalidInput
from .hallday import HALL_TZ, check_category_code, ensure_utc

Interval = tuple[time, time]
_SCAN_DAYS = 31  # next_opening looks this far ahead (covers the Spring Festival closure)


def _clock(value: time | str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError) as e:
        raise InvalidInput(field=f"opening time {value!r}") from e


@dataclass(frozen=True)
class OpeningHours:
    """Local opening intervals per weekday (0 = Monday); ``always_open`` ignores the rest."""

    weekly: Mapping[int, tuple[Interval, ...]] = field(default_factory=dict)
    always_open: bool = False
    closed_dates: frozenset[date] = frozenset()
    tz: ZoneInfo = HALL_TZ

    def __post_init__(self) -> None:
        for day, intervals in self.weekly.items():
            if day not in range(7):
                raise InvalidInput(field="opening hours weekday")
            for start, end in intervals:
                if not start < end:
                    raise InvalidInput(field="opening hours interval (start < end)")

    @classmethod
    def always(cls) -> OpeningHours:
        return cls(always_open=True)

    @classmethod
    def on_days(cls, days: Iterable[int], intervals: Iterable[tuple[time | str, time | str]], *,
                closed_dates: Iterable[date] = ()) -> OpeningHours:
        """The same intervals on each of ``days``; e.g. Mon–Fri 09:00–12:00 and 13:30–17:00."""
        spans = tuple((_clock(a), _clock(b)) for a, b in intervals)
        return cls(weekly=dict.fromkeys(days, spans), closed_dates=frozenset(closed_dates))

    def is_open(self, at: datetime) -> bool:
        if self.always_open:
            return True
        t = ensure_utc(at).astimezone(self.tz)
        if t.date() in self.closed_dates:
            return False
        return any(a <= t.time() < b for a, b in self.weekly.get(t.weekday(), ()))

    def next_opening(self, at: datetime) -> datetime | None:
        """``at`` itself when open, else the next opening instant (UTC); ``None`` if none soon."""
        if self.is_open(at):
            return ensure_utc(at)
        local = ensure_utc(at).astimezone(self.tz)
        for offset in range(_SCAN_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            if day in self.closed_dates:
                continue
            for start, _ in sorted(self.weekly.get(day.weekday(), ())):
                candidate = datetime.combine(day, start, tzinfo=self.tz)
                if candidate > local:
                    return candidate.astimezone(UTC)
        return None


def cap_reached(daily_cap: int | None, issued_today: int) -> bool:
    """The day's cap is reached (cancelled numbers count: they were given out). A function, not only a
    method: a line is listed as full even when its stored hours are ones the domain would refuse."""
    return daily_cap is not None and issued_today >= daily_cap


@dataclass(frozen=True)
class Category:
    """A queue line. ``daily_cap=None`` means no cap."""

    code: str
    name_zh: str
    name_en: str
    sla_minutes: int = 30
    daily_cap: int | None = None
    hours: OpeningHours = field(default_factory=OpeningHours.always)

    def __post_init__(self) -> None:
        check_category_code(self.code)
        if not self.name_zh.strip() or not self.name_en.strip():
            raise InvalidInput(field="category name")
        if self.sla_minutes < 1 or (self.daily_cap is not None and self.daily_cap < 1):
            raise InvalidInput(field="category sla_minutes/daily_cap")

    def is_open(self, at: datetime) -> bool:
        return self.hours.is_open(at)

    def next_opening(self, at: datetime) -> datetime | None:
        return self.hours.next_opening(at)

    def check_can_issue(self, at: datetime, *, issued_today: int) -> None:
        """Raises :class:`Closed` (with the next opening, local time) or :class:`CategoryFull`."""
        if not self.is_open(at):
            nxt = self.next_opening(at)
            shown = nxt.astimezone(self.hours.tz).strftime("%Y-%m-%d %H:%M") if nxt else "—"
            raise Closed(category=self.code, next_opening=shown)
        if cap_reached(self.daily_cap, issued_today):
            raise CategoryFull(category=self.code, cap=self.daily_cap)


class MaterialForm(StrEnum):
    ORIGINAL = "original"  # 原件
    COPY = "copy"  # 复印件
    ORIGINAL_AND_COPY = "original_and_copy"
    ELECTRONIC = "electronic"


@dataclass(frozen=True)
class Material:
    """One required material (申请材料) of a service item."""

    code: str
    name: str
    form: MaterialForm = MaterialForm.ORIGINAL
    count: int = 1
    formats: tuple[str, ...] = ("pdf", "jpg", "png")
    waivable: bool = False  # 容缺: may follow later under a signed commitment
    e_license_type: str | None = None  # obtainable from the e-license library (电子证照)
    required: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "form", MaterialForm(self.form))
        except ValueError as e:
            raise InvalidInput(field=f"material {self.code}: form") from e
        object.__setattr__(self, "formats", tuple(f.lower() for f in self.formats))
        if not self.code or not self.name or self.count < 1:
            raise InvalidInput(field="material code/name/count")


@dataclass(frozen=True)
class ServiceItem:
    """A 政务服务事项 as shown in its guide. Time limits are in working days."""

    code: str
    name: str
    category: str
    item_type: str = "公共服务"
    legal_basis: str = ""
    conditions: tuple[str, ...] = ()
    materials: tuple[Material, ...] = ()
    legal_limit_days: int | None = None
    promised_limit_days: int | None = None
    fee_yuan: Decimal = Decimal(0)
    fee_basis: str = ""
    location: str = ""
    hours_text: str = ""
    online_url: str = ""
    department: str = ""

    def __post_init__(self) -> None:
        check_category_code(self.category)
        if not self.code.strip() or not self.name.strip():
            raise InvalidInput(field="service item code/name")
        codes = [m.code for m in self.materials]
        if len(codes) != len(set(codes)):
            raise InvalidInput(field=f"service item {self.code}: duplicate material codes")
        for name in ("legal_limit_days", "promised_limit_days"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, int) or v < 0):
                raise InvalidInput(field=f"service item {self.code}: {name}")
        if (self.legal_limit_days is not None and self.promised_limit_days is not None
                and self.promised_limit_days > self.legal_limit_days):
            raise InvalidInput(field=f"service item {self.code}: promised limit exceeds the legal limit")
        if self.fee_yuan < 0:
            raise InvalidInput(field=f"service item {self.code}: fee")

    @property
    def free(self) -> bool:
        return self.fee_yuan == 0

    @property
    def accepts_waivers(self) -> bool:
        """容缺受理 applies to this item when at least one material is waivable."""
        return any(m.waivable for m in self.materials)

    def material(self, code: str) -> Material:
        for m in self.materials:
            if m.code == code:
                return m
        raise InvalidInput(field=f"material {code}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ServiceItem:
        """Build from seed data (JSON/TOML); wrong shapes raise :class:`InvalidInput`."""
        try:
            d = dict(data)
            d["materials"] = tuple(Material(**{**m, "formats": tuple(m.get("formats", ("pdf", "jpg", "png")))})
                                   for m in d.get("materials", ()))
            d["conditions"] = tuple(d.get("conditions", ()))
            d["fee_yuan"] = Decimal(str(d.get("fee_yuan", 0)))
            return cls(**d)
        except (TypeError, ValueError, InvalidOperation) as e:
            raise InvalidInput(field=f"service item {data.get('code', '?')}: {type(e).__name__}") from e
