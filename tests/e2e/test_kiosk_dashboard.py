"""What the manager's dashboard learns from a kiosk, against a real hall server process: the terminal
heartbeat (online, every device's status, version, outbox backlog and oldest pending age) and the
staff alert when the printer runs out of paper."""

from __future__ import annotations

from typing import Any

import httpx

from offline_cache.states import Kind
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures


def _manager(server: HallServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens['manager']}"}


def _terminal(server: HallServer, terminal_id: str) -> dict[str, Any] | None:
    rows = httpx.get(f"{server.url}/api/v1/terminals", headers=_manager(server), timeout=budget(5)).json()
    return next((t for t in rows if t["id"] == terminal_id), None)


def test_heartbeat_shows_the_kiosk_online_with_devices_and_backlog(make_kiosk: Any, hall_server: HallServer) -> None:
    rig = make_kiosk(hall_server)
    # the first beat goes as soon as the devices are open (no wait for the 15 s timer)
    rig.wait_for(lambda: rig.controller.last_heartbeat is True)
    seen = _terminal(hall_server, "K1")
    assert seen is not None and seen["online"] and seen["kind"] == "kiosk"
    devices = {d["kind"]: d for d in seen["devices"]}
    assert set(devices) == {"id_card", "ss_card", "code_scanner", "camera", "doc_camera", "printer", "voice"}
    assert devices["printer"]["health"] == "ok" and devices["printer"]["driver"]
    assert devices["ss_card"]["health"] == "offline"  # no social-security reader in this rig: said so
    assert seen["outbox_backlog"] == 0 and seen["version"]

    # a backlog the worker cannot deliver now (paused, as while its token is refused)
    services = rig.controller.services
    services.terminal_raw.worker.stop()
    services.terminal_raw.outbox.add(Kind.RATING, {"level": 5, "reasons": [], "comment": "", "terminal_id": "K1"})
    rig.drivers["printer"].device.simulate_paper_out()
    rig.controller.heartbeat()
    rig.wait_for(lambda: (_terminal(hall_server, "K1") or {}).get("outbox_backlog") == 1)
    seen = _terminal(hall_server, "K1")
    assert seen is not None and seen["oldest_pending_s"] >= 0
    printer = next(d for d in seen["devices"] if d["kind"] == "printer")
    assert printer["health"] != "ok" and "paper" in printer["code"]


def test_heartbeat_to_an_unreachable_server_never_disturbs_the_kiosk(make_kiosk: Any) -> None:
    rig = make_kiosk(None)
    rig.wait_for(lambda: rig.controller.last_heartbeat is False)
    rig.tile("take_number")
    rig.wait_screen("message")  # no categories cached, no server: explained, not crashed


def test_paper_out_alert_reaches_the_dashboards_follow_ups(kiosk: KioskRig) -> None:
    server = kiosk.hall
    assert server is not None
    kiosk.drivers["printer"].device.simulate_paper_out()
    kiosk.tile("take_number")
    kiosk.wait_screen("categories")
    kiosk.tap("A  社会保险")
    kiosk.wait_screen("identify")
    kiosk.tap("跳过，直接取号")
    kiosk.wait_screen("ticket")
    number = kiosk.machine.view.data["number"]
    assert not kiosk.machine.view.data["printed"]

    def alert() -> dict[str, Any] | None:
        rows = httpx.get(f"{server.url}/api/v1/followups", params={"kind": "help"}, headers=_manager(server),
                         timeout=budget(5)).json()
        return next((f for f in rows if f["terminal_id"] == "K1" and "paper_out" in f["message"]), None)

    kiosk.wait_for(lambda: alert() is not None)
    found = alert()
    assert found is not None and found["status"] == "open" and number not in found["message"]
