"""The demo's device panel (issue 14.11), offscreen: its buttons act on the twins the running kiosk
uses (a demo person's ID card gets a senior a priority ticket, codes reach the scanner, paper runs out
and is refilled) and stop and start the demo's in-process hall server."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import Qt

from config import load_settings
from devices.status import Health
from hall.demo import DemoServer, prepare_hall, start_server_thread
from hall.demo_examples import DemoExamples
from kiosk.demo_panel import PEOPLE, DemoPanel, person_label
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.rigs import free_port
from tests.rigs.hall_server import HallServer

make_kiosk = kiosk_rig.make_kiosk  # fixture


def panel_for(rig: KioskRig, server: Any = None, examples: DemoExamples | None = None) -> DemoPanel:
    panel = DemoPanel(rig.drivers, run=rig.controller.runner.submit, server=server, examples=examples)
    rig.qtbot.addWidget(panel)
    panel.show()
    return panel


def click(rig: KioskRig, panel: DemoPanel, name: str, then: str) -> None:
    rig.qtbot.mouseClick(panel.buttons[name], Qt.MouseButton.LeftButton)
    rig.wait_for(lambda: panel.status.text() == then)


def test_a_demo_senior_card_gives_a_priority_ticket(make_kiosk: Any, hall_server_shared: HallServer) -> None:
    rig = make_kiosk(hall_server_shared)
    panel = panel_for(rig)
    rig.tile("take_number")
    rig.wait_screen("categories")
    rig.tap("A  社会保险")
    rig.wait_screen("identify")
    panel.person.setCurrentIndex(PEOPLE.index("resident_photo"))  # born 1956-03-19: 70 and over
    assert person_label("resident_photo", today=date(2026, 12, 7)) == "李静 (70)"
    click(rig, panel, "id_insert", f"ID card on the reader: {person_label('resident_photo')}")
    rig.wait_screen("ticket")
    assert rig.machine.view.data["priority"] == "elderly"
    click(rig, panel, "id_remove", "ID card removed")


def test_codes_paper_and_a_missing_device(make_kiosk: Any, hall_server_shared: HallServer) -> None:
    rig = make_kiosk(hall_server_shared)
    panel = panel_for(rig)
    assert "scan_booking" not in panel.buttons  # no server to make examples: only typed codes
    seen: list[str] = []
    rig.drivers["code_scanner"].subscribe(lambda e: seen.append(getattr(e.payload, "text", "")))
    panel.code.setText("L1D20261207001A")
    click(rig, panel, "scan", "scanned L1D20261207001A")
    rig.wait_for(lambda: "L1D20261207001A" in seen)
    panel.code.setText("   ")
    rig.qtbot.mouseClick(panel.buttons["scan"], Qt.MouseButton.LeftButton)
    assert panel.status.text() == "type a code to scan first"
    printer = rig.drivers["printer"]
    click(rig, panel, "paper_pull", "paper pulled: the printer is out of paper")
    rig.wait_for(lambda: printer.status().health is not Health.OK)
    click(rig, panel, "paper_refill", "paper refilled")
    rig.wait_for(lambda: printer.status().health is Health.OK)
    rig.qtbot.mouseClick(panel.buttons["ss_insert"], Qt.MouseButton.LeftButton)  # these twins have no ss_card
    assert panel.status.text() == "no ss_card device in this demo"


def test_the_hall_server_stops_and_starts(make_kiosk: Any, tmp_path: Path) -> None:
    port = free_port()
    settings = load_settings(None, [f"server.port={port}", f'server.db="sqlite:///{tmp_path / "hall.db"}"',
                                    "server.demo_mode=true", f'server.data_dir="{tmp_path / "data"}"'])
    prepare_hall(settings.server.db, tmp_path / "tokens.json")
    server = DemoServer(settings, *start_server_thread(settings))
    health = f"http://127.0.0.1:{port}/api/v1/health"
    rig = make_kiosk(None)
    panel = panel_for(rig, server)
    try:
        click(rig, panel, "server_stop", "hall server stopped: the kiosk goes offline")
        assert not server.running
        try:
            httpx.get(health, timeout=1)
            raise AssertionError("the stopped server still answers")
        except httpx.HTTPError:
            pass
        click(rig, panel, "server_start", "hall server started")
        assert server.running and httpx.get(health, timeout=5).status_code == 200
    finally:
        server.stop()


def _examples(server: HallServer) -> DemoExamples:
    return DemoExamples(server.url, {"counter": server.tokens["counter"], "admin": server.tokens["admin"]})


def test_the_booking_example_is_a_real_booking_the_kiosk_checks_in(make_kiosk: Any, hall_server: HallServer) -> None:
    rig = make_kiosk(hall_server)
    panel = panel_for(rig, examples=_examples(hall_server))
    rig.tile("checkin")
    rig.wait_screen("identify")
    panel.person.setCurrentIndex(PEOPLE.index("resident"))
    rig.qtbot.mouseClick(panel.buttons["scan_booking"], Qt.MouseButton.LeftButton)
    rig.wait_for(lambda: panel.status.text().startswith(f"scanned booking for {person_label('resident')} (line "))
    # Within opening hours the slot running now is booked and checked in; out of hours the next one, and
    # the kiosk explains it as it does to a citizen who comes early or on another day.
    if panel.status.text().endswith("slot now)"):
        rig.wait_screen("ticket")
        assert rig.machine.view.data["appointment"] and rig.machine.view.data["checkin"]
    else:
        rig.wait_screen("checkin_refused")
        assert rig.machine.view.data["reason"] in ("early", "wrong_day") and rig.machine.view.data["slot"]


def test_the_service_code_example_identifies_the_chosen_person(make_kiosk: Any, hall_server: HallServer) -> None:
    rig = make_kiosk(hall_server)
    panel = panel_for(rig, examples=_examples(hall_server))
    rig.tile("query")
    rig.wait_screen("identify")
    panel.person.setCurrentIndex(PEOPLE.index("resident_x"))
    rig.qtbot.mouseClick(panel.buttons["scan_service_code"], Qt.MouseButton.LeftButton)
    rig.wait_screen("cases")
    identity = rig.machine.ctx.session.identity
    assert identity is not None and identity.source == "service_code"
    assert identity.name == "欧阳娜娜"


def test_an_example_the_server_cannot_make_says_why(make_kiosk: Any, hall_server: HallServer) -> None:
    rig = make_kiosk(hall_server)
    panel = panel_for(rig, examples=DemoExamples(hall_server.url, {"counter": "wrong", "admin": "wrong"}))
    rig.qtbot.mouseClick(panel.buttons["scan_service_code"], Qt.MouseButton.LeftButton)
    rig.wait_for(lambda: panel.status.text() == "failed: refused: auth.invalid_token")
    assert "scan_receipt" not in panel.buttons
