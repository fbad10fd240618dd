"""The typed client against a real server: error tree, fast offline detection, events with reconnection."""

from __future__ import annotations

import time

import pytest

from hall.client import HallClient, HallRejected, HallUnreachable
from hall.client.events import EventsClient
from tests.rigs import free_port
from tests.rigs.hall_server import HallServer, start_hall_server
from tests.rigs.waiting import budget, wait_until


def test_unreachable_is_typed_and_quick() -> None:
    client = HallClient(f"http://127.0.0.1:{free_port()}", "t")
    t0 = time.monotonic()
    with pytest.raises(HallUnreachable) as err:
        client.categories()
    assert err.value.code == "hall.unreachable" and err.value.retryable
    assert time.monotonic() - t0 < budget(5)  # generous: the timing itself is a benchmark's business


def test_rejected_carries_server_code(hall_server: HallServer) -> None:
    with HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5)) as client:
        with pytest.raises(HallRejected) as err:
            client.issue_ticket("Z")
        assert err.value.server_code == "unknown_category" and err.value.status == 404


def test_event_stream_reconnects_after_server_restart(hall_server: HallServer, tmp_path) -> None:
    events: list[dict[str, object]] = []
    states: list[bool] = []
    stream = EventsClient(hall_server.url, hall_server.tokens["terminal"], on_event=events.append,
                          on_state=states.append)
    stream.start()
    clerk = HallClient(hall_server.url, hall_server.tokens["clerk"], read_timeout=budget(5))
    kiosk = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    try:
        wait_until(lambda: states == [True])
        kiosk.issue_ticket("A")
        clerk.call_next(1)
        wait_until(lambda: any(e["type"] == "ticket.called" for e in events))
        hall_server.stop()
        wait_until(lambda: states[-1] is False)
        again = start_hall_server(hall_server.db_url, tmp_path, port=hall_server.port, name="again")
        try:
            wait_until(lambda: states[-1] is True, timeout_s=20)
            kiosk.issue_ticket("A")
            wait_until(lambda: sum(e["type"] == "ticket.issued" for e in events) >= 2)
        finally:
            again.stop()
    finally:
        stream.stop()

