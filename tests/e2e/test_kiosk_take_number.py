"""取号 through the real Qt screens, device twins and a real hall server process, with its faults."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.rigs.hall_server import HallServer

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures

NUMBER = re.compile(r"^[A-Z]\d{3}$")


def outbox_bodies(rig: KioskRig, kind: str) -> list[dict[str, Any]]:
    outbox = rig.controller.services.terminal_raw.outbox
    return [outbox.body(r.key) for r in outbox.records() if r.kind == kind]


def take(rig: KioskRig, *, skip: bool = True) -> None:
    rig.tile("take_number")
    rig.wait_screen("categories")
    rig.tap("A  社会保险")
    rig.wait_screen("identify")
    if skip:
        rig.tap("跳过，直接取号")
        rig.wait_screen("ticket")


def test_take_a_number_prints_the_ticket_and_shows_it(kiosk: KioskRig) -> None:
    take(kiosk)
    view = kiosk.machine.view
    assert NUMBER.match(view.data["number"]) and view.data["printed"] and not view.data["offline"]
    assert view.data["number"] in kiosk.texts() and view.data["follow_url"].startswith("http")
    assert kiosk.window.flow.findChild(object, "FollowQr") is not None
    job = kiosk.drivers["printer"].device.last_job()
    assert job is not None and view.data["number"].encode() in job.data and b"\x1dV" in job.data
    kiosk.tap("完成")
    kiosk.wait_screen("home")
    assert kiosk.machine.ctx.session.is_empty()


def test_identifying_with_the_id_card_prefills_and_never_prints_the_full_number(kiosk: KioskRig) -> None:
    from devices.twins.id_card.identities import IDENTITIES

    take(kiosk, skip=False)
    kiosk.drivers["id_card"].place_card("resident_long_term")
    kiosk.wait_screen("ticket")
    full = IDENTITIES["resident_long_term"].fields["id_number"]
    job = kiosk.drivers["printer"].device.last_job()
    assert job is not None and full.encode() not in job.data
    assert all(full not in t for t in kiosk.texts())


def test_printer_out_of_paper_shows_ticket_with_qr_and_alerts_staff(kiosk: KioskRig) -> None:
    kiosk.drivers["printer"].device.simulate_paper_out()
    take(kiosk)
    view = kiosk.machine.view
    assert not view.data["printed"] and NUMBER.match(view.data["number"])
    assert "打印机暂时无法出票，请拍下或记住此号码；已通知工作人员。" in kiosk.texts()
    assert kiosk.window.flow.findChild(object, "FollowQr") is not None
    alerts = outbox_bodies(kiosk, "help_call")
    assert alerts and alerts[-1]["kind"] == "help" and "device.printer.paper_out" in alerts[-1]["message"]


def test_server_down_issues_an_offline_ticket_and_shows_the_banner(make_kiosk: Any,
                                                                   hall_server: HallServer) -> None:
    rig = make_kiosk(hall_server)
    rig.wait_for(lambda: rig.window.home.queue.texts()[0].startswith("A "))  # categories cached
    hall_server.stop()
    take(rig)
    view = rig.machine.view
    assert view.data["offline"] and view.data["number"].startswith("K1-A")
    assert rig.drivers["printer"].device.last_job() is not None
    rig.wait_for(lambda: rig.window.banner.isVisible())
    assert "网络连接中断" in rig.window.banner.text.text()


def test_outside_opening_hours_no_ticket_is_issued(make_kiosk: Any, hall_server: HallServer) -> None:
    import httpx

    admin = {"Authorization": f"Bearer {hall_server.tokens['admin']}"}
    cats = httpx.get(f"{hall_server.url}/api/v1/categories", headers=admin).json()
    for c in cats:
        body = {k: c[k] for k in ("code", "name_zh", "name_en", "sla_minutes", "daily_cap") if k in c}
        r = httpx.put(f"{hall_server.url}/api/v1/categories/{c['code']}", headers=admin,
                      json={**body, "opens": "00:00", "closes": "00:00"})
        assert r.status_code == 200, r.text
    rig = make_kiosk(hall_server)
    rig.tile("take_number")
    rig.wait_screen("message")
    assert rig.machine.view.data["key"] == "closed.message"
    assert rig.drivers["printer"].device.last_job() is None


def test_id_reader_offline_offers_the_other_methods(make_kiosk: Any, hall_server_shared: HallServer,
                                                    tmp_path: Any) -> None:
    from devices.id_card.ga467_driver import Ga467Reader
    from tests.e2e.kiosk_rig import twins

    drivers = twins(tmp_path)
    drivers["id_card"].close()
    drivers["id_card"] = Ga467Reader(port=str(tmp_path / "ttyUSB-unplugged"))  # the real driver, no device
    rig = make_kiosk(hall_server_shared, drivers=drivers)
    rig.wait_for(lambda: not rig.machine.ctx.devices.id_card)
    take(rig, skip=False)
    assert "id_card" not in rig.machine.view.data["methods"]
    assert any("暂不可用" in t and "身份证" in t for t in rig.texts())
    rig.tap("手动输入身份证号")
    rig.wait_screen("keypad")


def test_a_senior_sees_and_gets_printed_the_priority_the_server_granted(kiosk: KioskRig) -> None:
    """70 or older by the ID number typed on the keypad: the server grants 长者优先, the kiosk shows it
    and prints it under the line's name (14.4), and names the line, not its code (14.6)."""
    from kiosk.flows.idnumber import check_char

    senior = "11010119480307" + "517"
    senior += check_char(senior)
    take(kiosk, skip=False)
    kiosk.tap("手动输入身份证号")
    kiosk.wait_screen("keypad")
    for ch in senior:
        kiosk.tap(ch)
    kiosk.tap("确定")
    kiosk.wait_screen("ticket")
    view = kiosk.machine.view
    assert view.data["priority"] == "elderly" and "长者优先（70 岁以上）" in kiosk.texts()
    assert "业务类别：社会保险" in kiosk.texts()
    job = kiosk.drivers["printer"].device.last_job()
    assert job is not None and "长者优先".encode("gb18030") in job.data and senior.encode() not in job.data
    kiosk.tap("完成")
    kiosk.wait_screen("home")
