"""Check-in, self-service submission, progress query, rating and 办不成事 through the real Qt screens,
device twins (card reader, cameras, scanner, printer) and a real hall server process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from PySide6.QtWidgets import QAbstractButton

from devices.twins.id_card.identities import IDENTITIES
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import HALL_TZ, earlier_today
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures
RESIDENT = IDENTITIES["resident"].fields


def book(server: HallServer, *, start: datetime, category: str = "A") -> str:
    r = httpx.post(f"{server.url}/api/v1/appointments", json={
        "id_number": RESIDENT["id_number"], "category": category,
        "slot_start": start.isoformat(), "slot_end": (start + timedelta(minutes=30)).isoformat()},
        headers={"Authorization": f"Bearer {server.tokens['terminal']}"}, timeout=budget(5))
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def scan(rig: KioskRig, text: str) -> None:
    rig.drivers["code_scanner"].present_line(text)


def test_checkin_with_the_booking_qr_prints_a_priority_ticket(kiosk: KioskRig) -> None:
    start = earlier_today(timedelta(minutes=5))
    code = book(kiosk.hall, start=start)
    kiosk.tile("checkin")
    kiosk.wait_screen("identify")
    scan(kiosk, code)
    kiosk.wait_screen("ticket")
    view = kiosk.machine.view
    assert view.data["appointment"] and view.data["printed"]
    # 签到成功 with the booked slot (with its day) and the line's name, on screen and paper (14.6)
    assert view.data["checkin"] and view.data["slot"].startswith(start.astimezone(HALL_TZ).strftime("%Y-%m-%d"))
    assert "签到成功" in kiosk.texts() and "业务类别：社会保险" in kiosk.texts()
    job = kiosk.drivers["printer"].device.last_job()
    assert job is not None and view.data["number"].encode() in job.data and "社会保险".encode("gb18030") in job.data


def test_checkin_on_the_wrong_day_explains_and_offers_a_normal_ticket(kiosk: KioskRig) -> None:
    code = book(kiosk.hall, start=datetime.now(UTC) + timedelta(days=2))
    kiosk.tile("checkin")
    kiosk.wait_screen("identify")
    scan(kiosk, code)
    kiosk.wait_screen("checkin_refused")
    assert kiosk.machine.view.data["reason"] == "wrong_day"  # the server's reason, not a guess
    assert "您的预约不是今天，请在预约当天来签到。" in kiosk.texts()
    when = (datetime.now(UTC) + timedelta(days=2)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")
    assert any(when in t for t in kiosk.texts())  # the refusal names the day booked (14.6)
    kiosk.tap("改取普通号")
    kiosk.wait_screen("identify")  # the booking's line (A, sent with the refusal) is already chosen
    kiosk.tap("跳过，直接取号")
    kiosk.wait_screen("ticket")
    assert kiosk.machine.view.data["category"] == "A" and not kiosk.machine.view.data["appointment"]


def _face(rig: KioskRig) -> None:
    rig.wait_screen("face")
    page = rig.window.flow.page_widget
    rig.wait_for(lambda: rig.window.flow.page_widget is not page or page.use_btn.isVisible(), timeout_ms=15000)
    assert rig.window.flow.page_widget is page, rig.machine.view  # one face, centred, sharp: countdown ran
    rig.tap(page.use_btn)
    rig.wait_screen("catalogue")


def _search(rig: KioskRig, letters: str, code: str) -> None:
    for ch in letters:
        rig.tap(ch)
    rig.wait_screen("catalogue")
    rig.tap(next(t for t in rig.texts() if t.endswith(code)))
    rig.wait_screen("guide")
    rig.tap("开始申报")
    rig.wait_screen("form")
    assert any(RESIDENT["name"] in t for t in rig.texts())  # 一号申请: the name came from the card
    for ch in "13800138000":
        rig.tap(ch)
    rig.tap("联系电话")  # the keypad's confirm key is labelled with the field it fills
    rig.tap("大厅窗口领取")
    rig.tap("下一步")
    rig.wait_screen("materials")


def test_submission_with_capture_commitment_receipt_rating_and_query(kiosk: KioskRig) -> None:
    kiosk.tile("submit")
    kiosk.wait_screen("identify")
    kiosk.drivers["id_card"].place_card("resident")
    _face(kiosk)
    kiosk.drivers["id_card"].remove_card()  # the citizen takes the card back: no reminder at the end
    _search(kiosk, "JZZ", "C-004")  # 居住证申领 by its pinyin initials
    rows = {r["id"]: r["status"] for r in kiosk.machine.view.data["rows"]}
    assert rows == {"id_card": "elicense", "photo": "missing", "residence_proof": "missing"}
    kiosk.tap(kiosk.window.flow.page_widget.findChildren(QAbstractButton, "Btn_primary")[0])  # 拍摄 the photo
    kiosk.wait_screen("capture")
    kiosk.tap("拍摄")
    kiosk.wait_screen("capture")
    kiosk.tap("再拍一页")
    kiosk.wait_screen("capture")
    kiosk.tap("重拍这一页")
    assert kiosk.machine.view.data["pages"] == 1
    kiosk.tap("完成")
    kiosk.wait_screen("materials")
    kiosk.tap("下一步")
    kiosk.wait_screen("notice")
    kiosk.tap("签署容缺承诺，先行受理")
    kiosk.wait_screen("signature")
    pad = kiosk.window.flow.page_widget.property("pad")
    pad.draw_stroke([(40, 60), (120, 140), (200, 80), (320, 160)])
    kiosk.tap("确认签名")
    kiosk.wait_screen("review")
    assert "110101********1233" in " ".join(kiosk.texts())
    kiosk.tap("确认提交")
    kiosk.wait_for(lambda: kiosk.screen in ("receipt", "message") and kiosk.controller.runner.pending == 0)
    outbox = kiosk.controller.services.terminal_raw.outbox
    assert kiosk.screen == "receipt", ([(r.kind, r.state, getattr(r, "last_error", None)) for r in outbox.records()],
                                       kiosk.hall.log()[-3000:])
    receipt = kiosk.machine.view.data
    assert receipt["code"].startswith("20") and not receipt["offline"] and receipt["printed"] and receipt["due"]
    job = kiosk.drivers["printer"].device.last_job()
    assert job is not None and b"110101********1233" in job.data and RESIDENT["id_number"].encode() not in job.data
    # the touch signature under the commitment reached the server as its own PNG part
    detail = httpx.get(f"{kiosk.hall.url}/api/v1/submissions/{receipt['code']}/detail",
                       headers={"Authorization": f"Bearer {kiosk.hall.tokens['clerk']}"}, timeout=budget(5))
    assert detail.status_code == 200, detail.text
    signed = [m for m in detail.json()["materials"] if m.get("requirement") == "commitment_signature"]
    assert len(signed) == 1 and signed[0].get("content_type", "image/png") == "image/png", detail.json()["materials"]
    kiosk.tap("评价本次服务")
    kiosk.wait_screen("rate")
    kiosk.tap(kiosk.window.flow.page_widget.findChildren(QAbstractButton, "FaceButton")[0])  # 非常满意
    kiosk.wait_screen("rate_comment")
    kiosk.tap("提交评价")
    kiosk.wait_screen("message")
    assert kiosk.machine.view.data["key"] == "rate.thanks"
    kiosk.tap("返回首页")
    kiosk.wait_screen("home")
    assert kiosk.machine.ctx.session.is_empty()
    # the receipt's QR leads back to the case
    kiosk.tile("query")
    kiosk.wait_screen("identify")
    scan(kiosk, receipt["code"])
    kiosk.wait_screen("cases")
    case = kiosk.machine.view.data["cases"][0]
    assert case["code"] == receipt["code"] and case["history"][0]["status"] == "submitted"


def test_missing_materials_print_the_one_time_notice(kiosk: KioskRig) -> None:
    kiosk.tile("submit")
    kiosk.wait_screen("identify")
    kiosk.drivers["id_card"].place_card("resident")
    _face(kiosk)
    _search(kiosk, "SYBX", "A-003")  # 失业保险金申领
    kiosk.tap("下一步")
    kiosk.wait_screen("notice")
    missing = [m["id"] for m in kiosk.machine.view.data["missing"]]
    assert missing == ["termination_proof", "bank_card"] and not kiosk.machine.view.data["can_commit"]
    kiosk.tap("打印告知单")
    # the application stays open on the notice (14.5): printed, and the citizen may carry on
    kiosk.wait_for(lambda: kiosk.machine.view.screen == "notice" and bool(kiosk.machine.view.data.get("printed")))
    assert "告知单已打印，请备齐材料后再来。" in kiosk.texts() and kiosk.machine.ctx.session.identity is not None
    job = kiosk.drivers["printer"].device.last_job()
    assert job is not None and "银行卡".encode("gb18030") in job.data


def submit_by_api(server: HallServer) -> str:
    """A submission made elsewhere (as another kiosk would), to rate here by its receipt's QR."""
    import json

    data = {"item_code": "B-001", "id_number": RESIDENT["id_number"], "proof": card_proof(RESIDENT["id_number"]),
            "name": RESIDENT["name"], "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "id_card", "elicense": True}]}
    r = httpx.post(f"{server.url}/api/v1/submissions", files={"data": (None, json.dumps(data))},
                   headers={"Authorization": f"Bearer {server.tokens['terminal']}"}, timeout=budget(5))
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def test_a_low_rating_needs_a_reason_and_reaches_the_manager(kiosk: KioskRig) -> None:
    code = submit_by_api(kiosk.hall)
    kiosk.tile("rate")
    kiosk.wait_screen("rate_scan")
    scan(kiosk, code)
    kiosk.wait_screen("rate")
    kiosk.tap(kiosk.window.flow.page_widget.findChildren(QAbstractButton, "FaceButton")[-1])  # 非常不满意
    kiosk.wait_screen("rate_reasons")
    kiosk.tap("下一步")
    assert "请至少选择一个原因" in kiosk.texts()
    kiosk.tap("排队等候时间长")
    kiosk.tap("下一步")
    kiosk.wait_screen("rate_comment")
    kiosk.tap("提交评价")
    kiosk.wait_screen("message")
    assert kiosk.machine.view.data["key"] == "rate.thanks"
    r = httpx.get(f"{kiosk.hall.url}/api/v1/followups",
                  headers={"Authorization": f"Bearer {kiosk.hall.tokens['manager']}"}, timeout=budget(5))
    assert r.status_code == 200 and any(f.get("evaluation_id") for f in r.json())


def test_couldnt_get_it_done_alerts_and_prints_a_priority_ticket(kiosk: KioskRig) -> None:
    kiosk.tile("fallback")
    kiosk.wait_screen("fallback")
    kiosk.tap("材料问题办不了")
    kiosk.wait_screen("ticket")
    view: Any = kiosk.machine.view.data
    assert view["fallback"] and view["number"].startswith("G") and view["printed"]
    r = httpx.get(f"{kiosk.hall.url}/api/v1/followups",
                  headers={"Authorization": f"Bearer {kiosk.hall.tokens['manager']}"}, timeout=budget(5))
    assert any("materials" in (f.get("message") or "") for f in r.json()), r.json()


def test_camera_offline_explains_and_offers_a_counter_ticket(make_kiosk: Any, hall_server_shared: HallServer,
                                                            tmp_path: Any) -> None:
    drivers = kiosk_rig.twins(tmp_path)
    drivers.pop("camera")  # this terminal's camera is gone
    rig = make_kiosk(hall_server_shared, drivers=drivers)
    rig.tile("submit")
    rig.wait_screen("identify")
    rig.drivers["id_card"].place_card("resident")
    rig.wait_screen("message")
    assert rig.machine.view.data["key"] == "face.camera_offline"
    rig.tap("到窗口办理（取号）")
    rig.wait_screen("categories")
