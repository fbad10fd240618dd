"""The admin tab's service items against a real server process: an admin creates and changes an item and
its form (a change keeps the previous version and is audited), the public API and the kiosk's list follow,
bad input is refused by field (the catalogue import's checks) and a bad form by its path; only an admin
session with its CSRF value may write."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.integration.test_dashboard_admin_api import audit, session
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
ADMIN = f"{API}/dashboard/admin"
FORM = {"applicants": ["person", "legal_person"], "fields": [
    {"key": "kind", "label": {"zh": "变更类型", "en": "Kind of change"}, "type": "choice",
     "options": [{"value": "name", "label": "名称变更"}, {"value": "address", "label": "住所变更"}]},
    {"key": "new_address", "label": "新住所", "type": "text", "max_len": 100,
     "when": {"field": "kind", "equals": "address"}},
]}


@pytest.fixture(scope="module")
def server(hall_server_shared: HallServer) -> HallServer:
    return hall_server_shared


def item_body(**change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name_zh": "个体工商户变更登记", "name_en": "Sole trader change", "category": "B", "department": "区市场监管局",
        "type": "行政许可", "conditions": "已登记的个体工商户", "legal_basis": "《促进个体工商户发展条例》",
        "legal_days": 15, "promised_days": 3, "fees": "不收费", "location": "二楼 B 区", "hours": "工作日 9:00–17:00",
        "consult_phone": "010-12345678", "supervise_phone": "12345", "process": "申请—受理—审核—办结",
        "result": "营业执照", "online": True, "online_url": "https://zwfw.example.gov.cn/item/T-100",
        "commitment_allowed": None, "active": True, "form": None,
        "materials": [
            {"key": "id_card", "name_zh": "经营者身份证", "name_en": "Owner's ID card", "form": "original", "copies": 1,
             "waivable": False, "elicense": "id_card", "note": "查验原件"},
            {"name_zh": "变更登记申请书", "form": "复印件", "copies": 2, "waivable": True, "formats": ["pdf"]},
        ],
    }
    return body | change


def public_item(server: HallServer, code: str) -> httpx.Response:
    return httpx.get(f"{server.url}{API}/items/{code}", timeout=budget(10),
                     headers={"Authorization": f"Bearer {server.tokens['kiosk']}"})


def test_an_admin_creates_an_item_and_the_public_api_shows_it(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    r = client.put(f"{ADMIN}/items/T-100", json=item_body(), headers=csrf)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["version"], out["changed"], out["active"], out["form"]) == (1, True, True, None)
    mats = out["materials"]
    assert [m["key"] for m in mats] == ["id_card", "m2"]  # a key given where none was, as an import does
    assert (mats[1]["form"], mats[1]["copies"], mats[1]["formats"], mats[1]["original"]) == ("copy", 2, ["pdf"], False)
    assert out["commitment_allowed"] is True  # left empty: allowed since a material may be waived
    shown = public_item(server, "T-100").json()
    assert shown["name_zh"] == "个体工商户变更登记" and shown["type"] == "行政许可" and shown["online"] is True
    assert client.get(f"{ADMIN}/items/T-100").json()["department"] == "区市场监管局"
    entry = audit(server, "item.configure")[0]
    assert entry["target"] == "item T-100" and entry["role"] == "admin" and "created v1" in entry["detail"]


def test_a_change_keeps_the_previous_version_and_is_audited(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    assert client.put(f"{ADMIN}/items/T-101", json=item_body(), headers=csrf).status_code == 200
    r = client.put(f"{ADMIN}/items/T-101", json=item_body(name_zh="个体工商户变更（新）", form=FORM), headers=csrf)
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["name_zh"]) == (2, "个体工商户变更（新）")
    # Stored as the canonical JSON (what parse_form(...).to_json() gives back).
    assert r.json()["form"]["fields"][0]["label"] == {"zh": "变更类型", "en": "Kind of change"}
    assert public_item(server, "T-101").json()["form"]["applicants"] == ["person", "legal_person"]
    versions = httpx.get(f"{server.url}{API}/items/T-101/versions", timeout=budget(10),
                         headers={"Authorization": f"Bearer {server.tokens['kiosk']}"}).json()
    assert [(v["version"], v["item"]["name_zh"], v["item"]["form"], v["import_id"]) for v in versions] == [
        (1, "个体工商户变更登记", None, None)]
    entries = [e for e in audit(server, "item.configure") if e["target"] == "item T-101"]
    assert "changed v2" in entries[0]["detail"] and "form own" in entries[0]["detail"]
    again = client.put(f"{ADMIN}/items/T-101", json=item_body(name_zh="个体工商户变更（新）", form=FORM), headers=csrf)
    assert (again.json()["version"], again.json()["changed"]) == (2, False)  # the same save writes nothing
    assert len([e for e in audit(server, "item.configure") if e["target"] == "item T-101"]) == 2


def test_a_save_from_a_stale_version_is_refused_not_overwriting(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    assert client.put(f"{ADMIN}/items/T-106", json=item_body(version=0), headers=csrf).status_code == 200
    again_new = client.put(f"{ADMIN}/items/T-106", json=item_body(version=0, name_zh="另一个"), headers=csrf)
    assert again_new.status_code == 409 and again_new.json()["error"]["code"] == "item.version_conflict"
    assert again_new.json()["error"]["message_zh"].startswith("已有实施编码为 T-106 的事项")
    assert client.put(f"{ADMIN}/items/T-106", json=item_body(version=1, fees="10元"), headers=csrf).status_code == 200
    stale = client.put(f"{ADMIN}/items/T-106", json=item_body(version=1, fees="20元"), headers=csrf)
    assert stale.status_code == 409 and "第 2 版" in stale.json()["error"]["message_zh"]
    assert public_item(server, "T-106").json()["fees"] == "10元"


def test_a_deactivated_item_leaves_the_kiosks_list_but_not_the_admins(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    assert client.put(f"{ADMIN}/items/T-102", json=item_body(), headers=csrf).status_code == 200
    kiosk = {"Authorization": f"Bearer {server.tokens['kiosk']}"}

    def listed() -> set[str]:
        rows = httpx.get(f"{server.url}{API}/items", headers=kiosk, timeout=budget(10)).json()
        return {i["code"] for i in rows}

    assert "T-102" in listed()
    r = client.put(f"{ADMIN}/items/T-102", json=item_body(active=False), headers=csrf)
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["version"] == 2
    assert "T-102" not in listed()
    mine = {i["code"]: i["active"] for i in client.get(f"{ADMIN}/items").json()}
    assert mine["T-102"] is False and mine["A-001"] is True


def test_a_submission_right_after_a_change_meets_the_new_item_not_a_cached_one(server: HallServer) -> None:
    """The server keeps items for submissions a few seconds; a save in the admin tab drops its copy."""
    client, csrf = session(server, "admin")
    one = [{"key": "id_card", "name_zh": "身份证", "elicense": "id_card"}]
    assert client.put(f"{ADMIN}/items/T-108", json=item_body(materials=one), headers=csrf).status_code == 200
    id_number = "110101199003071233"

    def submit() -> httpx.Response:
        data = {"item_code": "T-108", "id_number": id_number, "proof": card_proof(id_number), "name": "张三",
                "form": STANDARD_ANSWERS, "materials": [{"requirement": "id_card", "file": "f0"}]}
        return httpx.post(f"{server.url}{API}/submissions", timeout=budget(10),
                          files={"f0": ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg")},
                          headers={"Authorization": f"Bearer {server.tokens['terminal']}"},
                          data={"data": json.dumps(data, ensure_ascii=False)})

    assert submit().status_code == 201  # the item is now in the submissions' cache
    assert client.put(f"{ADMIN}/items/T-108", json=item_body(materials=one, active=False),
                      headers=csrf).status_code == 200
    refused = submit()
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "item.not_found"


def test_a_bad_form_is_refused_naming_its_path_and_nothing_changes(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    assert client.put(f"{ADMIN}/items/T-103", json=item_body(), headers=csrf).status_code == 200
    bad = {"fields": [{"key": "kind", "label": "类型", "type": "choice", "options": [{"value": "a", "label": "甲"}]},
                      {"key": "extra", "label": "补充", "when": {"field": "kind", "equals": "b"}}]}
    r = client.put(f"{ADMIN}/items/T-103", json=item_body(form=bad), headers=csrf)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "item.form_invalid" and error["path"] == "fields[1].when.equals"
    assert error["params"]["reason_zh"] == "不是该选择项的选项" and "fields[1].when.equals" in error["message_zh"]
    assert error["params"]["reason_en"] == "is not an option of that choice"
    checked = client.post(f"{ADMIN}/forms/check", json={"form": bad})
    assert checked.status_code == 422 and checked.json()["error"]["path"] == "fields[1].when.equals"
    assert public_item(server, "T-103").json()["version"] == 1
    standard = client.get(f"{ADMIN}/forms/standard").json()["form"]
    assert [f["key"] for f in standard["fields"]] == ["name", "id", "phone", "delivery", "address"]
    assert client.post(f"{ADMIN}/forms/check", json={"form": standard}).json()["form"] == standard


def test_bad_fields_are_refused_by_name_with_the_imports_reasons(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    body = item_body(promised_days=30, online_url="ftp://x")
    body["materials"][1] |= {"copies": 0, "form": "扫描件"}
    r = client.put(f"{ADMIN}/items/T-104", json=body, headers=csrf)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "item.invalid"
    found = {f["field"]: f["reason_zh"] for f in error["fields"]}
    assert found == {"promised_days": "承诺办结时限不能超过法定办结时限",
                     "online_url": "应为 http:// 或 https:// 开头的地址",
                     "materials[1].form": "应为 原件、复印件、原件和复印件、电子 之一",
                     "materials[1].copies": "应为 1–99 的整数"}
    assert error["message_zh"].startswith("承诺办结时限：")
    missing = client.put(f"{ADMIN}/items/T-104", json=item_body(category="Z"), headers=csrf)
    assert missing.status_code == 422 and missing.json()["error"]["fields"][0]["field"] == "category"
    assert missing.json()["error"]["message_zh"] == "业务类别：大厅没有这个业务类别"
    other = client.put(f"{ADMIN}/items/T-104", json=item_body(code="T-999"), headers=csrf)
    assert other.status_code == 422 and other.json()["error"]["fields"][0]["field"] == "code"
    bad_code = client.put(f"{ADMIN}/items/T%20104", json=item_body(), headers=csrf)
    assert bad_code.status_code == 422  # named once, not again by each material it would orphan
    assert [f["field"] for f in bad_code.json()["error"]["fields"]] == ["code"]
    assert public_item(server, "T-104").status_code == 404  # nothing of a refused save is kept


def test_only_an_admin_session_with_its_csrf_value_writes_items(server: HallServer) -> None:
    manager, manager_csrf = session(server, "manager")
    for path in ("/items", "/items/A-001", "/forms/standard"):
        r = manager.get(ADMIN + path)
        assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard.admin_only", path
    r = manager.put(f"{ADMIN}/items/T-105", json=item_body(), headers=manager_csrf)
    assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard.admin_only"
    for role in ("clerk", "counter", "kiosk", "manager"):
        bearer = {"Authorization": f"Bearer {server.tokens[role]}"}
        r = httpx.put(f"{server.url}{ADMIN}/items/T-105", json=item_body(), headers=bearer, timeout=budget(10))
        assert r.status_code == 403, (role, r.text)
    admin, _ = session(server, "admin")
    r = admin.put(f"{ADMIN}/items/T-105", json=item_body())
    assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard.csrf"
    assert public_item(server, "T-105").status_code == 404
    bearer = {"Authorization": f"Bearer {server.tokens['admin']}"}  # a script: no CSRF value needed
    r = httpx.put(f"{server.url}{ADMIN}/items/T-105", json=item_body(), headers=bearer, timeout=budget(10))
    assert r.status_code == 200, r.text
