"""Every refusal of the server, through its HTTP API: the contract's status and code, a Chinese message
for the citizen's or clerk's screen, and never an echo of what the client sent."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
HOLDER = "110101199003071233"
STRANGER = "310115200001010016"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%demo\n"
SCRIPT = "<script>alert(1)</script>"


def _h(server: HallServer, role: str = "terminal", **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}", **extra}


def _get(server: HallServer, path: str, role: str | None = "terminal", **params: Any) -> httpx.Response:
    return httpx.get(server.url + path, headers=_h(server, role) if role else {}, params=params, timeout=budget(10))


def _post(server: HallServer, path: str, body: Any = None, role: str = "terminal") -> httpx.Response:
    return httpx.post(server.url + path, json=body, headers=_h(server, role), timeout=budget(10))


def _submit(server: HallServer, data: Any, files: dict[str, tuple[str, bytes, str]] | None = None
            ) -> httpx.Response:
    form = {"data": json.dumps(data, ensure_ascii=False)} if data is not None else None
    return httpx.post(f"{server.url}{API}/submissions", headers=_h(server), timeout=budget(10), data=form,
                      files=files or {"unused": ("a.pdf", PDF, "application/pdf")})


def _with(server: HallServer, item: str, *materials: dict[str, Any],
          files: dict[str, tuple[str, bytes, str]] | None = None) -> httpx.Response:
    return _submit(server, {"item_code": item, "id_number": HOLDER, "proof": card_proof(HOLDER),
                            "form": STANDARD_ANSWERS, "materials": list(materials)}, files)


def _case(server: HallServer) -> str:
    data = {"item_code": "A-001", "id_number": HOLDER, "proof": card_proof(HOLDER), "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "photo", "file": "f0"}]}
    r = _submit(server, data, {"f0": ("a.png", PNG, "image/png")})
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def _png_declaring(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
            + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)))


def _closed_followup(server: HallServer) -> httpx.Response:
    fid = _post(server, f"{API}/help", {"terminal_id": "kiosk-refusal", "message": "x"}).json()["id"]
    assert _post(server, f"{API}/followups/{fid}/close", {"note": "done"}, "manager").status_code == 200
    return _post(server, f"{API}/followups/{fid}/close", {"note": "again"}, "manager")


def _csrf_missing(server: HallServer) -> httpx.Response:
    client = httpx.Client(base_url=server.url, timeout=budget(10))
    assert client.post(f"{API}/dashboard/login", json={"token": server.tokens["manager"]}).status_code == 200
    fid = _post(server, f"{API}/help", {"terminal_id": "kiosk-refusal", "message": "y"}).json()["id"]
    return client.post(f"{API}/dashboard/followups/{fid}/acknowledge", json={"note": ""})


def _slot(start_in_h: int, end_in_h: int) -> dict[str, str]:
    now = datetime.now(UTC)
    return {"slot_start": (now + timedelta(hours=start_in_h)).isoformat(),
            "slot_end": (now + timedelta(hours=end_in_h)).isoformat()}


Request = Callable[[HallServer], httpx.Response]
CASES: list[tuple[str, Request, int, str, str]] = [
    # The framework's own refusals, in the same shape.
    ("unknown route", lambda s: _get(s, f"{API}/no-such-thing"), 404, "not_found", "没有这个地址"),
    ("wrong method", lambda s: httpx.delete(f"{s.url}{API}/categories", headers=_h(s), timeout=budget(10)), 405,
     "method_not_allowed", "该地址不支持这种请求方法"),
    # Submissions and their uploads.
    ("unknown case", lambda s: _get(s, f"{API}/submissions/20261122-0042-A7K3-M"), 404, "submission.not_found",
     "没有该登记编号的办件"),
    ("unknown material in a review", lambda s: _post(s, f"{API}/submissions/{_case(s)}/review",
                                                      {"materials": [{"id": 2_000_000, "verdict": "accepted"}]},
                                                      "clerk"),
     422, "submission.material_unknown", "该办件中没有这份材料"),
    ("signature without a file", lambda s: _with(s, "A-002", {"requirement": "commitment_signature"}), 422,
     "submission.signature_file", "容缺承诺书签名须作为 PNG 文件上传"),
    ("signature not a PNG", lambda s: _with(s, "A-002", {"requirement": "commitment_signature", "file": "sig"},
                                             files={"sig": ("sig.pdf", PDF, "application/pdf")}),
     415, "upload.signature_not_png", "容缺承诺书签名须为 PNG 图片"),
    ("a material names a part not sent", lambda s: _with(s, "A-001", {"requirement": "photo", "file": SCRIPT}),
     422, "submission.file_missing", "材料所指的文件没有上传"),
    ("not multipart", lambda s: httpx.post(f"{s.url}{API}/submissions", content=b"--x\r\nbroken",
                                            headers=_h(s, **{"Content-Type": "multipart/form-data"}),
                                            timeout=budget(10)),
     422, "submission.bad_multipart", "请求须为 multipart/form-data 格式"),
    ("no data part", lambda s: _submit(s, None), 422, "submission.data_missing", "缺少 JSON 格式的 data 部分"),
    ("data part invalid", lambda s: _submit(s, {"item_code": "A-001", "id_number": HOLDER, SCRIPT: 1}), 422,
     "validation", "请求内容有误：data.…（Extra inputs are not permitted）"),
    ("unknown item", lambda s: _submit(s, {"item_code": SCRIPT[:30], "id_number": HOLDER,
                                           "proof": card_proof(HOLDER)}), 404, "item.not_found",
     "没有该事项"),
    ("form answers that do not fit the item's form", lambda s: _submit(s, {
        "item_code": "A-001", "id_number": HOLDER, "proof": card_proof(HOLDER), "form": {"phone": "12345"}}),
     422, "form.invalid", "申请表有 2 处需要修改"),
    ("unknown file", lambda s: _get(s, f"{API}/files/{'0' * 64}", "clerk"), 404, "file.not_found", "没有该文件"),
    ("image bomb", lambda s: _with(s, "A-001", {"requirement": "photo", "file": "f0"},
                                    files={"f0": ("a.png", _png_declaring(50000, 50000), "image/png")}),
     413, "upload.image_too_large", "图片最多 89478485 像素"),
    # Appointments.
    ("unknown appointment", lambda s: _get(s, f"{API}/appointments/2000000", "clerk"), 404,
     "appointment.not_found", "没有该预约"),
    ("nothing booked", lambda s: _post(s, f"{API}/appointments/check-in", {"id_number": STRANGER}), 404,
     "appointment.not_found", "没有找到预约，请现场取普通号"),
    ("slot ends before it starts", lambda s: _post(s, f"{API}/appointments", {
        "id_number": HOLDER, "category": "A", **_slot(26, 25)}), 422, "appointment.slot",
     "预约时段的结束时间须晚于开始时间"),
    ("code and ID number", lambda s: _post(s, f"{API}/appointments/check-in", {
        "code": "K7M2-9QXA-3", "id_number": HOLDER}), 422, "checkin.target", "请提供预约码或身份证号（二者取一）"),
    # Follow-ups.
    ("unknown follow-up", lambda s: _post(s, f"{API}/followups/2000000/acknowledge", {"note": ""}, "manager"), 404,
     "followup.not_found", "没有该待办事项"),
    ("closed twice", _closed_followup, 409, "followup.closed", "该待办事项已关闭"),
    ("closed without a note", lambda s: _post(s, f"{API}/dashboard/followups/1/close", {"note": "   "}, "manager"),
     422, "followup.note_required", "关闭待办事项须填写处理说明"),
    # Statistics and the dashboard.
    ("report of 1999", lambda s: _get(s, f"{API}/stats/report", "manager", day="1999-12-31"), 422,
     "stats.bad_date", "日期须在 2000 年至 2100 年之间"),
    ("dashboard with a clerk token", lambda s: _get(s, f"{API}/dashboard/session", "clerk"), 403,
     "dashboard.role", "管理看板需要管理员令牌"),
    ("dashboard without a session", lambda s: _get(s, f"{API}/dashboard/overview", None), 401,
     "dashboard.login_required", "请先登录管理看板"),
    ("dashboard write without CSRF", _csrf_missing, 403, "dashboard.csrf", "缺少或错误的 X-CSRF-Token，请刷新页面"),
    ("unknown asset", lambda s: _get(s, "/dashboard/assets/evil.js", None), 404, "dashboard.asset_not_found",
     "没有该看板文件"),
    ("no such day", lambda s: _get(s, f"{API}/dashboard/report", "manager", date="2026-02-30"), 422,
     "dashboard.bad_date", "日期须为真实存在的 YYYY-MM-DD"),
    ("day out of range", lambda s: _get(s, f"{API}/dashboard/charts", "manager", day="1999-01-01"), 422,
     "dashboard.bad_date", "日期须在 2000 年至 2100 年之间"),
    # Terminals and service codes.
    ("heartbeat before registering", lambda s: _post(s, f"{API}/terminals/never-registered/heartbeat", {}), 404,
     "terminal.not_registered", "该终端尚未登记，请先登记"),
    ("not a service code", lambda s: _post(s, f"{API}/identity/service-code", {"code": SCRIPT}), 404,
     "service_code.invalid", "无法识别这个亮码，请刷新后重试或刷身份证"),
]


@pytest.mark.parametrize(("case", "send", "status", "code", "zh"), CASES, ids=[c[0] for c in CASES])
def test_refusal_has_its_status_code_and_chinese_message(hall_server_shared: HallServer, case: str, send: Request,
                                                         status: int, code: str, zh: str) -> None:
    r = send(hall_server_shared)
    assert r.status_code == status, (case, r.text[:300])
    err = r.json()["error"]
    assert (err["code"], err["message_zh"]) == (code, zh)
    assert err["message"] == err["message_en"] and isinstance(err["params"], dict)
    assert SCRIPT not in r.text and "script" not in r.text and HOLDER not in r.text


def test_a_validation_refusal_lists_every_field(hall_server_shared: HallServer) -> None:
    r = _post(hall_server_shared, f"{API}/terminals/register", {"id": "no spaces", "kind": "toaster", SCRIPT: 1})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation" and err["message_zh"].startswith("请求内容有误：")
    assert {f["field"] for f in err["fields"]} == {"id", "kind", "…"} and err["params"]["fields"] == err["fields"]
    assert "script" not in r.text


def test_a_wrong_method_says_which_ones_are_allowed(hall_server_shared: HallServer) -> None:
    r = httpx.delete(f"{hall_server_shared.url}{API}/categories", headers=_h(hall_server_shared), timeout=budget(10))
    assert r.status_code == 405 and "GET" in r.headers["allow"]


def test_the_check_in_refusal_keeps_its_documented_shape(hall_server_shared: HallServer) -> None:
    """docs/api.md, "Appointments": ``reason`` and ``come_back_at`` next to ``code``, the rest in ``params``."""
    s = hall_server_shared
    booked = _post(s, f"{API}/appointments", {"id_number": "440305199912310011", "category": "A", **_slot(30, 31)})
    assert booked.status_code == 201, booked.text
    r = _post(s, f"{API}/appointments/check-in", {"code": booked.json()["code"]})
    err = r.json()["error"]
    assert r.status_code == 422 and list(err) == ["code", "message", "message_zh", "message_en", "reason",
                                                  "come_back_at", "params"]
    assert list(err["params"]) == ["reason", "detail_zh", "detail_en", "come_back_at", "come_back_local",
                                   "slot_start", "slot_end", "booking_code", "category"]
    assert err["reason"] == err["params"]["reason"] and err["come_back_at"] == err["params"]["come_back_at"]
    assert err["message_zh"] == err["params"]["detail_zh"] and "普通号" in err["message_zh"]
