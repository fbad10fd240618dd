"""Hostile: the booking page's SMS code sends are rate-limited (per mobile number and per client address),
a code cannot be guessed (tries per code, single use), and no mobile number or code reaches the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall.server.connectors.twins.smpp import SmppTwin
from tests.rigs.booking import SECRET, booking_app, hall_of, next_working_day, sms_code

PHONE = "13800138000"
ID = "11010519491231002X"


@pytest.fixture
def twin() -> Iterator[SmppTwin]:
    with SmppTwin(system_id="hall", password=SECRET) as gateway:
        yield gateway


@pytest.fixture
def client(tmp_path: Path, twin: SmppTwin) -> Iterator[TestClient]:
    with booking_app(tmp_path, twin, sms_code_interval_s=60, sms_codes_per_phone_hour=3,
                     sms_codes_per_client_hour=5) as (c, _):
        yield c


def test_a_second_code_within_the_minute_is_refused_with_retry_after(client: TestClient) -> None:
    assert client.post("/book/api/phone-code", json={"phone": PHONE}).status_code == 202
    again = client.post("/book/api/phone-code", json={"phone": PHONE})
    assert again.status_code == 429 and 1 <= int(again.headers["Retry-After"]) <= 61
    body = again.json()["error"]
    assert body["code"] == "booking.sms_rate_limited" and "秒后再试" in body["message_zh"]


def test_codes_per_number_per_hour_are_capped(tmp_path: Path, twin: SmppTwin) -> None:
    with booking_app(tmp_path, twin, sms_code_interval_s=0, sms_codes_per_phone_hour=3) as (c, _):
        statuses = [c.post("/book/api/phone-code", json={"phone": PHONE}).status_code for _ in range(5)]
    assert statuses == [202, 202, 202, 429, 429]


def test_one_client_cannot_spray_codes_over_many_numbers(client: TestClient, twin: SmppTwin) -> None:
    phones = [f"1390013{n:04d}" for n in range(8)]
    statuses = [client.post("/book/api/phone-code", json={"phone": p}).status_code for p in phones]
    assert statuses == [202] * 5 + [429] * 3
    sms_code(twin, phones[4])  # the five allowed went out; nothing more reaches the gateway
    assert len([to for to, _ in twin.messages() if to in phones]) == 5


def test_a_code_cannot_be_guessed_and_is_spent_once(client: TestClient, twin: SmppTwin) -> None:
    day = next_working_day(hall_of(client))
    start = client.get(f"/api/v1/appointments/slots?category=A&day={day}").json()[0]["start"]
    assert client.post("/book/api/phone-code", json={"phone": PHONE}).status_code == 202
    code = sms_code(twin, PHONE)
    body = {"category": "A", "slot_start": start, "id_number": ID, "phone": PHONE}
    wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 6)]
    for guess in wrong:
        r = client.post("/book/api/bookings", json={**body, "sms_code": guess})
        assert r.status_code == 422 and r.json()["error"]["code"] == "booking.phone_code"
    spent = client.post("/book/api/bookings", json={**body, "sms_code": code})
    assert spent.status_code == 422  # five wrong tries spent the code, even for the right digits


def test_malformed_input_is_a_clear_422_and_nothing_personal_is_logged(
        client: TestClient, twin: SmppTwin, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for bad in ({"phone": "12345"}, {"phone": PHONE + "0"}, {"phone": "<script>"}, {}, {"phone": 13800138000}):
        r = client.post("/book/api/phone-code", json=bad)
        assert r.status_code == 422 and r.json()["error"]["message_zh"]
    assert client.post("/book/api/phone-code", json={"phone": PHONE}).status_code == 202
    code = sms_code(twin, PHONE)
    for junk in ("/book/not-a-code", "/book/api/bookings/ZZZZZZZZZ", "/book/ABCD-EFGH-J/qr.svg"):
        r = client.get(junk)
        assert r.status_code in (404, 422) and r.json()["error"]["message_zh"]
    assert PHONE not in caplog.text and code not in caplog.text
