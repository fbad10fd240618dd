"""The end of the hall day with an injected clock: tickets still waiting are closed or carried over by
policy (recorded per category, announced), missed days are caught up, the midnight task wakes on time,
and on PostgreSQL one replica does the work."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hall.server.build import build_services
from hall.server.catalogue.models import Category
from hall.server.core.context import HallContext
from hall.server.core.options import ServerOptions
from hall.server.hallday import service as hallday
from hall.server.hallday.models import HallDay
from hall.server.tickets import service as tsvc
from hall.server.tickets.models import Ticket, TicketCounter
from hall.server.tickets.schemas import TicketIn
from hall.server.windows import service as wsvc
from tests.rigs.hall_server import prepare_hall, sqlite_template
from tests.rigs.waiting import budget

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), TZ).astimezone(UTC)


@pytest.fixture
def make_hall(tmp_path: Path) -> Iterator[Callable[..., HallContext]]:
    made: list[HallContext] = []

    def make(db_url: str | None = None, **options: Any) -> HallContext:
        if db_url is None:
            db = tmp_path / f"hall{len(made)}.db"
            shutil.copyfile(sqlite_template()[0], db)
            db_url = f"sqlite:///{db}"
        hall = build_services(db_url=db_url, options=ServerOptions(data_dir=tmp_path / "data", **options))
        made.append(hall)
        return hall

    yield make
    for hall in made:
        hall.db.dispose()


def issue(hall: HallContext, category: str, now: datetime) -> dict[str, Any]:
    with hall.unit() as tx:
        return tsvc.issue_request(hall, tx, TicketIn(category=category), now=now)[1].model_dump(mode="json")


def ticket(hall: HallContext, ticket_id: int) -> Ticket:
    with hall.db.read() as s:
        return tsvc.get_ticket(s, ticket_id)


def set_at_close(hall: HallContext, code: str, policy: str) -> None:
    with hall.unit() as tx:
        cat = tx.session.get(Category, code)
        assert cat is not None
        cat.at_close = policy
    hall.categories.invalidate()


def test_close_policy_cancels_waiting_and_records_the_day(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall()
    yesterday = TODAY - timedelta(days=1)
    a1, a2 = issue(hall, "A", at(yesterday, "10:00")), issue(hall, "A", at(yesterday, "10:05"))
    with hall.unit() as tx:
        wsvc.call_next(hall, tx, 1, now=at(yesterday, "10:10"))  # A001 is at the window, not waiting
    summary = hallday.run_closing(hall, at(TODAY, "00:00"))
    assert summary == {"A": {"policy": "close", "closed": 1, "carried": 0, "conflicts": 0}}
    assert ticket(hall, a2["id"]).status == "cancelled" and ticket(hall, a1["id"]).status == "called"
    with hall.db.read() as s:
        row = s.get(HallDay, yesterday.isoformat())
        assert row is not None and row.summary["A"]["closed"] == 1
        assert s.scalar(select(TicketCounter.waiting).where(TicketCounter.hall_day == yesterday.isoformat(),
                                                            TicketCounter.category == "A")) == 0
    assert hall.day_ready(TODAY)
    assert hallday.run_closing(hall, at(TODAY, "00:01")) is None  # done once
    assert issue(hall, "A", at(TODAY, "08:00"))["number"] == "A001"  # numbering restarts


def test_carry_over_keeps_number_and_time_and_numbers_continue(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall()
    set_at_close(hall, "B", "carry_over")
    yesterday = TODAY - timedelta(days=1)
    b = [issue(hall, "B", at(yesterday, f"16:0{i}")) for i in range(3)]
    issue(hall, "C", at(yesterday, "16:30"))
    summary = hallday.run_closing(hall, at(TODAY, "00:00"))
    assert summary is not None
    assert summary["B"] == {"policy": "carry_over", "closed": 0, "carried": 3, "conflicts": 0}
    assert summary["C"]["policy"] == "close" and summary["C"]["closed"] == 1
    moved = ticket(hall, b[2]["id"])
    assert (moved.status, moved.hall_day, moved.number) == ("waiting", TODAY.isoformat(), "B003")
    assert moved.issued_at == datetime.fromisoformat(b[2]["issued_at"])
    fresh = issue(hall, "B", at(TODAY, "08:00"))
    assert fresh["number"] == "B004" and fresh["waiting_ahead"] == 3  # carried tickets stay ahead


def test_hall_wide_carry_over_setting(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall(closing_policy="carry_over")
    yesterday = TODAY - timedelta(days=1)
    issue(hall, "D", at(yesterday, "11:00"))
    summary = hallday.run_closing(hall, at(TODAY, "00:00"))
    assert summary == {"D": {"policy": "carry_over", "closed": 0, "carried": 1, "conflicts": 0}}


def test_missed_days_are_caught_up_and_the_first_ticket_waits_for_it(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall()
    set_at_close(hall, "E", "carry_over")
    old, mid = TODAY - timedelta(days=3), TODAY - timedelta(days=1)
    e_old = issue(hall, "E", at(old, "09:00"))
    hall.days.closed_through = mid - timedelta(days=1)  # as if the day before yesterday had closed
    e_new = issue(hall, "E", at(mid, "09:00"))
    assert e_old["number"] == e_new["number"] == "E001"
    # No run at midnight (server down): today's first ticket closes the missed day first.
    hall.days.closed_through = None
    today_ticket = issue(hall, "E", at(TODAY, "09:00"))
    assert ticket(hall, e_new["id"]).hall_day == TODAY.isoformat()
    assert ticket(hall, e_old["id"]).status == "cancelled"  # the same number was carried already: closed
    assert today_ticket["number"] == "E002"
    with hall.db.read() as s:
        days = set(s.scalars(select(HallDay.day)))
    assert {old.isoformat(), mid.isoformat()} <= days


def test_midnight_task_with_an_injected_clock(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall()
    yesterday = TODAY - timedelta(days=1)
    issue(hall, "F", at(yesterday, "23:00"))
    clock = [at(yesterday, "23:59")]
    naps: list[float] = []
    hall.days.closed_through = yesterday - timedelta(days=1)

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        clock[0] += timedelta(seconds=seconds)
        if len(naps) >= 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(hallday.hall_day_task(hall, clock=lambda: clock[0], sleep=sleep))
    assert naps[0] == pytest.approx(60.0)  # 23:59 → wakes at midnight + 0.5 s
    assert clock[0] > at(TODAY, "00:00") and hall.day_ready(TODAY)
    with hall.db.read() as s:
        assert s.get(HallDay, yesterday.isoformat()) is not None
    assert all(0.5 <= n <= 60 for n in naps)


@pytest.mark.postgres
def test_two_replicas_close_once(fresh_postgres_url: str, make_hall: Callable[..., HallContext]) -> None:
    prepare_hall(fresh_postgres_url)
    first, second = make_hall(fresh_postgres_url), make_hall(fresh_postgres_url)
    yesterday = TODAY - timedelta(days=1)
    for i in range(5):
        issue(first, "A", at(yesterday, f"10:0{i}"))
    results: list[Any] = []

    def run(hall: HallContext) -> None:
        results.append(hallday.run_closing(hall, at(TODAY, "00:00")))

    threads = [threading.Thread(target=run, args=(h,)) for h in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(budget(30))
    assert sorted(results, key=lambda r: r is not None) == [
        None, {"A": {"policy": "close", "closed": 5, "carried": 0, "conflicts": 0}}]
    assert first.day_ready(TODAY) and second.day_ready(TODAY)
