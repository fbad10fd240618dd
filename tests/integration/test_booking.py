"""Citizens' booking (issue 16 item 5) against the real app, its SQLite database and an SMPP gateway twin:
slots per line and day with capacity, the mobile number confirmed by an SMS code, booking code and QR,
cancel and move, full slots refused, the reminder SMS the day before, bookings per slot for the counter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall.server.appointments.reminders import send_reminders
from hall.server.connectors.twins.smpp import SmppTwin
from hall.server.domain.hallday import HALL_TZ
from tests.rigs.booking import SECRET, booking_app, hall_of, next_working_day, sms_code
from tests.rigs.waiting import wait_until

PHONE = "13800138000"
ID = "11010519491231002X"
ID2 = "110101199003070038"


@pytest.fixture
def twin() -> Iterator[SmppTwin]:
    with SmppTwin(system_id="hall", password=SECRET) as gateway:
        yield gateway


@pytest.fixture
def app(tmp_path: Path, twin: SmppTwin) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with booking_app(tmp_path, twin, slot_capacity=2) as pair:
        yield pair


def _book(client: TestClient, twin: SmppTwin, start: str, *, phone: str = PHONE, id_number: str = ID,
          count: int = 1) -> dict[str, object]:
    assert client.post("/book/api/phone-code", json={"phone": phone}).status_code == 202
    code = sms_code(twin, phone, count=count)
    r = client.post("/book/api/bookings", json={"category": "A", "slot_start": start, "id_number": id_number,
                                               "phone": phone, "sms_code": code})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_slots_are_public_and_follow_slot_length_and_capacity(app: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = app
    day = next_working_day(hall_of(client))
    slots = client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()
    assert len(slots) == 16  # an always-open demo line: 09:00–17:00 in 30-minute slots
    assert set(slots[0]) == {"start", "end", "capacity", "booked"}
    first = datetime.fromisoformat(slots[0]["start"]).astimezone(HALL_TZ)
    assert first.time() == time(9) and slots[0]["capacity"] == 2 and slots[0]["booked"] == 0
    r = client.get("/api/v1/appointments/slots?category=a&day=x")
    assert r.status_code == 422 and r.json()["error"]["message_zh"]
    unknown = client.get(f"/api/v1/appointments/slots?category=Z&day={day}")
    assert unknown.status_code == 404 and unknown.json()["error"]["message_zh"]


def test_a_citizen_books_with_an_sms_code_then_moves_and_cancels(app: tuple[TestClient, dict[str, str]],
                                                                   twin: SmppTwin) -> None:
    client, tokens = app
    day = next_working_day(hall_of(client))
    slots = client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()
    booking = _book(client, twin, slots[0]["start"])
    code = str(booking["code"])
    assert booking["status"] == "booked" and booking["qr_text"] == f"appt:{code[:4]}-{code[4:8]}-{code[8:]}"
    assert ID not in str(booking) and booking["id_masked"] == "110105********002X"
    assert client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()[0]["booked"] == 1
    page = client.get(f"/book/{code}")
    assert page.status_code == 200 and code in page.text
    qr = client.get(f"/book/{code}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg") and b"<svg" in qr.content
    counter = {"Authorization": f"Bearer {tokens['clerk']}"}
    by_slot = client.get(f"/api/v1/appointments/by-slot?category=A&day={day}", headers=counter).json()
    assert by_slot[0]["booked"] == 1 and by_slot[0]["bookings"][0]["code"] == code
    assert client.get(f"/api/v1/appointments/by-slot?category=A&day={day}").status_code == 401
    moved = client.post(f"/book/api/bookings/{code}/move", json={"slot_start": slots[3]["start"]}).json()
    assert moved["slot_start"] == slots[3]["start"]
    after = client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()
    assert after[0]["booked"] == 0 and after[3]["booked"] == 1
    assert client.post(f"/book/api/bookings/{code}/cancel").json()["status"] == "cancelled"
    again = client.post(f"/book/api/bookings/{code}/cancel")
    assert again.status_code == 409 and again.json()["error"]["code"] == "appointment.not_changeable"
    assert client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()[3]["booked"] == 0


def test_a_full_slot_is_refused_and_a_wrong_code_books_nothing(app: tuple[TestClient, dict[str, str]],
                                                               twin: SmppTwin) -> None:
    client, _ = app
    day = next_working_day(hall_of(client))
    start = client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()[1]["start"]
    _book(client, twin, start)
    _book(client, twin, start, phone="13900139000", id_number=ID2)
    assert client.post("/book/api/phone-code", json={"phone": "13700137000"}).status_code == 202
    code = sms_code(twin, "13700137000")
    body = {"category": "A", "slot_start": start, "id_number": "110101199003074477", "phone": "13700137000"}
    wrong = client.post("/book/api/bookings", json={**body, "sms_code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "booking.phone_code"
    full = client.post("/book/api/bookings", json={**body, "sms_code": code})
    assert full.status_code == 409 and full.json()["error"]["code"] == "appointment.slot_full"
    assert "约满" in full.json()["error"]["message_zh"]
    assert client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()[1]["booked"] == 2
    off_grid = datetime.fromisoformat(start) + timedelta(minutes=7)
    r = client.post("/book/api/bookings", json={**body, "slot_start": off_grid.isoformat(), "sms_code": code})
    assert r.status_code == 422 and r.json()["error"]["code"] == "appointment.no_such_slot"


def test_too_far_ahead_is_refused(app: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = app
    hall = hall_of(client)
    far = next_working_day(hall, after=hall.options.booking_days_ahead + 1)
    start = client.get(f"/api/v1/appointments/slots?category=A&day={far}").json()[0]["start"]
    r = client.post("/book/api/bookings", json={"category": "A", "slot_start": start, "id_number": ID,
                                               "phone": PHONE, "sms_code": "123456"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "appointment.slot_too_far"


def test_the_reminder_sms_goes_out_the_day_before_once(app: tuple[TestClient, dict[str, str]],
                                                       twin: SmppTwin) -> None:
    client, _ = app
    hall = hall_of(client)
    day = next_working_day(hall)
    start = client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()[2]["start"]
    code = str(_book(client, twin, start)["code"])
    eve = datetime.combine(day - timedelta(days=1), time(10, 30), tzinfo=HALL_TZ)
    assert send_reminders(hall, now=eve - timedelta(days=1)) == 0  # two days before: not yet
    assert send_reminders(hall, now=eve.replace(hour=22)) == 0  # at night: no SMS
    assert send_reminders(hall, now=eve) == 1
    assert send_reminders(hall, now=eve + timedelta(hours=1)) == 0  # once
    reminders = wait_until(lambda: [t for to, t in twin.messages() if to == PHONE and "提醒" in t], timeout_s=15,
                           what="the reminder at the SMPP twin")
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in reminders[0] and "10:00" in reminders[0]


def test_the_dashboard_overview_lists_todays_booked_slots(app: tuple[TestClient, dict[str, str]]) -> None:
    from hall.server.dashboard.data import overview
    from hall.server.domain.hallday import hall_day

    client, tokens = app
    hall = hall_of(client)
    today = hall_day(datetime.now(HALL_TZ))
    start = datetime.combine(today, time(9), tzinfo=HALL_TZ)
    staff = {"Authorization": f"Bearer {tokens['manager']}"}
    r = client.post("/api/v1/appointments", headers=staff, json={
        "id_number": ID, "category": "A", "slot_start": start.isoformat(),
        "slot_end": (start + timedelta(minutes=30)).isoformat()})
    assert r.status_code == 201, r.text
    booked = [b for b in overview(hall).bookings if b.category == "A"]
    if not hall.calendar.get().is_working_day(today):
        assert booked == []  # no slots on a day off
        return
    assert [(b.start, b.booked, b.capacity, b.checked_in) for b in booked] == [(start, 1, 2, 0)]
