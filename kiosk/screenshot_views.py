"""Sample views for the screenshot gallery: one per screen, filled from the demo hall's seed data.

These only feed ``python -m kiosk.screenshots``; the kiosk itself never shows sample data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hall.forms import STANDARD_FORM, FormDefinition, parse_form
from kiosk.flows.base import View, message
from kiosk.flows.form import asked, field_row, review_rows
from kiosk.flows.rate import REASONS

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "hall" / "server" / "seed_data" / "demo_hall.json"
PAGE = ROOT / "devices" / "twins" / "doc_camera" / "samples" / "form_straight_dim.jpg"


def _seed() -> dict[str, Any]:
    try:
        return dict(json.loads(SEED.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {"categories": [], "items": []}


def _material(m: dict[str, Any], status: str, pages: int = 0) -> dict[str, Any]:
    return {"id": m["key"], "name_zh": m["name_zh"], "name_en": m["name_en"], "count": m.get("copies", 1),
            "original": bool(m.get("original")), "waivable": bool(m.get("waivable")),
            "elicense": bool(m.get("elicense")), "status": status, "pages": pages}


# panels over a screen: (name, the screen underneath, message key, buttons as (action, label key))
OVERLAYS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("help_overlay", "form", "help.called", (("close_help", "action.back_to_screen"),)),
    ("help_queued", "categories", "help.queued", (("close_help", "action.back_to_screen"),)),
    ("confirm_home", "form", "confirm.home", (("keep_working", "action.keep_working"), ("leave", "action.leave"))),
)


def live_queue() -> list[tuple[str, str, str, int]]:
    """The home screen's queue strip as a busy hall shows it: every line of the demo hall, counts
    from a mid-morning (code, name_zh, name_en, waiting)."""
    return [(c["code"], c["name_zh"], c["name_en"], w)
            for c, w in zip(_seed()["categories"], (12, 3, 5, 0, 2, 7, 1, 4, 9), strict=False)]


def sample_views() -> list[tuple[str, View]]:
    """Every screen with live-sized data: all of the hall's lines, the longest names, several cases,
    a form with errors, an item with five materials."""
    seed = _seed()
    cats = [{"code": c["code"], "name_zh": c["name_zh"], "name_en": c["name_en"], "waiting": w, "wait_min": w * 4,
             "full": c["code"] == "D", "full_reason": "daily_cap" if c["code"] == "D" else ""}
            for c, w in zip(seed["categories"], (12, 3, 5, 0, 2, 7, 1), strict=False)]
    item = next((i for i in seed["items"] if i["code"] == "B-002"), seed["items"][0] if seed["items"] else None)
    mats = item["materials"] if item else []
    rows = [_material(m, s, p) for m, (s, p) in zip(mats, (("elicense", 0), ("captured", 2), ("missing", 0),
                                                          ("missing", 0), ("captured", 1)), strict=False)]
    page = PAGE.read_bytes() if PAGE.exists() else b""
    url = "https://hall.example.gov.cn/t/Yq3VhX0b2m"
    views: list[tuple[str, View]] = [
        ("categories", View("categories", {"categories": cats, "notice": "", "values": {}})),
        ("identify", View("identify", {"purpose": "submit", "optional": False, "notice": "",
                                       "methods": ["id_card", "ss_card", "service_code"], "offline_methods": []})),
        ("keypad", View("keypad", {"error": "", "max_len": 18})),
        ("ticket", View("ticket", {"number": "A023", "category": "A", "category_zh": "社会保险",
                                   "category_en": "Social insurance", "ahead": 6, "wait_min": 18, "follow_url": url,
                                   "offline": False, "printed": True, "appointment": False})),
        ("ticket_paper_out", View("ticket", {"number": "A024", "category": "A", "category_zh": "社会保险",
                                             "category_en": "Social insurance", "ahead": 7, "wait_min": 21,
                                             "follow_url": url, "offline": False, "printed": False,
                                             "appointment": False})),
        ("checkin_refused", View("checkin_refused", {"reason": "wrong_day", "slot": "2026-11-23 14:00–14:30",
                                                     "back": "", "until": "", "category": "A"})),
        ("checkin_done", View("ticket", {"number": "A101", "category": "A", "category_zh": "社会保险",
                                         "category_en": "Social insurance", "ahead": 0, "wait_min": 1,
                                         "follow_url": url, "offline": False, "printed": True, "appointment": True,
                                         "checkin": True,
                                         "slot": "2026-11-22 10:00–10:30", "item_zh": "城乡居民基本养老保险参保登记",
                                         "item_en": "Enrolment in basic pension insurance for urban and rural "
                                                    "residents", "priority": ""})),
        ("ticket_priority", View("ticket", {"number": "A025", "category": "A", "category_zh": "社会保险",
                                            "category_en": "Social insurance", "ahead": 2, "wait_min": 8,
                                            "follow_url": url, "offline": False, "printed": True,
                                            "appointment": False, "priority": "elderly"})),
        ("ticket_offline", View("ticket", {"number": "K1-A005", "category": "A", "category_zh": "社会保险",
                                           "category_en": "Social insurance", "ahead": 0, "wait_min": 1,
                                           "follow_url": "", "offline": True, "printed": True,
                                           "appointment": False, "priority": ""})),
        ("categories_offline", View("categories", {"categories": [dict(c, offline=True) for c in cats],
                                                   "notice": "categories.offline", "values": {}})),
        ("take_card", message("session.take_card", tone="warn")),
        ("face", View("face", {"countdown_s": 3})),
    ]
    if item:
        views += [
            ("catalogue", View("catalogue", {"query": "dengji", "results": [
                {"code": i["code"], "name_zh": i["name_zh"], "name_en": i["name_en"], "category": i["category"]}
                for i in seed["items"] if "登记" in i["name_zh"]]})),
            ("guide", View("guide", _guide(item))),
            ("form", _form_view(FORM_VALUES, {"phone": "form.error.phone"})),
            ("form_address", _form_view({**FORM_VALUES, "phone": "13800138000", "address": ""},
                                        {"address": "form.error.address_missing"})),
            ("guide_counter_only", View("guide", {**_guide(item), "self_service": False})),
            ("applicant", View("applicant", {"choices": ["person", "legal_person"], "chosen": ""})),
            ("form_company_code", _company_view({"credit_code": "91350100M000100Y4"},
                                                {"credit_code": "form.error.credit_code"})),
            ("form_company", _company_view(COMPANY_VALUES, {}, company="found",
                                           locked={"company_name", "legal_representative"})),
            ("form_company_typed", _company_view({**COMPANY_VALUES, "company_name": "", "legal_representative": "",
                                                  "kind": "address"}, {}, company="not_found")),
            ("form_date", _company_view({**COMPANY_VALUES, "change_date": "2026-02-30"},
                                        {"change_date": "form.error.date"}, company="found",
                                        locked={"company_name", "legal_representative"}, editing="change_date")),
            ("materials", View("materials", {"rows": rows, "elicensed": 1})),
            ("capture", View("capture", {"material": rows[1] if len(rows) > 1 else rows[0], "pages": 2,
                                         "preview": page})),
            ("notice", View("notice", {"missing": [r for r in rows if r["status"] == "missing"] or rows[:1],
                                       "can_commit": True, "printed": "notice.printed"})),
            ("signature", View("signature", {"missing": rows[-1:], "due": "2026-12-04"})),
            ("review", View("review", {"code": item["code"], "name_zh": item["name_zh"], "name_en": item["name_en"],
                                       "category": "A", "masked_id": "110101********1233", "name": "欧阳娜娜",
                                       "form": {}, "fields": _review_fields(), "materials": rows, "signed": True})),
            ("review_company", View("review", {
                "code": item["code"], "name_zh": item["name_zh"], "name_en": item["name_en"], "category": "A",
                "masked_id": "110101********1233", "name": "欧阳娜娜", "materials": rows[:2], "signed": False,
                "fields": review_rows(COMPANY_SAMPLE, {**COMPANY_VALUES, "applicant_type": "legal_person",
                                                       "kind": "address",
                                                       "new_address": "福建省福州市鼓楼区五四路100号国际大厦18层"},
                                      {"company_name", "legal_representative"})})),
            ("receipt", View("receipt", {"code": "2026112200A7K3", "offline": False, "printed": True,
                                         "follow_url": "https://hall.example.gov.cn/r/2026112200A7K3",
                                         "promised": "2026-11-27", "due": "2026-12-04",
                                         "item_zh": item["name_zh"], "item_en": item["name_en"]})),
        ]
    views += [
        ("cases", View("cases", {"cases": [_case(i, code) for i, code in zip(
            [i for i in seed["items"] if i["code"] in ("B-002", "D-001", "F-004")],
            ("2026111800B2Q9", "2026111400D7M1", "2026110300F2K8"), strict=False)]})),
        ("rate", View("rate", {"levels": [5, 4, 3, 2, 1], "level": 0})),
        ("rate_reasons", View("rate_reasons", {"level": 2, "reasons": list(REASONS), "chosen": ["long_wait"],
                                               "error": ""})),
        ("rate_scan", View("rate_scan", {})),
        ("fallback", View("fallback", {"problems": ["no_item", "materials", "system", "refused", "other"]})),
        ("help_called", message("help.called", tone="ok")),
        ("closed", message("closed.message", opens="08:30", tone="warn")),
        ("refused_quota", message("refused.quota", actions=("back", "home"), tone="warn",
                                  lines=(("refused.detail.quota", {"limit": 3, "used": 3}),))),
        ("category_full", View("categories", {"categories": [dict(cats[0], full=True, full_reason="daily_cap"),
                                                             *cats[1:]], "notice": "categories.full.daily_cap",
                                              "values": {"code": cats[0]["code"]}})),
    ]
    return views


def _case(item: dict[str, Any], code: str) -> dict[str, Any]:
    steps = [("received", "2026-11-18 09:12"), ("reviewing", "2026-11-18 14:30"),
             ("supplement_required", "2026-11-19 10:05"), ("reviewing", "2026-11-20 16:40")]
    return {"code": code, "item_zh": item["name_zh"], "item_en": item["name_en"], "status": "reviewing",
            "due": "2026-11-25", "history": [{"status": s, "at": at} for s, at in steps]}


FORM_VALUES = {"name": "欧阳娜娜", "id": "110101********1233", "phone": "123", "delivery": "mail",
               "address": "广东省广州市天河区天河路385号"}


def _guide(item: dict[str, Any]) -> dict[str, Any]:
    return {"code": item["code"], "name_zh": item["name_zh"], "name_en": item["name_en"],
            "category": item["category"], "conditions_zh": item.get("conditions", ""), "conditions_en": "",
            "materials": [_material(m, "") for m in item["materials"]], "legal_days": item["legal_days"],
            "promised_days": item["promised_days"], "fee_zh": item.get("fees", ""), "fee_en": "Free",
            "self_service": True}


def _review_fields() -> list[dict[str, Any]]:
    return review_rows(STANDARD_FORM, {**FORM_VALUES, "phone": "13800138000"}, {"name", "id"})


def _form_view(values: dict[str, str], messages: dict[str, str], *, form: FormDefinition = STANDARD_FORM,
               locked: set[str] | frozenset[str] = frozenset({"name", "id", "address"}), company: str = "",
               editing: str = "") -> View:
    fields = [field_row(f, values, locked) for f in asked(form, values)]
    return View("form", {"fields": fields, "values": {f["key"]: values.get(f["key"], "") for f in fields},
                         "errors": list(messages), "messages": messages, "editing": editing,
                         "applicant": values.get("applicant_type", "person"), "company": company,
                         "today": "2026-11-22"})


def _company_view(values: dict[str, str], messages: dict[str, str], *, company: str = "",
                  locked: set[str] | frozenset[str] = frozenset(), editing: str = "") -> View:
    return _form_view({"applicant_type": "legal_person", **values}, messages, form=COMPANY_SAMPLE, locked=locked,
                      company=company, editing=editing)


# a company's change of registration: the legal person's block, a choice that asks a free-text address,
# a date and a number (the demo hall's company item has this form)
COMPANY_SAMPLE = parse_form({"applicants": ["person", "legal_person"], "fields": [
    {"key": "phone", "label": {"zh": "联系电话", "en": "Mobile phone"}, "type": "mobile"},
    {"key": "kind", "label": {"zh": "变更事项", "en": "What changes"}, "type": "choice",
     "options": [{"value": "name", "label": {"zh": "名称变更", "en": "Name"}},
                 {"value": "address", "label": {"zh": "住所变更", "en": "Address"}},
                 {"value": "scope", "label": {"zh": "经营范围变更", "en": "Business scope"}}]},
    {"key": "new_address", "label": {"zh": "新住所", "en": "New address"}, "type": "text", "max_len": 100,
     "when": {"field": "kind", "equals": "address"}},
    {"key": "change_date", "label": {"zh": "变更日期", "en": "Date of change"}, "type": "date"},
    {"key": "staff", "label": {"zh": "从业人数", "en": "Staff"}, "type": "number", "min": 1, "max": 100000,
     "applicant": "legal_person"}]})
COMPANY_VALUES = {"credit_code": "91350100M000100Y43", "company_name": "福州市鼓楼区示范信息科技有限责任公司",
                  "legal_representative": "欧阳娜娜", "phone": "13800138000", "kind": "name",
                  "change_date": "2026-11-22", "staff": "12"}
