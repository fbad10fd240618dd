"""A refused write is explained with the server's own reason and values: the adapter's mapping of
the server's ``{"error": {...}}`` object, and the flows' messages built from it."""

from __future__ import annotations

from typing import Any

import pytest

from hall.client.errors import from_response
from kiosk.adapters.terminal import TerminalAdapter
from kiosk.flows.ports import Refused
from offline_cache.errors import RecordRejected
from offline_cache.sender import Rejected, classify
from tests.unit.kiosk.test_flows import Kiosk


def _rejected(status: int, error: dict[str, Any]) -> RecordRejected:
    """The exception the outbox raises for a server answer (through the real classifier)."""
    outcome = classify(from_response(status, {"error": error}))
    assert isinstance(outcome, Rejected)
    return RecordRejected("refused", code=outcome.code, error=outcome.error)


class Refusing:
    """An outbox facade whose server refuses: only the answer is scripted, the adapter is real."""

    def __init__(self, exc: RecordRejected) -> None:
        self.exc = exc

    def issue_ticket(self, category: str, **_kw: Any) -> Any:
        raise self.exc

    def check_in(self, **_kw: Any) -> Any:
        raise self.exc


def _check_in_error(reason: str, **params: Any) -> dict[str, Any]:
    return {"code": "check_in_refused", "message": "m", "message_zh": "z", "message_en": "e",
            "params": {"reason": reason, "detail_zh": "z", "detail_en": "e", **params}}


def test_the_outcome_carries_the_whole_error_object() -> None:
    exc = _rejected(422, _check_in_error("too_early", come_back_at="2026-11-22T05:30:00+00:00"))
    assert exc.code == "check_in_refused" and exc.params["reason"] == "too_early"
    assert "params" not in repr(Rejected("x", 422, {"params": {"reason": "a"}}))


@pytest.mark.parametrize(("reason", "shown"), [
    ("too_early", "early"), ("too_late", "late"), ("wrong_day", "wrong_day"), ("already_checked_in", "used"),
    ("cancelled", "cancelled"), ("blacklisted", "blacklisted")])
def test_each_check_in_reason_maps_to_its_explanation(reason: str, shown: str) -> None:
    exc = _rejected(422, _check_in_error(reason, come_back_at="2026-11-22T05:30:00+00:00",
                                         slot="2026-11-22 14:00–14:30", category="B", until="2026-12-01"))
    adapter = TerminalAdapter(Refusing(exc))
    with pytest.raises(Refused) as err:
        adapter.check_in(code="K7M29QXA3")
    d = err.value.detail
    # every refusal carries dates, not bare times (a wrong-day refusal is useless without the day)
    assert d["reason"] == shown and d["back"] == "2026-11-22 13:30" and d["slot"] == "2026-11-22 14:00–14:30"
    assert d["category"] == "B" and d["until"] == "2026-12-01"


def test_unknown_booking_is_not_found() -> None:
    adapter = TerminalAdapter(Refusing(_rejected(404, {"code": "appointment.not_found", "message": "m"})))
    with pytest.raises(Refused) as err:
        adapter.check_in(code="K7M29QXA3")
    assert err.value.detail["reason"] == "not_found"


@pytest.mark.parametrize(("error", "code", "values"), [
    ({"code": "quota_exceeded", "params": {"limit": 3, "used": 3}}, "quota", {"limit": "3", "used": "3"}),
    ({"code": "category_full", "params": {"category": "A", "cap": 50}}, "full", {"cap": "50"}),
    ({"code": "closed", "params": {"category": "A", "next_opening": "2026-11-23T00:30:00+00:00"}}, "closed",
     {"opens": "2026-11-23 08:30"}),
    ({"code": "something_new", "params": {}}, "other", {}),
])
def test_ticket_refusals_keep_their_values(error: dict[str, Any], code: str, values: dict[str, str]) -> None:
    adapter = TerminalAdapter(Refusing(_rejected(422, {"message": "m", **error})))
    with pytest.raises(Refused) as err:
        adapter.issue_ticket("A")
    assert err.value.code == code
    assert {k: err.value.detail[k] for k in values} == values


def test_quota_refusal_shows_the_limit_and_the_count() -> None:
    k = Kiosk()
    k.ctx.terminal.refuse = {"code": "quota", "limit": "3", "used": "3"}
    k.tile("take_number")
    k.tap("category", "A")
    v = k.tap("skip")
    assert v.screen == "message" and v.data["key"] == "refused.quota"
    assert v.data["lines"] == [("refused.detail.quota", {"limit": "3", "used": "3"})]


def test_a_full_line_is_shown_full_with_its_reason_to_this_and_the_next_citizen() -> None:
    k = Kiosk()
    k.ctx.terminal.refuse = {"code": "full", "cap": "50"}
    k.tile("take_number")
    k.tap("category", "A")
    v = k.tap("skip")
    assert v.screen == "categories" and v.data["notice"] == "categories.full.daily_cap"
    assert v.data["categories"][0]["full"] and v.data["categories"][0]["full_reason"] == "daily_cap"
    k.tap("home")
    assert k.tile("take_number").data["categories"][0]["full"]


def test_checkin_refusal_view_has_the_specifics() -> None:
    k = Kiosk()
    k.ctx.terminal.check_in = lambda **_kw: (_ for _ in ()).throw(  # type: ignore[method-assign]
        Refused(code="checkin", detail={"reason": "blacklisted", "until": "2026-12-01"}))
    k.tile("checkin")
    v = k.event("code_scanner", "code_scanned", _code("appt:K7M29QXA3"))
    assert v.screen == "checkin_refused" and v.data["reason"] == "blacklisted" and v.data["until"] == "2026-12-01"
    assert v.prompt == "checkin.refused.blacklisted"


def _code(text: str) -> Any:
    from devices.code_scanner.protocol import ScannedCode

    return ScannedCode("qr", text)


def test_an_expired_service_code_asks_for_a_refreshed_one() -> None:
    k = Kiosk()
    k.tile("query")
    v = k.event("code_scanner", "code_scanned", _code("HSC1.old.5f0e.abc"))
    assert v.screen == "identify" and v.data["notice"] == "identify.code_expired"
    assert k.ctx.session.identity is None


def test_a_refused_submission_is_explained_and_offers_a_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.unit.kiosk.test_flows import _to_materials

    k = Kiosk()
    _to_materials(k)
    for material in ("photo", "form"):
        k.tap("capture", material)
        k.tap("shoot")
        k.tap("accept_pages")
    assert k.tap("materials_next").screen == "review"

    def refuse(_submission: Any) -> Any:
        raise Refused(code="other", detail={"server_code": "waiver_not_allowed"})

    monkeypatch.setattr(k.ctx.terminal, "submit", refuse)
    v = k.tap("submit")
    assert v.screen == "message" and v.data["key"] == "submit.refused" and "counter_ticket" in v.data["actions"]
    assert v.data["lines"] == [("submit.refused.waiver_not_allowed", {})]
    assert k.ctx.printer.kinds == []
