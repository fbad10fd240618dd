"""Check-in refusals carry their reason, when to come back and the citizen's text in the 4xx body
(for the kiosk, also through the offline outbox), against a real server process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import httpx
import pytest

from hall.server.domain.hallday import hall_day
from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import earlier_today

API = "/api/v1"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_serial = count(101)


def new_id_number() -> str:
    """A valid GB 11643 number of a person born in 1980 (a fresh one per call)."""
    body = f"11010519800101{next(_serial):03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
    return body + check


def _h(server: HallServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens['terminal']}"}


def _book(server: HallServer, id_number: str, start: datetime, minutes: int = 30) -> dict[str, str]:
    # Staff record bookings whose slot is over (a kiosk may not: tests/hostile/test_bookings.py).
    staff = {"Authorization": f"Bearer {server.tokens['clerk']}"}
    r = httpx.post(f"{server.url}{API}/appointments", headers=staff, json={
        "id_number": id_number, "category": "A", "slot_start": start.isoformat(),
        "slot_end": (start + timedelta(minutes=minutes)).isoformat()})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _check_in(server: HallServer, **body: str) -> httpx.Response:
    return httpx.post(f"{server.url}{API}/appointments/check-in", headers=_h(server), json=body)


def _refusal(r: httpx.Response) -> dict[str, object]:
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "check_in_refused" and err["reason"] == err["params"]["reason"]
    assert err["message_zh"] and err["message_en"] and err["params"]["slot_start"]
    return dict(err)


def _same_day(a: datetime, b: datetime) -> bool:
    return hall_day(a) == hall_day(b)


def test_too_early_says_when_to_come_back(hall_server_shared: HallServer) -> None:
    now = datetime.now(UTC)
    start = now + timedelta(minutes=50)
    appt = _book(hall_server_shared, new_id_number(), start)
    err = _refusal(_check_in(hall_server_shared, code=appt["code"]))
    assert err["reason"] == ("too_early" if _same_day(now, start) else "wrong_day")
    back = datetime.fromisoformat(str(err["come_back_at"]))
    assert back == start - timedelta(minutes=30)  # [appointments] early window
    assert err["params"]["come_back_local"] == (back + timedelta(hours=8)).strftime("%H:%M")  # type: ignore[index]


def test_too_late_and_wrong_day(hall_server_shared: HallServer) -> None:
    now = datetime.now(UTC)
    late_start = now - timedelta(hours=2)
    late = _refusal(_check_in(hall_server_shared, code=_book(hall_server_shared, new_id_number(), late_start)["code"]))
    assert late["reason"] == ("too_late" if _same_day(now, late_start) else "wrong_day")
    assert late["come_back_at"] is None
    later = now + timedelta(days=3)
    wrong = _refusal(_check_in(hall_server_shared, code=_book(hall_server_shared, new_id_number(), later)["code"]))
    assert wrong["reason"] == "wrong_day" and wrong["come_back_at"] is not None
    assert "不是今天" in str(wrong["message_zh"])


@pytest.mark.parametrize("by", ["code", "id_number"])
def test_a_second_check_in_is_already_checked_in(hall_server_shared: HallServer, by: str) -> None:
    person = new_id_number()
    appt = _book(hall_server_shared, person, earlier_today(timedelta(minutes=5)))
    first = _check_in(hall_server_shared, code=appt["code"])
    assert first.status_code == 201, first.text
    again = _check_in(hall_server_shared, **({"code": appt["code"]} if by == "code" else {"id_number": person}))
    assert _refusal(again)["reason"] == "already_checked_in"
    assert person not in again.text


def test_missed_appointments_pause_appointment_priority(hall_server_shared: HallServer) -> None:
    person = new_id_number()
    now = datetime.now(UTC)
    current = _book(hall_server_shared, person, earlier_today(timedelta(minutes=5), now))
    for days in (3, 2):  # two bookings nobody came to
        _book(hall_server_shared, person, now - timedelta(days=days))
    err = _refusal(_check_in(hall_server_shared, code=current["code"]))
    assert err["reason"] == "blacklisted" and "暂停" in str(err["message_zh"])
