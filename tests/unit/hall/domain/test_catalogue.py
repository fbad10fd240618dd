"""Categories, opening hours and service items."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from hall.server.domain.catalogue import Category, Material, MaterialForm, OpeningHours, ServiceItem
from hall.server.domain.errors import CategoryFull, Closed, InvalidInput
from hall.server.domain.hallday import HALL_TZ

# Mon–Fri 09:00–12:00 and 13:30–17:00, Saturday morning; closed on 1 May.
HOURS = OpeningHours.on_days(range(5), [("09:00", "12:00"), ("13:30", "17:00")], closed_dates=[date(2026, 5, 1)])
HOURS = OpeningHours(weekly={**HOURS.weekly, 5: ((time(9), time(12)),)}, closed_dates=HOURS.closed_dates)
CAT = Category("A", "社保业务", "Social insurance", sla_minutes=20, daily_cap=2, hours=HOURS)


def sh(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    """A Shanghai wall-clock time as UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=HALL_TZ).astimezone(UTC)


@pytest.mark.parametrize(
    ("at", "is_open"),
    [(sh(2026, 3, 2, 9), True), (sh(2026, 3, 2, 8, 59), False), (sh(2026, 3, 2, 12), False),
     (sh(2026, 3, 2, 13, 30), True), (sh(2026, 3, 2, 17), False), (sh(2026, 3, 7, 10), True),
     (sh(2026, 3, 8, 10), False), (sh(2026, 5, 1, 10), False)],
)
def test_is_open(at: datetime, is_open: bool) -> None:
    assert CAT.is_open(at) is is_open


def test_next_opening() -> None:
    assert CAT.next_opening(sh(2026, 3, 2, 12, 30)) == sh(2026, 3, 2, 13, 30)
    assert CAT.next_opening(sh(2026, 3, 2, 10)) == sh(2026, 3, 2, 10)
    assert CAT.next_opening(sh(2026, 3, 7, 12)) == sh(2026, 3, 9, 9)  # Saturday noon → Monday
    assert CAT.next_opening(sh(2026, 4, 30, 18)) == sh(2026, 5, 2, 9)  # skips the holiday
    assert OpeningHours().next_opening(sh(2026, 3, 2, 10)) is None


def test_always_open() -> None:
    always = Category("Z", "综合", "General")
    assert always.is_open(sh(2026, 1, 1, 3)) and always.daily_cap is None
    always.check_can_issue(sh(2026, 1, 1, 3), issued_today=10_000)


def test_issue_checks() -> None:
    CAT.check_can_issue(sh(2026, 3, 2, 9), issued_today=1)
    with pytest.raises(CategoryFull) as full:
        CAT.check_can_issue(sh(2026, 3, 2, 9), issued_today=2)
    assert full.value.code == "category_full" and "2" in full.value.message_zh
    with pytest.raises(Closed) as closed:
        CAT.check_can_issue(sh(2026, 3, 2, 12, 30), issued_today=0)
    assert "2026-03-02 13:30" in closed.value.message_zh


@pytest.mark.parametrize(
    "bad", [{"code": "AA"}, {"name_zh": " "}, {"sla_minutes": 0}, {"daily_cap": 0}],
)
def test_category_validation(bad: dict[str, object]) -> None:
    kw: dict[str, object] = {"code": "A", "name_zh": "社保", "name_en": "SI", **bad}
    with pytest.raises(InvalidInput):
        Category(**kw)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        OpeningHours.on_days([0], [("12:00", "09:00")])
    with pytest.raises(InvalidInput):
        OpeningHours.on_days([0], [("nine", "10:00")])


SEED = {
    "code": "11000000000000000A-001",
    "name": "城镇职工基本养老保险参保登记",
    "category": "A",
    "conditions": ["在本市就业的职工"],
    "materials": [
        {"code": "id", "name": "居民身份证", "form": "original", "e_license_type": "id_card"},
        {"code": "contract", "name": "劳动合同", "form": "copy", "count": 1, "waivable": True, "formats": ["PDF"]},
    ],
    "legal_limit_days": 20,
    "promised_limit_days": 5,
    "fee_yuan": "0",
    "location": "政务服务中心一楼 A 区",
}


def test_service_item_from_seed() -> None:
    item = ServiceItem.from_mapping(SEED)
    assert item.free and item.accepts_waivers
    assert item.material("contract").formats == ("pdf",)
    assert item.material("id").form is MaterialForm.ORIGINAL and item.material("id").e_license_type == "id_card"
    with pytest.raises(InvalidInput):
        item.material("nope")


@pytest.mark.parametrize(
    "bad",
    [{"promised_limit_days": 30}, {"category": "1"}, {"fee_yuan": "-1"}, {"fee_yuan": "abc"}, {"name": ""},
     {"materials": [{"code": "x", "name": "X"}, {"code": "x", "name": "Y"}]},
     {"materials": [{"code": "x", "name": "X", "form": "photo"}]}, {"colour": "red"}],
)
def test_service_item_validation(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        ServiceItem.from_mapping({**SEED, **bad})


def test_material_defaults() -> None:
    m = Material("form", "申请表")
    assert m.count == 1 and not m.waivable and m.required and m.form is MaterialForm.ORIGINAL
    assert ServiceItem("X1", "测试", "B", fee_yuan=Decimal("12.5")).free is False
