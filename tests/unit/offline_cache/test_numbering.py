"""Offline ticket numbers: per category per hall day (Asia/Shanghai), never reused."""

from __future__ import annotations

import re

import pytest

from offline_cache.errors import InvalidRecord
from offline_cache.numbering import format_local_code, hall_day, iso
from offline_cache.store import Outbox, Ref
from tests.unit.offline_cache.conftest import T0, Clock, OutboxFactory


def _ticket(outbox: Outbox, category: str) -> str:
    rec = outbox.add("ticket", {"category": category}, ref=Ref("ticket", "offline_number", category))
    assert rec.local_ref is not None
    assert outbox.body(rec.key)["offline_number"] == rec.local_ref
    return rec.local_ref


def test_sequences_per_category_persist_across_restarts(make_outbox: OutboxFactory) -> None:
    first = make_outbox()
    assert [_ticket(first, "A"), _ticket(first, "A"), _ticket(first, "B")] == ["K1-A001", "K1-A002", "K1-B001"]
    first.close()
    second = make_outbox()
    assert _ticket(second, "A") == "K1-A003"


def test_hall_day_turns_at_shanghai_midnight(outbox: Outbox, clock: Clock) -> None:
    assert hall_day(T0).isoformat() == "2026-11-22"
    assert _ticket(outbox, "A") == "K1-A001"
    clock.advance(1800)  # 00:00 in Shanghai, 16:00 UTC the day before
    assert hall_day(clock()).isoformat() == "2026-11-23"
    assert _ticket(outbox, "A") == "K1-A001"
    assert iso(clock()).endswith("+08:00")


def test_clock_moved_back_across_midnight_never_reuses_a_number(outbox: Outbox, clock: Clock) -> None:
    _ticket(outbox, "A")
    _ticket(outbox, "A")
    clock.advance(3600)
    assert _ticket(outbox, "A") == "K1-A001"  # next day
    clock.now -= 7200  # back into the previous hall day
    assert _ticket(outbox, "A") == "K1-A003"


def test_clock_stepped_back_to_a_day_without_numbers_continues_this_mornings(outbox: Outbox, clock: Clock) -> None:
    clock.advance(3600)  # 00:30 in Shanghai: the new hall day's first tickets
    assert [_ticket(outbox, "A"), _ticket(outbox, "A")] == ["K1-A001", "K1-A002"]
    code = outbox.add("submission", {}, ref=Ref("code", "local_code")).local_ref
    clock.now -= 3 * 3600  # NTP steps the clock back three hours, into a day that printed nothing
    assert _ticket(outbox, "A") == "K1-A003"
    again = outbox.add("submission", {}, ref=Ref("code", "local_code")).local_ref
    assert code and again and code[:14] == "LK120261123001" and again[:14] == "LK120261122002"
    clock.now += 3 * 3600  # and forward again to a day it numbered before: still no number twice
    assert _ticket(outbox, "A") == "K1-A004"
    clock.advance(86400)  # the next real midnight starts the new day at 001
    assert _ticket(outbox, "A") == "K1-A001"


def test_bad_category_is_refused(outbox: Outbox) -> None:
    with pytest.raises(InvalidRecord):
        outbox.add("ticket", {}, ref=Ref("ticket", "offline_number", "a1"))


def test_local_codes_are_unique_prefixed_and_unguessable(outbox: Outbox) -> None:
    codes = [outbox.add("submission", {}, ref=Ref("code", "local_code")).local_ref for _ in range(30)]
    assert len(set(codes)) == 30
    assert all(c and re.fullmatch(r"LK120261122\d{3}[2-9A-HJKMNP-Z]{4}", c) for c in codes)
    day = hall_day(T0)
    assert format_local_code("K1", day, 1) != format_local_code("K1", day, 1)  # random tail
