"""Offline honesty (issue 14.9): the lines and hours a kiosk saw are kept in its outbox database, so a
kiosk restarted during an outage still issues offline tickets; one that never saw them says so.
A real hall server process, the real outbox and hall client (KioskServices, as the kiosk wires them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hall.qtkit.bridge import DeviceHub
from kiosk.services import KioskServices
from tests.integration.offline_faults import terminal_settings
from tests.rigs.hall_server import HallServer


def test_a_kiosk_started_during_an_outage_issues_offline_tickets(hall_server: HallServer, tmp_path: Path,
                                                                  qtbot: Any) -> None:
    settings = terminal_settings(tmp_path, hall_server.url, hall_server.tokens["terminal"])
    first = KioskServices(settings, hub=DeviceHub(), drivers={})
    try:
        lines = first.hall.categories()  # online: the lines and their hours are kept
        assert lines and first.hall.has_offline_data()
    finally:
        first.close()
    hall_server.stop()  # the outage; the kiosk restarts during it
    second = KioskServices(settings, hub=DeviceHub(), drivers={})
    try:
        assert second.hall.has_offline_data()
        assert [c.code for c in second.hall.categories()] == [c.code for c in lines]
        assert second.hall.opening().open in (True, False)  # hours known without the server
        ticket = second.terminal.issue_ticket(lines[0].code)
        assert ticket.offline and ticket.number.startswith("K1-")
        assert not list(tmp_path.glob("*.json"))  # kept in the outbox database, not a side file
    finally:
        second.close()


def test_a_kiosk_that_never_saw_the_server_says_it_cannot_issue_numbers(tmp_path: Path, qtbot: Any) -> None:
    from kiosk.flows.ports import Unavailable

    settings = terminal_settings(tmp_path, "http://127.0.0.1:9", "no-server")
    services = KioskServices(settings, hub=DeviceHub(), drivers={})
    try:
        assert not services.hall.has_offline_data()
        with pytest.raises(Unavailable):
            services.hall.categories()
    finally:
        services.close()
