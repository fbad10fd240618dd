"""The last places of a slot, raced (issue 16 item 5): many bookings (and many moves) for one slot with
``slot_capacity`` N, each from its own thread over its own connection, all released at once — on two
PostgreSQL replicas and on SQLite. Exactly N get in; every other one is told 409 ``appointment.slot_full``
in Chinese and English, and the database holds N bookings in that slot, never more."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from hall.server.appointments.models import Appointment
from hall.server.appointments.slots import TAKEN
from hall.server.domain.hallday import HALL_TZ
from tests.rigs.hall_server import HallServer, start_hall_server, start_prepared
from tests.rigs.waiting import budget

CAPACITY = 3
RACERS = 24
SETTINGS = (f"queue.slot_capacity={CAPACITY}",)


def id_number(n: int) -> str:
    """A valid 18-digit ID number (GB 11643 check character), one per racer."""
    body = f"110101199001{n % 28 + 1:02d}{n:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _slots(server: HallServer) -> list[dict[str, Any]]:
    """The line A's slots on the first working day after today (all still to come)."""
    days = httpx.get(f"{server.url}/book/api/lines", timeout=budget(10)).json()["days"]
    today = datetime.now(HALL_TZ).date().isoformat()
    day = next(d for d in days if d > today)
    slots = httpx.get(f"{server.url}/api/v1/appointments/slots", params={"category": "A", "day": day},
                      timeout=budget(10)).json()
    assert len(slots) >= 8 and slots[0]["capacity"] == CAPACITY, slots[:1]
    return list(slots)


def _staff_booking(n: int, slot: dict[str, Any]) -> dict[str, Any]:
    return {"id_number": id_number(n), "category": "A", "slot_start": slot["start"], "slot_end": slot["end"]}


def _race(calls: Sequence[Callable[..., httpx.Response]], urls: list[str]) -> list[httpx.Response]:
    """Every call on a thread and a client (so a connection) of its own, spread over ``urls``, released
    together by a barrier once all are connected."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | BaseException | None] = [None] * len(calls)
    clients = [httpx.Client(base_url=urls[i % len(urls)], timeout=budget(30)) for i in range(len(calls))]

    def run(i: int) -> None:
        try:
            clients[i].get("/api/v1/health")  # the connection is open before the start
            barrier.wait(timeout=budget(30))
            answers[i] = calls[i](clients[i])
        except BaseException as exc:  # kept for the assertion below, never lost on a thread
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,), name=f"racer-{i}") for i in range(len(calls))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(budget(60))
    finally:
        for c in clients:
            c.close()
    failed = [a for a in answers if not isinstance(a, httpx.Response)]
    assert not failed, failed[:3]
    return [a for a in answers if isinstance(a, httpx.Response)]


def _outcomes(answers: list[httpx.Response], ok: int) -> Counter[str]:
    """Counts ``ok`` (accepted) and ``slot_full`` (refused with both texts); anything else by its status."""
    seen: Counter[str] = Counter()
    for r in answers:
        if r.status_code == ok:
            seen["ok"] += 1
            continue
        err = r.json().get("error", {}) if r.headers.get("content-type", "").startswith("application/json") else {}
        full = (r.status_code == 409 and err.get("code") == "appointment.slot_full"
                and "已约满" in err.get("message_zh", "") and "full" in err.get("message_en", ""))
        seen["slot_full" if full else f"{r.status_code} {err.get('code', r.text[:80])}"] += 1
    return seen


def _stored(db_url: str, start: str) -> int:
    """Bookings holding a place in the slot, read from the database itself (through the model, so the
    start compares the same way on both engines)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Appointment).where(
                Appointment.category == "A", Appointment.slot_start == datetime.fromisoformat(start),
                Appointment.status.in_(TAKEN))).scalar_one())
    finally:
        engine.dispose()


def _check_bookings(servers: list[HallServer]) -> None:
    token = servers[0].tokens["terminal"]
    slot = _slots(servers[0])[0]
    calls = [(lambda c, n=n: c.post("/api/v1/appointments", json=_staff_booking(n, slot),
                                    headers={"Authorization": f"Bearer {token}"}))
             for n in range(RACERS)]
    seen = _outcomes(_race(calls, [s.url for s in servers]), 201)
    assert seen == {"ok": CAPACITY, "slot_full": RACERS - CAPACITY}, seen
    assert _stored(servers[0].db_url, slot["start"]) == CAPACITY
    shown = httpx.get(f"{servers[-1].url}/api/v1/appointments/slots",
                      params={"category": "A", "day": datetime.fromisoformat(slot["start"]).astimezone(HALL_TZ)
                              .date().isoformat()}, timeout=budget(10)).json()
    assert shown[0]["booked"] == CAPACITY


def _check_moves(servers: list[HallServer]) -> None:
    """Bookings spread over later slots all move into the first one at once: N moves succeed."""
    token = servers[0].tokens["terminal"]
    slots = _slots(servers[0])
    codes = []
    for n in range(RACERS):
        r = httpx.post(f"{servers[0].url}/api/v1/appointments", json=_staff_booking(100 + n, slots[1 + n // CAPACITY]),
                       headers={"Authorization": f"Bearer {token}"}, timeout=budget(10))
        assert r.status_code == 201, r.text
        codes.append(r.json()["code"])
    target = slots[0]
    calls = [(lambda c, code=code: c.post(f"/book/api/bookings/{code}/move", json={"slot_start": target["start"]}))
             for code in codes]
    seen = _outcomes(_race(calls, [s.url for s in servers]), 200)
    assert seen == {"ok": CAPACITY, "slot_full": RACERS - CAPACITY}, seen
    assert _stored(servers[0].db_url, target["start"]) == CAPACITY


@pytest.fixture
def replicas(fresh_postgres_url: str, tmp_path: Path) -> Iterator[list[HallServer]]:
    first = start_prepared(fresh_postgres_url, tmp_path, name="replica1", settings=SETTINGS)
    second = start_hall_server(fresh_postgres_url, tmp_path, name="replica2", settings=SETTINGS)
    second.tokens = first.tokens
    yield [first, second]
    assert first.stop() == 0 and second.stop() == 0
    for server in (first, second):
        assert "Traceback" not in server.log(), server.log()[-3000:]


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[list[HallServer]]:
    server = start_prepared(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path, settings=SETTINGS)
    yield [server]
    assert server.stop() == 0
    assert "Traceback" not in server.log(), server.log()[-3000:]


@pytest.mark.postgres
def test_the_last_places_go_to_exactly_capacity_bookings_on_two_postgres_replicas(replicas: list[HallServer]) -> None:
    _check_bookings(replicas)


@pytest.mark.postgres
def test_moves_into_one_slot_fill_it_exactly_on_two_postgres_replicas(replicas: list[HallServer]) -> None:
    _check_moves(replicas)


def test_the_last_places_go_to_exactly_capacity_bookings_on_sqlite(sqlite_server: list[HallServer]) -> None:
    _check_bookings(sqlite_server)


def test_moves_into_one_slot_fill_it_exactly_on_sqlite(sqlite_server: list[HallServer]) -> None:
    _check_moves(sqlite_server)
