"""Hall day boundaries, ticket numbers and the closing policy."""

from __future__ import annotations

import os
import time as _time
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import hallday as hd
from hall.server.domain.errors import InvalidInput, InvalidTicketNumber, SequenceExhausted


def test_day_boundary_is_shanghai_midnight() -> None:
    # 15:59:59 UTC is 23:59:59 in Shanghai; one second later is the next hall day.
    assert hd.hall_day(datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert hd.hall_day(datetime(2026, 3, 1, 16, 0, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_other_zones_are_converted() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert hd.hall_day(datetime(2026, 3, 1, 11, 30, tzinfo=new_york)) == date(2026, 3, 2)


def test_server_timezone_does_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    at = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    for tz in ("America/Los_Angeles", "Pacific/Kiritimati", "UTC"):
        monkeypatch.setenv("TZ", tz)
        _time.tzset()
        assert hd.hall_day(at) == date(2026, 3, 2)
        assert hd.day_bounds(date(2026, 3, 2))[0] == datetime(2026, 3, 1, 16, tzinfo=UTC)
    monkeypatch.delenv("TZ")
    _time.tzset()
    assert "TZ" not in os.environ


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInput):
        hd.hall_day(datetime(2026, 3, 1, 12, 0))


def test_bounds_and_local_clock() -> None:
    start, end = hd.day_bounds(date(2026, 11, 22))
    assert start == datetime(2026, 11, 21, 16, tzinfo=UTC)
    assert end - start == timedelta(days=1)
    assert hd.at_local(date(2026, 11, 22), time(9, 0)) == datetime(2026, 11, 22, 1, tzinfo=UTC)


@given(st.datetimes(timezones=st.just(UTC)))
def test_every_instant_falls_inside_its_day(at: datetime) -> None:
    day = hd.hall_day(at)
    start, end = hd.day_bounds(day)
    assert start <= at < end


@pytest.mark.parametrize(
    ("cat", "seq", "text"), [("A", 1, "A001"), ("B", 23, "B023"), ("A", 999, "A999"), ("A", 1000, "A1000")]
)
def test_format_and_parse(cat: str, seq: int, text: str) -> None:
    assert hd.format_ticket_number(cat, seq) == text
    assert hd.parse_ticket_number(text) == hd.TicketNumber(cat, seq)
    assert str(hd.parse_ticket_number(text.lower())) == text


def test_offline_numbers() -> None:
    parsed = hd.parse_ticket_number("K1-A005")
    assert parsed == hd.TicketNumber("A", 5, terminal="K1") and parsed.offline
    assert str(parsed) == "K1-A005"
    assert hd.format_ticket_number("A", 5, terminal="K1") == "K1-A005"


@pytest.mark.parametrize(
    "bad", ["", "A", "A01", "A0001", "A000", "AA001", "1001", "A10000", "K1_A005", "-A005", "TOOLONGID-A005"]
)
def test_malformed_numbers(bad: str) -> None:
    with pytest.raises(InvalidTicketNumber):
        hd.parse_ticket_number(bad)


def test_format_limits() -> None:
    with pytest.raises(SequenceExhausted) as info:
        hd.format_ticket_number("A", 10000)
    assert info.value.code == "sequence_exhausted"
    for cat, seq in (("a", 1), ("AB", 1), ("A", 0)):
        with pytest.raises(InvalidInput):
            hd.format_ticket_number(cat, seq)


@given(st.sampled_from("ABCDEFGHJK"), st.integers(1, hd.MAX_SEQUENCE))
def test_numbers_round_trip(cat: str, seq: int) -> None:
    assert hd.parse_ticket_number(hd.format_ticket_number(cat, seq)) == hd.TicketNumber(cat, seq)


def test_spoken_number() -> None:
    assert hd.spoken_number("A023") == "A零二三"


def _t(id_: int, number: str, status: str = "waiting", day: date = date(2026, 3, 1)) -> hd.OpenTicket:
    return hd.OpenTicket(id=id_, category=number[-4] if "-" in number else number[0], number=number,
                         hall_day=day, status=status)


TICKETS = [
    _t(1, "A041"),
    _t(2, "A043", status="transferred"),
    _t(3, "B002"),
    _t(4, "A044", status="serving"),
    _t(5, "K1-A050"),
    _t(6, "C001", day=date(2026, 2, 28)),
    _t(7, "A001", day=date(2026, 3, 2)),
]


def test_close_policy_closes_every_waiting_ticket() -> None:
    plan = hd.plan_closing(TICKETS, day=date(2026, 3, 1), policy="close")
    assert plan.close == (1, 2, 3, 5, 6)
    assert plan.carry_over == ()
    assert plan.next_sequence_start == {}


def test_carry_over_keeps_numbers_and_skips_them_tomorrow() -> None:
    plan = hd.plan_closing(TICKETS, day=date(2026, 3, 1), policy=hd.ClosingPolicy.CARRY_OVER)
    assert plan.close == ()
    assert plan.carry_over == (1, 2, 3, 5, 6)
    assert plan.next_day == date(2026, 3, 2)
    # Offline K1- numbers live in their own namespace and do not move the server sequence.
    assert plan.next_sequence_start == {"A": 44, "B": 3, "C": 2}


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(InvalidInput):
        hd.plan_closing(TICKETS, day=date(2026, 3, 1), policy="mix")
