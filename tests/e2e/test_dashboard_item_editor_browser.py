"""The admin tab's item editor in Debian's chromium against a real hall server process: an admin changes an
item's name and form (the kiosk's API shows both), a bad form's path and reason appear next to the form
while it is typed and again when saving (nothing saved), and a new item's refused field is named next to
its input; another admin's save shows in the open list. What is typed is shown as text, never markup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.test_dashboard_admin_browser import open_page
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

BAD_FORM = {"fields": [
    {"key": "kind", "label": "变更类型", "type": "choice", "options": [{"value": "name", "label": "名称变更"}]},
    {"key": "extra", "label": "补充说明", "when": {"field": "kind", "equals": "address"}}]}
GOOD_FORM = {"applicants": ["person", "legal_person"], "fields": [
    {"key": "kind", "label": {"zh": "<i>变更</i>类型", "en": "Kind"}, "type": "choice",
     "options": [{"value": "name", "label": "名称变更"}, {"value": "address", "label": "住所变更"}]},
    {"key": "new_address", "label": "新住所", "type": "text", "when": {"field": "kind", "equals": "address"}},
    {"key": "staff", "label": "从业人数", "type": "number", "min": 1, "required": False}]}


@pytest.fixture(scope="module")
def server(hall_server_shared: HallServer) -> HallServer:
    return hall_server_shared


@pytest.fixture
def admin_page(browser: Any, server: HallServer) -> Iterator[Any]:
    context, page, errors = open_page(browser, server, "admin")
    page.click('.tab[data-tab="admin"]')
    page.wait_for_selector('#adm-items tr[data-item="A-002"]')
    yield page
    context.close()
    assert not errors, errors


def kiosk_item(server: HallServer, code: str) -> dict[str, Any]:
    r = httpx.get(f"{server.url}/api/v1/items/{code}", timeout=budget(10),
                  headers={"Authorization": f"Bearer {server.tokens['kiosk']}"})
    assert r.status_code == 200, r.text
    item: dict[str, Any] = r.json()
    return item


def test_admin_changes_an_items_name_and_form_and_a_bad_form_is_named(admin_page: Any, server: HallServer) -> None:
    page = admin_page
    before = [(m["key"], m["name_zh"], m["copies"]) for m in kiosk_item(server, "A-002")["materials"]]
    page.click('#adm-items tr[data-item="A-002"] [data-action="edit"]')
    editor = "#adm-item-editor"
    page.wait_for_selector(f'{editor} input[name="name_zh"]')
    assert page.locator("#adm-item-standard").is_checked()
    page.wait_for_selector("#adm-item-preview li >> nth=4")  # the standard form's five fields, previewed
    page.fill(f'{editor} input[name="name_zh"]', "<b>城乡居民</b>养老保险关系转移")
    page.uncheck("#adm-item-standard")

    page.fill("#adm-item-form", json.dumps(BAD_FORM, ensure_ascii=False))
    # Named while typing (the server's own check), again on saving; nothing is saved.
    page.wait_for_selector('#adm-item-form-error:has-text("fields[1].when.equals")')
    page.click("#adm-item-save")
    page.wait_for_selector("#adm-status.error")
    assert "不是该选择项的选项" in page.inner_text("#adm-item-form-error")
    assert kiosk_item(server, "A-002")["version"] == 1

    page.fill("#adm-item-form", json.dumps(GOOD_FORM, ensure_ascii=False, indent=1))
    page.wait_for_selector('#adm-item-preview li[data-key="staff"]:has-text("选填")')
    assert page.inner_text("#adm-item-form-error") == ""
    assert "仅当“<i>变更</i>类型”为“住所变更”时" in page.inner_text('#adm-item-preview li[data-key="new_address"]')
    assert page.locator("#adm-item-preview i").count() == 0  # a label is text, never markup
    page.click("#adm-item-save")
    page.wait_for_selector('#adm-status.ok:has-text("A-002 已保存（第 2 版）")')
    page.wait_for_selector('#adm-items tr[data-item="A-002"]:has-text("<b>城乡居民</b>养老保险关系转移")')
    assert page.locator("#adm-items b").count() == 0

    item = kiosk_item(server, "A-002")
    assert item["name_zh"] == "<b>城乡居民</b>养老保险关系转移" and item["version"] == 2
    assert [f["key"] for f in item["form"]["fields"]] == ["kind", "new_address", "staff"]
    assert item["form"]["applicants"] == ["person", "legal_person"]
    assert [(m["key"], m["name_zh"], m["copies"]) for m in item["materials"]] == before  # kept as they were


def test_admin_adds_an_item_and_a_refused_field_is_named_next_to_it(admin_page: Any, server: HallServer) -> None:
    page = admin_page
    page.click("#adm-item-new")
    editor = "#adm-item-editor"
    page.wait_for_selector(f'{editor} input[name="code"]:focus')
    page.fill(f'{editor} input[name="code"]', "T-200")
    page.fill(f'{editor} input[name="name_zh"]', "社会团体成立登记")
    page.select_option(f'{editor} select[name="category"]', "C")
    page.fill(f'{editor} input[name="legal_days"]', "5")
    page.fill(f'{editor} input[name="promised_days"]', "8")
    page.click("#adm-mat-add")
    page.fill('#adm-materials tr.adm-mat >> nth=0 >> input[name="name_zh"]', "成立登记申请书")
    page.fill('#adm-materials tr.adm-mat >> nth=0 >> input[name="copies"]', "0")
    page.click("#adm-item-save")
    page.wait_for_selector('.adm-err[data-error-for="promised_days"]:has-text("承诺办结时限不能超过法定办结时限")')
    page.wait_for_selector('#adm-mat-errors li:has-text("应为 1–99 的整数")')
    copies = page.get_attribute('#adm-materials tr.adm-mat >> nth=0 >> input[name="copies"]', "class") or ""
    assert "adm-bad" in copies

    page.fill(f'{editor} input[name="promised_days"]', "3")
    page.fill('#adm-materials tr.adm-mat >> nth=0 >> input[name="copies"]', "2")
    page.click("#adm-item-save")
    page.wait_for_selector('#adm-status.ok:has-text("T-200 已保存（第 1 版）")')
    page.wait_for_selector('#adm-items tr[data-item="T-200"]')
    assert page.inner_text('.adm-err[data-error-for="promised_days"]') == ""
    item = kiosk_item(server, "T-200")
    assert (item["category"], item["promised_days"], item["form"]) == ("C", 3, None)
    assert [(m["name_zh"], m["copies"]) for m in item["materials"]] == [("成立登记申请书", 2)]

    # Another admin's save (a script with a bearer token) reaches this open list through the events socket.
    body = {"name_zh": "社会团体变更登记", "category": "C", "legal_days": 5, "promised_days": 3,
            "materials": [{"name_zh": "成立登记申请书", "copies": 2}]}
    r = httpx.put(f"{server.url}/api/v1/dashboard/admin/items/T-200", json=body, timeout=budget(10),
                  headers={"Authorization": f"Bearer {server.tokens['admin']}"})
    assert r.status_code == 200, r.text
    page.wait_for_selector('#adm-items tr[data-item="T-200"]:has-text("社会团体变更登记")')
