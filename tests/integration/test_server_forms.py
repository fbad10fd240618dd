"""Submissions checked against their item's form (docs/forms.md) on a real server with the demo hall: a
direct submission with wrong answers is refused field by field in Chinese and English, only asked answers
are kept, a legal person's company block reaches the clerk, and an outbox submission made against an older
version of the form is kept with its problems instead of being lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from offline_cache.factory import open_terminal
from offline_cache.states import State
from tests.integration.offline_faults import terminal_settings, wait_for
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer, start_hall_server
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
HOLDER = "110101199003071233"
COMPANY = "91310115MA1H3T6R23"  # in the demo e-licence library


def _submit(s: HallServer, data: dict[str, Any]) -> httpx.Response:
    body = {"id_number": HOLDER, "proof": card_proof(HOLDER), "name": "张三", "materials": [], **data}
    return httpx.post(f"{s.url}{API}/submissions", headers={"Authorization": f"Bearer {s.tokens['terminal']}"},
                      data={"data": json.dumps(body, ensure_ascii=False)}, timeout=budget(10))


def _detail(s: HallServer, code: str) -> dict[str, Any]:
    r = httpx.get(f"{s.url}{API}/submissions/{code}/detail", headers={"Authorization": f"Bearer {s.tokens['clerk']}"},
                  timeout=budget(10))
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_wrong_answers_are_refused_field_by_field_without_echoing_them(hall_server_shared: HallServer) -> None:
    r = _submit(hall_server_shared, {"item_code": "F-002", "form": {
        "phone": "23800000000", "delivery": "hall", "reason": "holiday", "destination": "广东省深圳市",
        "start": "2026-02-30", "张三的备注": "110101199003071233"}})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "form.invalid" and err["message_zh"] == "申请表有 4 处需要修改"
    problems = {p["field"]: p for p in err["params"]["problems"]}
    assert {k: p["code"] for k, p in problems.items()} == {"phone": "form.error.phone", "reason": "form.error.choice",
                                                           "start": "form.error.date", "?": "form.error.unknown"}
    assert problems["phone"]["message_zh"].startswith("请输入 11 位手机号码")
    assert problems["phone"]["message_en"] == "Enter an 11-digit mobile number"
    for answer in ("23800000000", "holiday", "深圳", "2026-02-30", "张三", "110101199003071233"):
        assert answer not in r.text


def test_only_the_answers_the_form_asks_are_kept(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    r = _submit(s, {"item_code": "A-004", "form": {**STANDARD_ANSWERS, "address": "北京市东城区某街 1 号",
                                                   "name": "张三", "id": "110101********1233"}})
    assert r.status_code == 201, r.text
    detail = _detail(s, r.json()["code"])
    # the address is asked only when the result goes by post
    assert detail["applicant"]["form"] == {**STANDARD_ANSWERS, "name": "张三", "id": "110101********1233"}
    assert detail["applicant"]["applicant_type"] == "person" and detail["applicant"]["form_problems"] == []
    assert [f["key"] for f in detail["form_fields"]] == ["name", "id", "phone", "delivery", "address"]


def test_a_legal_person_applies_with_its_company_block(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    company = {"applicant_type": "legal_person", "credit_code": COMPANY, "company_name": "上海浦东示例餐饮管理有限公司",
               "legal_representative": "李示例", "phone": "13900000000", "business_kind": "canteen", "diners": "120",
               "premises": "上海市浦东新区某路 8 号", "area": "85", "online": "no", "delivery": "hall"}
    r = _submit(s, {"item_code": "E-004", "form": company})
    assert r.status_code == 201, r.text
    assert "李示例" not in r.text and "上海浦东示例" not in r.text  # progress: nothing of the company's people
    detail = _detail(s, r.json()["code"])
    applicant = detail["applicant"]
    assert applicant["applicant_type"] == "legal_person" and applicant["credit_code"] == COMPANY
    assert applicant["form"]["legal_representative"] == "李示例" and applicant["form"]["diners"] == "120"
    fields = detail["form_fields"]
    assert [f["key"] for f in fields[:4]] == ["applicant_type", "credit_code", "company_name", "legal_representative"]
    assert "shop_sign" in {f["key"] for f in fields}  # asked of persons only: labelled, not answered here
    assert fields[0]["options"] == {"person": "个人", "legal_person": "企业/单位"}
    kinds = next(f for f in fields if f["key"] == "business_kind")
    assert kinds["label_zh"] == "经营项目" and kinds["options"]["canteen"] == "单位食堂"


def test_a_company_code_and_an_applicant_the_item_does_not_take_are_refused(hall_server_shared: HallServer) -> None:
    s = hall_server_shared
    wrong_code = _submit(s, {"item_code": "E-004", "form": {
        "applicant_type": "legal_person", "credit_code": "91310115MA1H3T6R24", "company_name": "某公司",
        "legal_representative": "李示例", "phone": "13900000000", "business_kind": "retail",
        "premises": "上海市浦东新区某路 8 号", "area": "85", "online": "no", "delivery": "hall"}})
    assert wrong_code.status_code == 422
    assert [(p["field"], p["code"]) for p in wrong_code.json()["error"]["params"]["problems"]] == [
        ("credit_code", "form.error.credit_code")]
    # 营业执照变更登记 is for legal persons only
    person = _submit(s, {"item_code": "E-003", "form": STANDARD_ANSWERS})
    assert person.status_code == 422
    assert [p["code"] for p in person.json()["error"]["params"]["problems"]] == ["form.error.applicant"]


def test_an_offline_submission_against_an_older_form_is_kept_with_its_problems(
        tmp_path: Path, hall_server: HallServer) -> None:
    """The kiosk still knew 异地就医备案 with the standard form; by the time its outbox reaches the server the
    item asks two more questions. The citizen left with a receipt: the case is kept, the clerk told."""
    terminal = open_terminal(terminal_settings(tmp_path / "t", hall_server.url, hall_server.tokens["terminal"]))
    hall_server.stop()
    try:
        body = {"item_code": "F-002", "id_number": HOLDER, "proof": card_proof(HOLDER), "name": "张三",
                "form": {**STANDARD_ANSWERS, "remark": "旧版表单的一项"}, "materials": []}
        receipt = terminal.submit(body)
        assert not receipt.delivered and receipt.local_code
        server = start_hall_server(hall_server.db_url, tmp_path, port=hall_server.port, name="server-again")
        server.tokens = hall_server.tokens
        try:
            wait_for(lambda: terminal.backlog().backlog == 0)
            (record,) = terminal.outbox.records()
            assert record.state is State.ACKED, record.last_error
            applicant = _detail(server, str(record.server_ref))["applicant"]
            # the answer to the question the item no longer asks is the citizen's: kept for the clerk
            assert applicant["form"] == {**STANDARD_ANSWERS, "remark": "旧版表单的一项"}
            assert [(p["field"], p["code"]) for p in applicant["form_problems"]] == [
                ("destination", "form.required"), ("reason", "form.required"), ("remark", "form.error.unknown")]
            assert applicant["form_problems"][0]["message_zh"] == "请填写此项"
        finally:
            server.stop()
    finally:
        terminal.close()
