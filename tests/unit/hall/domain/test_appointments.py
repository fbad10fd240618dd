"""Booking codes, slots and the check-in decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hall.server.domain import appointments as ap
from hall.server.domain.catalogue import OpeningHours
from hall.server.domain.errors import CategoryFull, CheckInRefused, InvalidCode, InvalidInput
from hall.server.domain.hallday import HALL_TZ

R = ap.CheckInReason


def sh(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 3, d, hh, mm, tzinfo=HALL_TZ).astimezone(UTC)


APPT = ap.Appointment(id=1, booking_code="X", category="A", slot_start=sh(2, 9), slot_end=sh(2, 9, 30),
                      id_hash="h" * 64)


def test_booking_codes() -> None:
    code = ap.new_booking_code()
    assert len(code) == 9 and ap.parse_booking_code(f" {code[:4].lower()}-{code[4:]} ") == code
    with pytest.raises(InvalidCode):
        ap.parse_booking_code(code[:-1] + ("0" if code[-1] != "0" else "1"))
    with pytest.raises(InvalidCode):
        ap.parse_booking_code(code[:-2])


def test_id_hash_out_of_repr() -> None:
    assert "hhhh" not in repr(APPT)


def test_slots_from_opening_hours() -> None:
    hours = OpeningHours.on_days(range(5), [("09:00", "12:00"), ("13:30", "17:00")])
    slots = ap.day_slots("A", date(2026, 3, 2), hours, minutes=30, capacity=5)
    assert len(slots) == 6 + 7
    assert slots[0].label() == "2026-03-02 09:00–09:30" and slots[6].label() == "2026-03-02 13:30–14:00"
    assert ap.day_slots("A", date(2026, 3, 7), hours) == []  # Saturday
    assert len(ap.day_slots("A", date(2026, 3, 7), OpeningHours.always(), minutes=60)) == 8
    with pytest.raises(InvalidInput):
        ap.day_slots("A", date(2026, 3, 2), hours, minutes=0)


def test_bookable() -> None:
    slot = ap.Slot("A", sh(2, 9), sh(2, 9, 30), capacity=2)
    ap.check_bookable(slot, booked=1, now=sh(1, 20))
    with pytest.raises(CategoryFull):
        ap.check_bookable(slot, booked=2, now=sh(1, 20))
    with pytest.raises(InvalidInput):
        ap.check_bookable(slot, booked=0, now=sh(2, 9))
    with pytest.raises(InvalidInput):
        ap.Slot("A", sh(2, 9), sh(2, 9), capacity=1)


@pytest.mark.parametrize(
    ("now", "reason"),
    [(sh(2, 8, 30), None), (sh(2, 9, 40), None), (sh(2, 9, 15), None), (sh(2, 8, 29), R.TOO_EARLY),
     (sh(2, 9, 41), R.TOO_LATE), (sh(1, 9), R.WRONG_DAY), (sh(3, 9), R.WRONG_DAY)],
)
def test_check_in_window(now: datetime, reason: ap.CheckInReason | None) -> None:
    decision = ap.decide_check_in(APPT, now)
    assert decision.ok is (reason is None) and decision.reason is reason


def test_too_early_says_when_to_come_back() -> None:
    d = ap.decide_check_in(APPT, sh(2, 7, 50))
    assert d.come_back_at == sh(2, 8, 30)
    assert "08:30" in d.message_zh and "2026-03-02 09:00–09:30" in d.message_en
    with pytest.raises(CheckInRefused) as info:
        d.raise_if_refused()
    assert info.value.params["reason"] == "too_early" and info.value.message_zh == d.message_zh
    assert ap.decide_check_in(APPT, sh(1, 9)).come_back_at == sh(2, 8, 30)


def test_configurable_window_and_states() -> None:
    wide = ap.CheckInWindow(early_minutes=60, late_minutes=0)
    assert ap.decide_check_in(APPT, sh(2, 8, 0), window=wide).ok
    assert ap.decide_check_in(APPT, sh(2, 9, 31), window=wide).reason is R.TOO_LATE
    done = ap.Appointment(**{**APPT.__dict__, "status": "checked_in"})
    assert ap.decide_check_in(done, sh(2, 9)).reason is R.ALREADY_CHECKED_IN
    gone = ap.Appointment(**{**APPT.__dict__, "status": "cancelled"})
    assert ap.decide_check_in(gone, sh(2, 9)).reason is R.CANCELLED
    paused = ap.decide_check_in(APPT, sh(2, 9), paused_until=sh(2, 9) + timedelta(days=30))
    assert paused.reason is R.BLACKLISTED and "2026-04-01" in paused.message_zh
    ap.decide_check_in(APPT, sh(2, 9), paused_until=sh(1, 9)).raise_if_refused()


def test_missed() -> None:
    assert not ap.is_missed(APPT, sh(2, 9, 40))
    assert ap.is_missed(APPT, sh(2, 9, 41))
    assert not ap.is_missed(ap.Appointment(**{**APPT.__dict__, "status": "checked_in"}), sh(3, 9))
