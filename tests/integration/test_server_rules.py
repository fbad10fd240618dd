"""Per-ID rules explained to the citizen: the booking pause after missed appointments (in-process app)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall.server.app import create_app
from hall.server.core.options import ServerOptions
from tests.rigs.hall_server import sqlite_template

PERSON = "110101199003071233"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    app = create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=ServerOptions(data_dir=tmp_path / "d"))
    with TestClient(app) as c:
        # Past bookings are recorded by staff only (a kiosk cannot book past slots in someone's name).
        yield c, {"Authorization": f"Bearer {tokens['clerk']}"}


def _book(c: TestClient, h: dict[str, str], start: datetime) -> dict[str, object]:
    r = c.post("/api/v1/appointments", headers=h, json={
        "id_number": PERSON, "category": "A", "slot_start": start.isoformat(),
        "slot_end": (start + timedelta(minutes=30)).isoformat()})
    return {**r.json(), "http": r.status_code}


def test_two_missed_appointments_pause_booking_with_a_reason(client: tuple[TestClient, dict[str, str]]) -> None:
    c, h = client
    now = datetime.now(UTC)
    assert _book(c, h, now - timedelta(days=3))["http"] == 201  # never checked in: missed
    assert _book(c, h, now - timedelta(days=2))["http"] == 201  # missed as well
    refused = _book(c, h, now + timedelta(days=1))
    assert refused["http"] == 422
    error = refused["error"]
    assert isinstance(error, dict) and error["code"] == "blacklisted"
    assert error["params"]["misses"] == 2 and error["params"]["window_days"] == 90
    assert "暂停网上预约" in error["message_zh"] and "仍可现场取号" in error["message_zh"]
    assert PERSON not in str(refused)
    # Taking a ticket at the hall is never refused for it.
    ticket = c.post("/api/v1/tickets", headers=h, json={"category": "A", "id_number": PERSON})
    assert ticket.status_code == 201
