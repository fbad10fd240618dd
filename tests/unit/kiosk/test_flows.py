"""Every kiosk flow walked end to end as plain Python (no Qt), including faults and the idle wipe."""

from __future__ import annotations

from typing import Any

import pytest

from devices.code_scanner.protocol import ScannedCode
from kiosk.flows.base import View
from kiosk.flows.machine import KioskMachine, settle
from kiosk.flows.session import Session
from tests.unit.kiosk.fakes import ELDER_ID, ITEMS, YOUNG_ID, id_card, make_context, ss_card


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Kiosk:
    """Drives the machine like the screens do: touches and device events, work run synchronously."""

    def __init__(self, **devices: bool) -> None:
        self.ctx = make_context(**devices)
        self.clock = Clock()
        self.m = KioskMachine(self.ctx, idle_timeout_s=60, idle_countdown_s=10, monotonic=self.clock)

    def tile(self, name: str, **options: Any) -> View:
        return settle(self.m, self.m.choose(name, **options))

    def tap(self, action: str, value: Any = None) -> View:
        return settle(self.m, self.m.input(action, value))

    def event(self, kind: str, name: str, payload: Any = None) -> View:
        return settle(self.m, self.m.device_event(kind, name, payload))

    @property
    def view(self) -> View:
        return self.m.view


def assert_wiped(session: Session) -> None:
    assert session.is_empty()
    assert session.identity is None and not session.face_photos and not session.form and not session.pages


# -- take a number ---------------------------------------------------------------------------------
def test_take_a_number_without_identification_prints_and_shows_the_ticket() -> None:
    k = Kiosk()
    v = k.tile("take_number")
    assert v.screen == "categories" and [c["code"] for c in v.data["categories"]] == ["A", "B", "F"]
    v = k.tap("category", "A")
    assert v.screen == "identify" and v.data["optional"]
    v = k.tap("skip")
    assert v.screen == "ticket"
    assert v.data["number"] == "A001" and v.data["printed"] and v.data["ahead"] == 3 and v.data["wait_min"] == 9
    assert v.data["follow_url"]
    assert k.ctx.printer.kinds == ["ticket"]
    assert b"A001" in k.ctx.printer.printed[0] and b"\x1dV" in k.ctx.printer.printed[0]  # cut
    k.tap("done")
    assert k.view.screen == "home"
    assert_wiped(k.ctx.session)


def test_identifying_passes_the_id_number_for_elderly_priority() -> None:
    k = Kiosk()
    k.tile("take_number")
    k.tap("category", "B")
    v = k.event("ss_card", "card_placed", ss_card(ELDER_ID))
    assert v.screen == "ticket"
    assert k.ctx.terminal.calls[0] == ("issue_ticket", {"category": "B", "id_number": ELDER_ID, "priority": None})


def test_printer_out_of_paper_shows_the_ticket_and_alerts_staff() -> None:
    k = Kiosk()
    k.ctx.printer.paper_out = True
    k.tile("take_number")
    k.tap("category", "A")
    v = k.tap("skip")
    assert v.screen == "ticket" and not v.data["printed"] and v.data["number"] == "A001" and v.data["follow_url"]
    assert ("help_call", {"reason": "device.printer.paper_out", "detail": "ticket"}) in k.ctx.terminal.calls


def test_closed_hall_issues_no_tickets_and_says_when_it_opens() -> None:
    k = Kiosk()
    k.ctx.hall.open = False
    v = k.tile("take_number")
    assert v.screen == "message" and v.data["key"] == "closed.message" and v.data["values"]["opens"] == "08:30"
    assert "issue_ticket" not in k.ctx.terminal.names()


def test_a_full_category_is_shown_with_its_reason() -> None:
    k = Kiosk()
    k.ctx.hall.full.add("A")
    v = k.tile("take_number")
    assert v.data["categories"][0]["full"]
    v = k.tap("category", "A")
    assert v.screen == "categories" and v.data["notice"] == "categories.full.daily_cap"


def test_quota_refusal_is_explained() -> None:
    k = Kiosk()
    k.ctx.terminal.refuse = {"code": "quota", "count": 3}
    k.tile("take_number")
    k.tap("category", "A")
    v = k.tap("skip")
    assert v.screen == "message" and v.data["key"] == "refused.quota"


def test_server_down_still_issues_an_offline_ticket() -> None:
    k = Kiosk()
    k.ctx.terminal.online = False
    k.tile("take_number")
    k.tap("category", "A")
    v = k.tap("skip")
    assert v.screen == "ticket" and v.data["offline"] and v.data["number"].startswith("K1-")


# -- identify ----------------------------------------------------------------------------------------
def test_id_reader_offline_leaves_the_other_methods() -> None:
    k = Kiosk(id_card=False)
    k.tile("take_number")
    v = k.tap("category", "A")
    assert v.data["methods"] == ["ss_card", "service_code"] and v.data["offline_methods"] == ["id_card"]


def test_manual_entry_enforces_the_check_digit() -> None:
    k = Kiosk()
    k.tile("checkin")
    assert k.tap("manual").screen == "keypad"
    bad = YOUNG_ID[:-1] + ("1" if YOUNG_ID[-1] != "1" else "2")
    v = k.tap("keypad_submit", bad)
    assert v.screen == "keypad" and v.data["error"] == "keypad.invalid"
    v = k.tap("keypad_submit", YOUNG_ID.lower())
    assert v.screen == "ticket" and v.data["appointment"]
    assert ("check_in", {"code": None, "id_number": YOUNG_ID}) in k.ctx.terminal.calls


def test_service_code_identifies_and_unknown_codes_are_explained() -> None:
    k = Kiosk()
    k.tile("query")
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "garbage"))
    assert v.screen == "identify" and v.data["notice"] == "identify.code_unknown"
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "SVC-TOKEN-OK"))
    assert v.screen == "cases" and v.data["cases"][0]["code"] == "2026112000A7K3"


def test_a_3_0_social_security_card_without_psam_asks_for_the_id_card() -> None:
    k = Kiosk()
    k.tile("submit")
    v = k.event("ss_card", "card_placed", ss_card(holder=False))
    assert v.screen == "identify" and v.data["notice"] == "identify.ss_card_needs_id_card"
    assert k.ctx.session.identity is None


def test_pulling_the_social_security_card_ends_the_session() -> None:
    k = Kiosk()
    k.tile("submit")
    k.event("ss_card", "card_placed", ss_card())
    assert k.ctx.session.identity is not None
    k.event("ss_card", "card_removed")
    assert k.view.screen == "home" and k.m.last_home_reason == "card_removed"
    assert_wiped(k.ctx.session)


def test_pulling_a_card_does_not_end_a_session_identified_otherwise() -> None:
    k = Kiosk()
    k.tile("submit")
    k.event("id_card", "card_placed", id_card())
    k.event("ss_card", "card_removed")
    assert k.view.screen == "face"


# -- appointment check-in ----------------------------------------------------------------------------
def test_checkin_by_booking_qr_prints_a_priority_ticket() -> None:
    k = Kiosk()
    k.tile("checkin")
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "https://hall.example/appt/K7M2-9QXA-3"))
    assert v.screen == "ticket" and v.data["appointment"] and v.data["slot"] == "2026-11-22 10:00–10:30"
    # 签到成功 with the item and the line's name, never its code (14.6)
    assert v.data["checkin"] and v.data["item_zh"] == "社保卡申领" and v.data["category_zh"] == "社保业务"
    assert k.ctx.printer.kinds == ["ticket"] and "社保业务".encode("gb18030") in k.ctx.printer.printed[0]


def test_early_checkin_is_explained_and_offers_a_normal_ticket() -> None:
    k = Kiosk()
    k.tile("checkin")
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "appt:EARLY1234"))
    assert v.screen == "checkin_refused" and v.data["reason"] == "early" and v.data["slot"] == "14:00–14:30"
    v = k.tap("normal_ticket")
    assert v.screen == "identify"  # category A preselected, straight to the optional identify step
    v = k.tap("skip")
    assert v.screen == "ticket" and v.data["category"] == "A" and not v.data["appointment"]


# -- self-service submission -------------------------------------------------------------------------
def _to_materials(k: Kiosk) -> View:
    k.tile("submit")
    v = k.event("id_card", "card_placed", id_card())
    assert v.screen == "face"
    v = k.tap("face_ok", b"\xff\xd8face\xff\xd9")
    assert v.screen == "catalogue" and len(v.data["results"]) == len(ITEMS)
    v = k.tap("search", "sb")
    assert v.data["results"][0]["code"] == "SB-001"
    v = k.tap("search", "GJJ-002")
    assert [r["code"] for r in v.data["results"]] == ["GJJ-002"]
    v = k.tap("search", "户口")
    assert [r["code"] for r in v.data["results"]] == ["HJ-003"]
    v = k.tap("item", "SB-001")
    assert v.screen == "guide" and v.data["promised_days"] == 5 and len(v.data["materials"]) == 3
    v = k.tap("start_form")
    assert v.screen == "form"
    assert v.data["values"]["name"] == "欧阳娜娜"  # 一号申请: prefilled from the card
    v = k.tap("form_next")
    assert set(v.data["errors"]) == {"phone", "delivery"}
    assert k.tap("set_field", ("phone", "13x")).data["errors"] == ["phone"]
    k.tap("set_field", ("phone", "13800138000"))
    k.tap("set_field", ("delivery", "mail"))
    k.tap("set_field", ("name", "someone else"))  # prefilled fields are locked
    assert k.ctx.session.form["name"] == "欧阳娜娜"
    v = k.tap("form_next")
    assert v.screen == "materials"
    return v


def test_submission_with_commitment_end_to_end() -> None:
    k = Kiosk()
    v = _to_materials(k)
    status = {r["id"]: r["status"] for r in v.data["rows"]}
    assert status == {"id": "elicense", "photo": "missing", "form": "missing"}
    v = k.tap("capture", "form")
    assert v.screen == "capture" and v.data["pages"] == 0
    k.tap("shoot")
    v = k.tap("shoot")
    assert v.data["pages"] == 2
    v = k.tap("retake")
    assert v.data["pages"] == 1
    k.tap("shoot")
    v = k.tap("accept_pages")
    assert {r["id"]: r["pages"] for r in v.data["rows"]}["form"] == 2
    v = k.tap("materials_next")
    assert v.screen == "notice" and [m["id"] for m in v.data["missing"]] == ["photo"] and v.data["can_commit"]
    v = k.tap("commit")
    assert v.screen == "signature" and v.data["due"] == "2026-12-02"
    v = k.tap("signed", b"\x89PNGsig")
    assert v.screen == "review" and v.data["masked_id"] == "440106********002X" and v.data["signed"]
    v = k.tap("submit")
    assert v.screen == "receipt" and v.data["code"] == "2026112200A7K3" and v.data["printed"]
    sub = next(c[1]["submission"] for c in k.ctx.terminal.calls if c[0] == "submit")
    assert sub.elicensed == ("id",) and sub.waived == ("photo",) and len(sub.pages["form"]) == 2
    assert sub.signature == b"\x89PNGsig" and sub.face_photo
    assert YOUNG_ID not in repr(sub)
    assert k.ctx.printer.kinds == ["receipt"]
    receipt = k.ctx.printer.printed[0]
    assert b"440106********002X" in receipt and YOUNG_ID.encode() not in receipt
    v = k.tap("rate")
    assert v.screen == "rate"
    k.tap("level", 5)
    k.tap("send")
    assert k.ctx.terminal.calls[-1] == ("rate", {"level": 5, "reasons": [], "comment": "",
                                                 "target": "submission:2026112200A7K3"})


def test_missing_materials_get_a_printed_one_time_notice() -> None:
    k = Kiosk()
    _to_materials(k)
    v = k.tap("materials_next")
    assert [m["id"] for m in v.data["missing"]] == ["photo", "form"]
    v = k.tap("print_notice")
    # printing the list does not end the application: the notice stays, with the 容缺 commitment
    assert v.screen == "notice" and v.data["printed"] == "notice.printed" and k.ctx.printer.kinds == ["notice"]
    assert v.data["can_commit"] and k.ctx.session.form and k.ctx.session.identity is not None
    assert k.tap("commit").screen == "signature"


def test_camera_offline_explains_and_offers_a_counter_ticket() -> None:
    k = Kiosk(camera=False)
    k.tile("submit")
    v = k.event("id_card", "card_placed", id_card())
    assert v.screen == "message" and v.data["key"] == "face.camera_offline" and "counter_ticket" in v.data["actions"]
    v = k.tap("counter_ticket")
    assert v.screen == "categories"


def test_doc_camera_offline_points_to_the_counter() -> None:
    k = Kiosk(doc_camera=False)
    _to_materials(k)
    v = k.tap("capture", "form")
    assert v.screen == "message" and v.data["key"] == "capture.offline"


def test_offline_submission_gets_a_local_code() -> None:
    k = Kiosk()
    _to_materials(k)
    k.ctx.terminal.online = False
    k.tap("capture", "photo")
    k.tap("shoot")
    k.tap("accept_pages")
    k.tap("capture", "form")
    k.tap("shoot")
    k.tap("accept_pages")
    assert k.tap("materials_next").screen == "review"
    v = k.tap("submit")
    assert v.data["offline"] and v.data["code"].startswith("LK1")


# -- query, rate, help, fallback -----------------------------------------------------------------
def test_query_by_receipt_code_and_by_identity() -> None:
    k = Kiosk()
    k.tile("query")
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "2026112000A7K3"))
    assert v.screen == "cases" and v.data["cases"][0]["history"][1]["status"] == "reviewing"
    k.tap("home")
    k.tile("query")
    v = k.event("id_card", "card_placed", id_card())
    assert v.screen == "cases" and len(v.data["cases"]) == 1


def test_query_offline_is_explained() -> None:
    k = Kiosk()
    k.ctx.hall.online = False
    k.tile("query")
    v = k.event("id_card", "card_placed", id_card())
    assert v.screen == "message" and v.data["key"] == "query.offline"


def test_low_ratings_need_a_reason() -> None:
    k = Kiosk()
    v = k.tile("rate")
    assert v.screen == "rate_scan"  # a rating belongs to a service: the receipt's QR says which
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "hello"))
    assert v.data["notice"] == "rate.scan.unknown"
    k.event("code_scanner", "code_scanned", ScannedCode("qr", "https://hall/r/2026112000A7K3"))
    v = k.tap("level", 1)
    assert v.screen == "rate_reasons"
    assert k.tap("reasons_next").data["error"] == "rate.reasons.required"
    k.tap("toggle_reason", "long_wait")
    k.tap("toggle_reason", "attitude")
    k.tap("toggle_reason", "attitude")
    v = k.tap("reasons_next")
    assert v.screen == "rate_comment"
    k.tap("comment", "comment.faster")
    v = k.tap("send")
    assert v.data["key"] == "rate.thanks"
    assert k.ctx.terminal.calls[-1][1] == {"level": 1, "reasons": ["long_wait"], "comment": "希望办理更快",
                                            "target": "submission:2026112000A7K3"}


def test_a_queue_ticket_is_rated_with_the_rating_code_on_its_receipt() -> None:
    """Issue 15 item 1: the ticket's QR ``RATE:…`` (or the code typed) names the one service rated."""
    k = Kiosk()
    k.tile("rate")
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "RATE:123-abcdefgh"))
    assert v.screen == "rate"
    k.tap("level", 5)
    assert k.tap("send").data["key"] == "rate.thanks"
    assert k.ctx.terminal.calls[-1][1]["target"] == "rating:123-ABCDEFGH"
    k = Kiosk()
    k.tile("rate")
    v = k.event("code_scanner", "code_scanned", ScannedCode("qr", "RATE:0-ABCDEFGH"))  # no such ticket id
    assert v.data["notice"] == "rate.scan.unknown"


def test_help_calls_staff_from_anywhere_and_keeps_the_place() -> None:
    k = Kiosk()
    _to_materials(k)
    before = k.view
    v = k.tap("help")
    assert v is before and k.m.overlay == "help" and k.m.help_state == "called"
    assert ("help_call", {"reason": "help", "detail": ""}) in k.ctx.terminal.calls
    k.tap("capture", "form")  # the overlay covers the screen: a touch underneath does nothing
    assert k.view is before
    k.tap("close_help")
    assert k.m.overlay == "" and k.view is before and k.ctx.session.form["phone"] == "13800138000"
    assert k.tap("capture", "form").screen == "capture"


def test_fallback_records_alerts_and_prints_a_priority_ticket() -> None:
    k = Kiosk()
    v = k.tile("fallback")
    assert v.screen == "fallback"
    v = k.tap("problem", "materials")
    assert v.screen == "ticket" and v.data["fallback"]
    assert ("help_call", {"reason": "fallback", "detail": "materials"}) in k.ctx.terminal.calls
    assert ("issue_ticket", {"category": "F", "id_number": None, "priority": "fallback"}) in k.ctx.terminal.calls


# -- session rules -----------------------------------------------------------------------------------
def test_idle_countdown_then_home_wipes_everything_personal() -> None:
    k = Kiosk()
    _to_materials(k)
    k.tap("capture", "form")
    k.tap("shoot")
    assert not k.ctx.session.is_empty()
    k.clock.t += 59
    k.m.tick()
    assert k.m.countdown is None
    k.clock.t += 2
    k.m.tick()
    assert k.m.countdown == 9
    k.clock.t += 9
    k.m.tick()
    assert k.m.last_home_reason == "idle"
    assert_wiped(k.ctx.session)
    # the ID card is still on the reader: the screen and the voice ask for it back, then home
    assert k.view.data["key"] == "session.take_card" and "请取回您的证件" in k.m.spoken
    k.event("id_card", "card_removed")
    assert k.view.screen == "home"


def test_a_touch_during_the_countdown_continues() -> None:
    k = Kiosk()
    k.tile("rate")
    k.clock.t += 65
    k.m.tick()
    assert k.m.countdown == 5
    k.tap("continue")
    assert k.m.countdown is None
    k.clock.t += 30
    k.m.tick()
    assert k.view.screen == "rate_scan"


def test_late_work_results_of_a_wiped_session_are_dropped() -> None:
    k = Kiosk()
    k.tile("take_number")
    k.tap("category", "A")
    work = k.m.input("skip")
    assert work is not None
    gen = k.m.generation
    k.clock.t += 100
    k.m.tick()  # idle wipe while the ticket was being issued
    assert k.m.complete(work, gen, result=work.run()) is None
    assert k.view.screen == "home" and k.ctx.session.is_empty()


def test_elderly_mode_speaks_prompts_and_slows_the_timeout() -> None:
    k = Kiosk()
    k.m.set_elderly(True)
    k.tile("take_number")
    assert "请选择要办理的业务类别" in k.m.spoken
    k.clock.t += 100
    k.m.tick()
    assert k.view.screen == "categories"  # 120 s before the countdown for seniors
    k.clock.t += 40
    k.m.tick()
    assert k.view.screen == "home" and not k.ctx.elderly  # idle resets the mode for the next citizen


def test_unexpected_errors_become_a_calm_message(monkeypatch: pytest.MonkeyPatch) -> None:
    k = Kiosk()

    def boom() -> None:
        raise RuntimeError("internal detail that must not reach the screen")

    monkeypatch.setattr(k.ctx.hall, "categories", boom)
    v = k.tile("take_number")
    assert v.screen == "message" and "internal" not in repr(v.data)


@pytest.mark.parametrize("flow", ["take_number", "checkin", "submit", "query", "rate", "fallback", "help"])
def test_every_flow_starts_and_goes_home(flow: str) -> None:
    k = Kiosk()
    v = k.tile(flow)
    assert v.screen != "busy"
    k.tap("home")
    assert k.view.screen == "home"


def test_help_call_made_offline_says_it_is_queued_not_that_staff_are_coming() -> None:
    k = Kiosk()
    k.ctx.terminal.online = False
    k.tap("help")
    assert k.m.overlay == "help" and k.m.help_state == "queued"  # shown as help.queued over the screen
    assert ("help_call", {"reason": "help", "detail": ""}) in k.ctx.terminal.calls
