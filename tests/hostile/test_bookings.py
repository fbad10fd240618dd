"""Bookings a kiosk token must not make (issue 13, "the terminal role is too broad"): a slot that is over
in someone's ID number (two of them paused that citizen's bookings for 90 days) and a slot a year ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

VICTIM = "11010519491231002X"


def _book(server: HallServer, who: str, start: datetime) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/appointments", timeout=budget(10),
                      headers={"Authorization": f"Bearer {server.tokens[who]}"},
                      json={"id_number": VICTIM, "category": "A", "slot_start": start.isoformat(),
                            "slot_end": (start + timedelta(minutes=30)).isoformat()})


def test_a_kiosk_cannot_book_past_or_far_slots_but_a_real_booking_works(hall_server: HallServer) -> None:
    now = datetime.now(UTC)
    for who in ("kiosk", "terminal"):
        for days in (3, 2):
            r = _book(hall_server, who, now - timedelta(days=days))
            assert r.status_code == 422 and r.json()["error"]["code"] == "appointment.slot_past", r.text
        r = _book(hall_server, who, now + timedelta(days=365))
        assert r.status_code == 422 and r.json()["error"]["code"] == "appointment.slot_too_far", r.text
        assert r.json()["error"]["params"]["days"] == 30 and r.json()["error"]["message_zh"]
    # The victim is not paused: a real booking tomorrow goes through.
    assert _book(hall_server, "kiosk", now + timedelta(days=1)).status_code == 201
    # Staff may still record a booking that is over (a counter entering yesterday's paper booking).
    assert _book(hall_server, "counter", now - timedelta(days=1)).status_code == 201
