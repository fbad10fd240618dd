"""One rating per service (issue 15, item 1): a ticket is rated once, only after it was called and
finished, by the evaluation pad of the window that finished it or at a kiosk with the receipt's rating
code; a case once per registration code; the low-rating follow-up names window, clerk, item and case."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.rigs.api_calls import call_as, ok, refused
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.proofs import card_proof

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64




def _served(s: HallServer, *, clerk: str = "李娜") -> dict[str, Any]:
    """A ticket of line A issued at kiosk K1, called, started and finished at window 1 by ``clerk``."""
    t = ok(call_as(s, "kiosk", "POST", "/tickets", {"category": "A"}))
    ok(call_as(s, "counter", "POST", "/windows/1/open", {"clerk": clerk}))
    assert ok(call_as(s, "counter", "POST", "/windows/1/call-next"))["id"] == t["id"]
    for step in ("start", "finish"):
        ok(call_as(s, "counter", "POST", f"/windows/1/{step}"))
    return t


def test_a_ticket_is_rated_once_at_the_kiosk_with_its_receipt_code(hall_server: HallServer) -> None:
    s = hall_server
    t = _served(s)
    assert t["rating_code"].startswith(f"{t['id']}-")
    # A kiosk cannot name a ticket by its id (that is how any receipt could be rated again and again).
    refused(call_as(s, "kiosk", "POST", "/evaluations", {"level": 5, "ticket_id": t["id"]}), 422, "evaluation.bad_code")
    refused(call_as(s, "kiosk", "POST", "/evaluations", {"level": 5, "rating_code": f"{t['id']}-AAAAAAAA"}),
             422, "evaluation.bad_code")
    first = ok(call_as(s, "kiosk", "POST", "/evaluations",
                    {"level": 4, "rating_code": t["rating_code"].lower(), "window": 9}))
    # The window is the one that finished it, whatever the body claimed.
    assert first["ticket_id"] == t["id"] and first["window"] == 1
    refused(call_as(s, "kiosk", "POST", "/evaluations", {"level": 1, "reasons": ["attitude"],
                                                    "rating_code": t["rating_code"]}), 409, "evaluation.duplicate")
    # …nor by the pad of its window, nor by staff.
    refused(call_as(s, "evaluator", "POST", "/evaluations", {"level": 5, "ticket_id": t["id"]}),
             409, "evaluation.duplicate")
    refused(call_as(s, "manager", "POST", "/evaluations", {"level": 5, "ticket_id": t["id"]}),
             409, "evaluation.duplicate")


def test_a_ticket_never_served_cannot_be_rated(hall_server: HallServer) -> None:
    s = hall_server
    waiting = ok(call_as(s, "kiosk", "POST", "/tickets", {"category": "A"}))
    refused(call_as(s, "kiosk", "POST", "/evaluations", {"level": 1, "reasons": ["attitude"],
                                                    "rating_code": waiting["rating_code"]}), 422,
             "evaluation.not_served")
    ok(call_as(s, "counter", "POST", "/windows/1/open", {"clerk": "李娜"}))
    ok(call_as(s, "counter", "POST", "/windows/1/call-next"))
    # Called but not finished: still not a service to rate.
    refused(call_as(s, "evaluator", "POST", "/evaluations", {"level": 5, "ticket_id": waiting["id"]}), 422,
             "evaluation.not_served")
    # A rating names one service: a ticket or a case, never just a window.
    refused(call_as(s, "manager", "POST", "/evaluations", {"level": 1, "reasons": ["attitude"], "window": 1}), 422,
             "invalid_evaluation")
    r = call_as(s, "manager", "GET", "/followups?kind=low_rating")
    assert [f for f in ok(r) if f["ticket_id"] == waiting["id"]] == []


def test_only_the_pad_of_the_window_that_finished_it_rates_it(hall_server: HallServer) -> None:
    s = hall_server
    t = _served(s)
    # The evaluator token of the test hall serves window 1; window 2's pad (a counter2-like binding) is refused.
    r = call_as(s, "evaluator", "POST", "/evaluations", {"level": 5, "ticket_id": t["id"], "window": 2})
    refused(r, 403, "auth.other_window")
    assert ok(call_as(s, "evaluator", "POST", "/evaluations", {"level": 5, "ticket_id": t["id"]}))["window"] == 1


def test_two_ratings_racing_for_one_ticket_store_one(hall_server: HallServer) -> None:
    s = hall_server
    t = _served(s)
    body = {"level": 5, "rating_code": t["rating_code"]}
    with ThreadPoolExecutor(6) as pool:
        codes = sorted(r.status_code for r in pool.map(lambda _: call_as(s, "kiosk", "POST", "/evaluations", body),
                                                          range(6)))
    assert codes == [201] + [409] * 5


def test_the_low_rating_follow_up_names_window_clerk_item_and_case(hall_server: HallServer) -> None:
    s = hall_server
    t = ok(call_as(s, "kiosk", "POST", "/tickets", {"category": "A"}))
    auth = {"Authorization": f"Bearer {s.tokens['kiosk']}"}
    case = ok(httpx.post(f"{s.url}{API}/submissions", timeout=10, headers=auth,
                          files={"f0": ("p.png", PNG, "image/png")}, data={"data": json.dumps({
                              "item_code": "A-001", "id_number": "110101199003071233", "name": "张三",
                              "ticket_id": t["id"], "proof": card_proof("110101199003071233"),
                              "form": STANDARD_ANSWERS, "materials": [{"requirement": "photo", "file": "f0"}]})}))
    ok(call_as(s, "counter", "POST", "/windows/1/open", {"clerk": "李娜"}))
    ok(call_as(s, "counter", "POST", "/windows/1/call-next"))
    ok(call_as(s, "counter", "POST", "/windows/1/finish"))
    low = ok(call_as(s, "evaluator", "POST", "/evaluations", {"level": 1, "reasons": ["attitude"],
                                                         "ticket_id": t["id"]}))
    (f,) = [f for f in ok(call_as(s, "manager", "GET", "/followups?kind=low_rating")) if f["id"] == low["followup_id"]]
    assert f["window"] == 1 and f["ticket_id"] == t["id"]
    assert "1号窗口" in f["message"] and "李娜" in f["message"] and "A-001" in f["message"]
    assert case["code"] in f["message"]
    # The case itself is rated once by its registration code too.
    ok(call_as(s, "kiosk", "POST", "/evaluations", {"level": 5, "submission_code": case["code"]}))
    refused(call_as(s, "kiosk", "POST", "/evaluations", {"level": 5, "submission_code": case["code"]}), 409,
             "evaluation.duplicate")
    refused(call_as(s, "kiosk", "POST", "/evaluations", {"level": 5, "submission_code": "20260105999823BJ6"}), 404,
             "evaluation.case_not_found")  # a well-formed registration code the hall never gave
    # A code that is no registration code is a terminal's offline code whose case is still on its way:
    # the outbox keeps the rating and sends it again (tests/integration/test_offline_submissions.py).
    refused(call_as(s, "kiosk", "POST", "/evaluations", {"level": 5, "submission_code": "K1-20260105-0001"}), 409,
             "evaluation.case_pending")
