"""The authorisation matrix against a real server: every route × every role × no token × a revoked
token. The expected table is written from docs/api.md (roles per route); a route the OpenAPI
document lists but the table lacks fails the test, so a new route cannot ship without a decision.

Roles: the bound ones (kiosk K1, display, evaluator and counter of window 1; docs/security.md) and the
deprecated ``terminal``/``clerk`` that keep working for one release. The semantic checks (acting for
another terminal or window, staff-only priorities, a display reading public fields only) follow the matrix.

Outcomes: a role the table allows must get past authentication and authorisation (any status but
401/403, and never a 5xx); another role gets 403; no token and a revoked token get 401. Failed
authentications are rate-limited per client address (20 a minute), so each route's revoked-token
probes come from an address of their own on 127.0.0.0/8.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.rigs.hall_server import HallServer, run_main, start_prepared
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

ROLES = ("kiosk", "display", "evaluator", "counter", "manager", "admin", "terminal", "clerk")
LEGACY = ("terminal", "clerk", "manager", "admin")  # the revoked probes (their roles behave alike)
ANY = frozenset(ROLES)
# "kiosk+" in docs/api.md: kiosk, counter, manager (and admin, who may do everything); old terminal/clerk.
TERMINAL = frozenset({"kiosk", "counter", "manager", "admin", "terminal", "clerk"})
RATER = frozenset({"kiosk", "evaluator", "manager", "admin", "terminal", "clerk"})
CLERK = frozenset({"counter", "clerk", "manager", "admin"})
MANAGER = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})
PUBLIC = None  # no token needed

TICKET = {"category": "A"}
# route -> (who may call it, a plausible body). Path parameters: see _fill.
TABLE: dict[str, tuple[frozenset[str] | None, Any]] = {
    "GET /api/v1/health": (PUBLIC, None),
    "GET /api/v1/categories": (ANY, None),
    "PUT /api/v1/categories/{code}": (MANAGER, {"name": "社会保险", "name_en": "Social insurance"}),
    "GET /api/v1/items": (ANY, None),
    "GET /api/v1/items/{code}": (ANY, None),
    "GET /api/v1/items/{code}/versions": (ANY, None),
    "POST /api/v1/tickets": (TERMINAL, TICKET),
    "GET /api/v1/tickets/{ticket_id}": (ANY, None),
    "GET /api/v1/tickets/{ticket_id}/explain": (ANY, None),
    "POST /api/v1/tickets/{ticket_id}/reinstate": (CLERK, None),
    "POST /api/v1/tickets/{ticket_id}/transfer": (CLERK, {"category": "B"}),
    "POST /api/v1/tickets/{ticket_id}/cancel": (TERMINAL, None),
    "POST /api/v1/tickets/{ticket_id}/notify": (TERMINAL, {"channel": "sms", "to": "13800138000"}),
    "GET /api/v1/windows": (ANY, None),
    "PUT /api/v1/windows/{window}": (MANAGER, {"name": "综合窗口", "categories": ["A"]}),
    "POST /api/v1/windows/{window}/call-next": (CLERK, None),
    "POST /api/v1/windows/{window}/call": (CLERK, {"number": "A001"}),
    "POST /api/v1/windows/{window}/recall": (CLERK, None),
    "POST /api/v1/windows/{window}/start": (CLERK, None),
    "POST /api/v1/windows/{window}/finish": (CLERK, None),
    "POST /api/v1/windows/{window}/no-show": (CLERK, None),
    # Staff accounts (issue 15.4): made before the sign-in rows below use the account.
    "POST /api/v1/staff": (MANAGER, {"staff_no": "9001", "name": "测试员", "pin": "1234"}),
    "GET /api/v1/staff": (MANAGER, None),
    "POST /api/v1/windows/{window}/sign-in": (CLERK, {"staff_no": "9001", "pin": "1234"}),
    "POST /api/v1/windows/{window}/sign-out": (CLERK, None),
    "POST /api/v1/windows/{window}/open": (CLERK, {"clerk": "王五"}),
    "POST /api/v1/windows/{window}/pause": (CLERK, {"reason": "break"}),
    "POST /api/v1/windows/{window}/resume": (CLERK, None),
    "POST /api/v1/windows/{window}/close": (CLERK, None),
    "GET /api/v1/windows/{window}/no-shows": (CLERK, None),
    "POST /api/v1/submissions": (TERMINAL, None),
    "GET /api/v1/submissions": (CLERK, None),
    "GET /api/v1/submissions/{code}": (TERMINAL, None),
    "POST /api/v1/submissions/lookup": (TERMINAL, {"id_number": "11010519491231002X",
                                                   "proof": card_proof("11010519491231002X")}),
    "POST /api/v1/identity/service-codes": (ADMIN, {"id_number": "11010519491231002X", "name": "张三"}),
    "POST /api/v1/identity/service-code": (TERMINAL, {"code": "HSC1.not-a-code"}),
    "GET /api/v1/submissions/{code}/detail": (CLERK, None),
    "GET /api/v1/deadlines": (CLERK, None),
    "POST /api/v1/submissions/{code}/status": (CLERK, {"status": "in_review", "note": ""}),
    "POST /api/v1/submissions/{code}/review": (CLERK, {"materials": []}),
    "GET /api/v1/files/{sha256}": (CLERK, None),
    "POST /api/v1/elicenses/query": (TERMINAL, {"id_number": "11010519491231002X",
                                                "proof": card_proof("11010519491231002X")}),
    "POST /api/v1/elicenses/company": (TERMINAL, {"credit_code": "91110105MA01K2P7XN",
                                                  "id_number": "11010519491231002X",
                                                  "proof": card_proof("11010519491231002X")}),
    "POST /api/v1/identity/proofs": (TERMINAL, {"id_number": "11010519491231002X",
                                                "proof": card_proof("11010519491231002X")}),
    "POST /api/v1/appointments": (TERMINAL, {"id_number": "11010519491231002X", "category": "A",
                                             "slot_start": "2030-01-07T09:00:00+08:00",
                                             "slot_end": "2030-01-07T09:30:00+08:00"}),
    "POST /api/v1/appointments/check-in": (TERMINAL, {"code": "0000000000"}),
    "GET /api/v1/appointments/{appointment_id}": (CLERK, None),
    "GET /api/v1/appointments/slots": (PUBLIC, None),  # no personal data; the booking page lists them
    "GET /api/v1/appointments/by-slot": (CLERK, None),
    "POST /api/v1/evaluations": (RATER, {"level": 5, "reasons": [], "comment": "", "window": 1}),
    "POST /api/v1/help": (TERMINAL, {"kind": "help", "terminal_id": "K1", "message": "请帮忙"}),
    "POST /api/v1/alerts": (CLERK, {"window": 1, "message": "test"}),
    "GET /api/v1/followups": (MANAGER, None),
    "POST /api/v1/followups/{fid}/acknowledge": (MANAGER, {"note": "ok"}),
    "POST /api/v1/followups/{fid}/close": (MANAGER, {"note": "ok"}),
    "POST /api/v1/followups/{fid}/step": (MANAGER, {"stage": "rectifying", "note": "ok"}),
    "GET /api/v1/followups/{fid}/callback-phone": (MANAGER, None),
    "GET /api/v1/followups/ledger": (MANAGER, None),
    "POST /api/v1/terminals/register": (TERMINAL, {"id": "K1", "name": "一号机", "kind": "kiosk",
                                                   "location": "大厅", "version": "1"}),
    "POST /api/v1/terminals/{terminal_id}/heartbeat": (TERMINAL, {"devices": [], "outbox_backlog": 0,
                                                                  "oldest_pending_s": 0}),
    "GET /api/v1/terminals": (MANAGER, None),
    "GET /api/v1/stats/live": (MANAGER, None),
    "GET /api/v1/stats/report": (MANAGER, None),
    "GET /api/v1/audit": (ADMIN, None),
    "GET /t/{token}.json": (PUBLIC, None),
    "GET /t/{token}": (PUBLIC, None),
    "POST /t/{token}/notify": (PUBLIC, {"channel": "sms", "to": "13800138000"}),  # from the ticket QR
    # The citizens' booking page (docs/booking.md): the SMS code and the booking code are the secrets.
    "GET /book": (PUBLIC, None),
    "GET /book/{code}": (PUBLIC, None),
    "GET /book/{code}/qr.svg": (PUBLIC, None),
    "GET /book/api/lines": (PUBLIC, None),
    "GET /book/api/bookings/{code}": (PUBLIC, None),
    "POST /book/api/phone-code": (PUBLIC, {"phone": "13800138000"}),
    "POST /book/api/bookings": (PUBLIC, {"category": "A"}),
    "POST /book/api/bookings/{code}/cancel": (PUBLIC, None),
    "POST /book/api/bookings/{code}/move": (PUBLIC, {"slot_start": "2026-01-05T09:00:00+08:00"}),
    # Dashboard (docs/dashboard.md): a manager session cookie or a manager bearer token.
    "POST /api/v1/dashboard/login": (PUBLIC, None),  # the token is the body; checked below
    "POST /api/v1/dashboard/logout": (PUBLIC, None),
    "GET /api/v1/dashboard/session": (MANAGER, None),
    "GET /api/v1/dashboard/overview": (MANAGER, None),
    "POST /api/v1/dashboard/followups/{fid}/acknowledge": (MANAGER, {"note": "ok"}),
    "POST /api/v1/dashboard/followups/{fid}/close": (MANAGER, {"note": "ok"}),
    "POST /api/v1/dashboard/followups/{fid}/step": (MANAGER, {"stage": "rectifying", "note": "ok"}),
    "POST /api/v1/dashboard/followups/{fid}/callback-phone": (MANAGER, None),
    "GET /api/v1/dashboard/followups/ledger": (MANAGER, None),
    "POST /api/v1/dashboard/tickets/{tid}/reinstate": (MANAGER, None),
    "GET /api/v1/dashboard/charts": (MANAGER, None),
    "GET /api/v1/dashboard/staff": (MANAGER, None),
    "POST /api/v1/dashboard/staff": (MANAGER, {"staff_no": "9002", "name": "测试员", "pin": "1234"}),
    "GET /api/v1/dashboard/report": (MANAGER, None),
    "GET /api/v1/dashboard/report.csv": (MANAGER, None),
    # The dashboard's admin tab: an admin session or bearer only (a manager gets 403 dashboard.admin_only).
    "GET /api/v1/dashboard/admin/categories": (ADMIN, None),
    "PUT /api/v1/dashboard/admin/categories/{code}": (ADMIN, {"code": "A", "name_zh": "社会保险"}),
    "GET /api/v1/dashboard/admin/windows": (ADMIN, None),
    "PUT /api/v1/dashboard/admin/windows/{window}": (ADMIN, {"name": "综合窗口", "categories": ["A"]}),
    "GET /api/v1/dashboard/admin/calendar": (ADMIN, None),
    "PUT /api/v1/dashboard/admin/calendar/{day}": (ADMIN, {"working": False, "name": "元旦"}),
    "DELETE /api/v1/dashboard/admin/calendar/{day}": (ADMIN, None),
    "POST /api/v1/dashboard/admin/calendar/import": (ADMIN, {"csv": "日期,类型,名称\n2034-01-02,休,元旦\n"}),
    "GET /api/v1/dashboard/admin/items": (ADMIN, None),
    "GET /api/v1/dashboard/admin/items/{code}": (ADMIN, None),
    "PUT /api/v1/dashboard/admin/items/{code}": (ADMIN, {"name_zh": "测试事项", "category": "A"}),
    "GET /api/v1/dashboard/admin/forms/standard": (ADMIN, None),
    "POST /api/v1/dashboard/admin/forms/check": (ADMIN, {"form": {"fields": []}}),
}
# Pages outside the OpenAPI document: public by design (no data in them; data comes from the API).
PAGES = ("/dashboard", "/dashboard/assets/dashboard.js", "/api/v1/docs", "/api/v1/openapi.json")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir: Path = tmp_path_factory.mktemp("authz")
    srv = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def revoked(server: HallServer) -> dict[str, str]:
    """One revoked token per role, revoked through the real CLI before first use (so never cached)."""
    from hall.server.cli import create_token
    from hall.server.core.db import Database

    db = Database(server.db_url)
    try:
        tokens = {role: create_token(db, role=role, name=f"revoked-{role}") for role in LEGACY}
    finally:
        db.dispose()
    done = run_main("hall", "admin", "revoke-token", "--name", "revoked-terminal", "--db", server.db_url)
    assert done.returncode == 0, done.stderr
    # The other three through the same handler in-process (a CLI start costs seconds on a busy machine).
    import argparse

    from hall.server.cli import _revoke_token

    db = Database(server.db_url)
    try:
        for role in LEGACY[1:]:
            assert _revoke_token(db, argparse.Namespace(name=f"revoked-{role}"), None) == 0  # type: ignore[arg-type]
    finally:
        db.dispose()
    return tokens


def _fill(path: str, ticket_id: int) -> str:
    values = {"code": "A", "ticket_id": str(ticket_id), "window": "1", "fid": "1", "sha256": "0" * 64,
              "terminal_id": "K1", "token": "not-a-ticket", "appointment_id": "1",
              "tid": str(ticket_id), "day": "2034-01-02"}
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    if path == "/api/v1/submissions":
        path += f"?ticket_id={ticket_id}"
    return path


def _client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=budget(10))


def _call(client: httpx.Client, base: str, route: str, token: str | None, ticket_id: int) -> httpx.Response:
    method, path = route.split(" ", 1)
    body = TABLE[route][1]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.request(method, base + _fill(path, ticket_id), headers=headers,
                          json=body if method in {"POST", "PUT"} else None)


def test_table_covers_every_documented_route(server: HallServer) -> None:
    doc = httpx.get(f"{server.url}/api/v1/openapi.json", timeout=budget(10)).json()
    routes = {f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops}
    assert routes == set(TABLE), f"missing: {sorted(routes - set(TABLE))}; stale: {sorted(set(TABLE) - routes)}"


def test_every_route_every_role(server: HallServer, revoked: dict[str, str]) -> None:
    # Issued by the kiosk K1, so its token may read and cancel it (another kiosk's may not: see below).
    ticket_id = httpx.post(f"{server.url}/api/v1/tickets", json=TICKET, timeout=budget(10),
                           headers={"Authorization": f"Bearer {server.tokens['kiosk']}"}).json()["id"]
    wrong: list[str] = []
    calls = 0
    with _client("127.0.0.1") as main:
        for n, (route, (allowed, _body)) in enumerate(TABLE.items()):
            principals: list[tuple[str, str | None]] = [(role, server.tokens[role]) for role in ROLES]
            principals.append(("no token", None))
            for who, token in principals:
                r = _call(main, server.url, route, token, ticket_id)
                calls += 1
                if allowed is PUBLIC or (who in (allowed or ())):
                    ok = r.status_code not in (401, 403) and r.status_code < 500
                elif who == "no token":
                    ok = r.status_code == 401
                else:
                    ok = r.status_code == 403
                if not ok:
                    wrong.append(f"{route} as {who}: {r.status_code} {r.text[:120]}")
            if allowed is PUBLIC:
                continue
            # Revoked tokens of every role, from an address of this route's own (see module docstring).
            with _client(f"127.0.{n // 200 + 1}.{n % 200 + 2}") as other:
                for role, token in revoked.items():
                    r = _call(other, server.url, route, token, ticket_id)
                    calls += 1
                    code = r.json().get("error", {}).get("code", "") if r.status_code == 401 else ""
                    if code != "auth.invalid_token":
                        wrong.append(f"{route} with revoked {role}: {r.status_code} {r.text[:120]}")
    assert not wrong, "\n".join(wrong)
    assert calls > 400


def test_dashboard_login_takes_only_live_manager_tokens(server: HallServer, revoked: dict[str, str]) -> None:
    url = f"{server.url}/api/v1/dashboard/login"
    with _client("127.0.9.1") as c:
        for role in ROLES:
            r = c.post(url, json={"token": server.tokens[role]})
            assert r.status_code == (200 if role in MANAGER else 403), (role, r.text)
        for role, token in revoked.items():
            assert c.post(url, json={"token": token}).status_code == 401, role
        assert c.post(url, json={"token": "x" * 40}).status_code == 401


def test_revoking_ends_dashboard_sessions_and_the_events_socket(server: HallServer) -> None:
    """A cookie made from a token keeps working only while the token does (REST and WebSocket)."""
    from hall.server.cli import create_token
    from hall.server.core.db import Database

    db = Database(server.db_url)
    try:
        token = create_token(db, role="manager", name="authz-session")
    finally:
        db.dispose()
    with _client("127.0.9.2") as c:
        assert c.post(f"{server.url}/api/v1/dashboard/login", json={"token": token}).status_code == 200
        assert c.get(f"{server.url}/api/v1/dashboard/session").status_code == 200
        cookie = c.cookies.get("hall_dashboard")
        assert cookie
        ws_url = server.url.replace("http://", "ws://") + "/api/v1/dashboard/events"
        with connect(ws_url, additional_headers={"Cookie": f"hall_dashboard={cookie}"}, open_timeout=budget(5)) as ws:
            assert json.loads(ws.recv(timeout=budget(5)))["type"] == "hello"
        assert run_main("hall", "admin", "revoke-token", "--name", "authz-session", "--db",
                        server.db_url).returncode == 0
        r = c.get(f"{server.url}/api/v1/dashboard/session")
        assert r.status_code == 401 and r.json()["error"]["code"] == "dashboard.session_revoked"
        with pytest.raises((InvalidStatus, ConnectionClosed)):
            with connect(ws_url, additional_headers={"Cookie": f"hall_dashboard={cookie}"},
                         open_timeout=budget(5)) as ws:
                ws.recv(timeout=budget(5))


@pytest.mark.parametrize("who", ["no token", "revoked", "garbage"])
def test_events_socket_refuses_without_a_live_token(server: HallServer, revoked: dict[str, str], who: str) -> None:
    token = {"no token": "", "revoked": revoked["terminal"], "garbage": "garbage"}[who]
    url = server.url.replace("http://", "ws://") + "/api/v1/events"
    with connect(url, open_timeout=budget(5)) as ws:
        ws.send(json.dumps({"token": token}))  # the first message carries the token (an empty one: none)
        frame = json.loads(ws.recv(timeout=budget(10)))
        assert frame["type"] == "error" and frame["error"]["code"] in ("auth.required", "auth.invalid_token")
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=budget(5))
        assert info.value.rcvd is not None and info.value.rcvd.code == 4401


@pytest.mark.parametrize("role", ROLES)
def test_events_socket_accepts_every_live_role(server: HallServer, role: str) -> None:
    url = server.url.replace("http://", "ws://") + "/api/v1/events"
    with connect(url, open_timeout=budget(5)) as ws:
        ws.send(json.dumps({"token": server.tokens[role]}))
        hello = json.loads(ws.recv(timeout=budget(5)))
        assert hello["type"] == "hello" and hello["data"]["role"] == role


def test_public_pages_carry_no_data_without_a_token(server: HallServer) -> None:
    for path in PAGES:
        r = httpx.get(server.url + path, timeout=budget(10))
        assert r.status_code == 200, path
    assert httpx.get(f"{server.url}/dashboard/assets/..%2F..%2Fserver%2Fapp.py", timeout=budget(10)).status_code == 404
    assert httpx.get(f"{server.url}/t/not-a-ticket.json", timeout=budget(10)).status_code in (404, 422)


# -- semantic checks: a bound token acts only for what it serves --------------------------------------

def _as(server: HallServer, who: str, method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, f"{server.url}/api/v1{path}", json=body, timeout=budget(10),
                         headers={"Authorization": f"Bearer {server.tokens[who]}"})


def _refused(r: httpx.Response, code: str) -> None:
    assert r.status_code == 403, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message_zh"] and err["message_en"], err


def test_a_kiosk_token_acts_only_as_its_own_terminal(server: HallServer) -> None:
    """kiosk2 (K2) cannot touch K1's tickets nor speak for K1; K1 can."""
    mine = _as(server, "kiosk", "POST", "/tickets", TICKET).json()
    assert mine["terminal_id"] == "K1"  # the token's terminal, filled in by the server
    tid = mine["id"]
    _refused(_as(server, "kiosk2", "POST", f"/tickets/{tid}/cancel"), "auth.other_terminal")
    _refused(_as(server, "kiosk2", "GET", f"/tickets/{tid}"), "auth.other_terminal")
    _refused(_as(server, "kiosk2", "GET", f"/tickets/{tid}/explain"), "auth.other_terminal")
    _refused(_as(server, "kiosk2", "POST", f"/tickets/{tid}/notify", {"channel": "sms", "to": "13800138000"}),
             "auth.other_terminal")
    _refused(_as(server, "kiosk2", "POST", "/tickets", {**TICKET, "terminal_id": "K1"}), "auth.other_terminal")
    _refused(_as(server, "kiosk2", "POST", "/terminals/register", {"id": "K1", "kind": "kiosk"}),
             "auth.other_terminal")
    _refused(_as(server, "kiosk2", "POST", "/terminals/K1/heartbeat", {"devices": []}), "auth.other_terminal")
    _refused(_as(server, "kiosk2", "POST", "/help", {"kind": "help", "terminal_id": "K1"}), "auth.other_terminal")
    _refused(_as(server, "kiosk2", "POST", "/evaluations", {"level": 5, "terminal_id": "K1"}),
             "auth.other_terminal")
    assert _as(server, "kiosk", "GET", f"/tickets/{tid}").status_code == 200
    assert _as(server, "kiosk", "POST", f"/tickets/{tid}/cancel").json()["status"] == "cancelled"


def test_technician_pin_alerts_come_only_from_a_kiosk_for_itself(server: HallServer) -> None:
    """A kiosk raises a technician_pin follow-up for its own terminal; another kiosk cannot speak for
    it, and a counter or manager cannot raise one at all (they have no technician screen)."""
    alert = {"kind": "technician_pin", "message": "technician PIN wrong (3 in a row, locked 30 s)"}
    mine = _as(server, "kiosk", "POST", "/help", alert)
    assert mine.status_code == 201, mine.text
    assert mine.json()["kind"] == "technician_pin" and mine.json()["terminal_id"] == "K1"
    _refused(_as(server, "kiosk2", "POST", "/help", {**alert, "terminal_id": "K1"}), "auth.other_terminal")
    for role in ("counter", "manager"):
        _refused(_as(server, role, "POST", "/help", alert), "auth.technician_alert")
    listed = _as(server, "manager", "GET", "/followups?kind=technician_pin").json()
    assert [f["terminal_id"] for f in listed] == ["K1"]


def test_priorities_the_server_does_not_derive_come_only_from_staff(server: HallServer) -> None:
    for priority in ("vip", "disabled", "pregnant", "veteran", "elderly"):
        _refused(_as(server, "kiosk", "POST", "/tickets", {**TICKET, "priority": priority}), "auth.staff_priority")
    assert _as(server, "kiosk", "POST", "/tickets", {**TICKET, "priority": "fallback"}).status_code == 201
    assert _as(server, "counter", "POST", "/tickets", {**TICKET, "priority": "disabled"}).status_code == 201


def test_a_display_reads_only_public_fields_and_writes_nothing(server: HallServer) -> None:
    """…but its own presence: it registers and beats as a display (issue 15.4), never as another kind."""
    tid = _as(server, "kiosk", "POST", "/tickets", {**TICKET, "id_number": "11010519491231002X"}).json()["id"]
    seen = _as(server, "display", "GET", f"/tickets/{tid}").json()
    assert seen["number"] and seen["id_masked"] is None and seen["terminal_id"] is None and seen["public_url"] is None
    assert seen["rating_code"] is None  # the receipt's one-time rating code is not on the wall
    for method, path, body in (("POST", "/tickets", TICKET), ("POST", f"/tickets/{tid}/cancel", None),
                               ("POST", f"/tickets/{tid}/notify", {"channel": "sms", "to": "13800138000"}),
                               ("POST", "/evaluations", {"level": 5})):
        _refused(_as(server, "display", method, path, body), "auth.forbidden")
    assert _as(server, "display", "POST", "/terminals/register", {"id": "D1", "kind": "display"}).status_code == 200
    _refused(_as(server, "display", "POST", "/terminals/register", {"id": "D1", "kind": "kiosk"}),
             "terminal.other_kind")
    _refused(_as(server, "display", "POST", "/terminals/K1/heartbeat", {"devices": []}), "terminal.other_kind")


def test_counter_and_evaluator_tokens_act_only_at_their_window(server: HallServer) -> None:
    """counter2 (window 2) cannot open, call or close window 1, nor raise its alarm; the pad of window 1
    rates only a service finished at window 1."""
    for action, body in (("open", {"clerk": "王五"}), ("call-next", None), ("recall", None), ("start", None),
                         ("finish", None), ("no-show", None), ("pause", {"reason": "x"}), ("resume", None),
                         ("close", None), ("call", {"number": "A001"})):
        _refused(_as(server, "counter2", "POST", f"/windows/1/{action}", body), "auth.other_window")
    _refused(_as(server, "counter2", "POST", "/alerts", {"window": 1, "message": "x"}), "auth.other_window")
    assert _as(server, "counter2", "POST", "/windows/2/open", {"clerk": "王五"}).status_code == 200
    _refused(_as(server, "evaluator", "POST", "/evaluations", {"level": 5, "window": 2}), "auth.other_window")
    waiting = _as(server, "kiosk", "POST", "/tickets", TICKET).json()["id"]
    never_served = _as(server, "evaluator", "POST", "/evaluations", {"level": 5, "window": 1, "ticket_id": waiting})
    assert never_served.status_code == 422 and never_served.json()["error"]["code"] == "evaluation.not_served"
    _as(server, "counter", "POST", "/windows/1/open", {"clerk": "王五"})
    called = _as(server, "counter", "POST", "/windows/1/call-next").json()["id"]
    _as(server, "counter", "POST", "/windows/1/start")
    assert _as(server, "counter", "POST", "/windows/1/finish").json()["status"] == "done"
    r = _as(server, "evaluator", "POST", "/evaluations", {"level": 5, "ticket_id": called})
    assert r.status_code == 201, r.text


def test_old_roles_keep_working_with_a_deprecation_warning(server: HallServer) -> None:
    assert _as(server, "terminal", "POST", "/tickets", TICKET).status_code == 201
    assert _as(server, "clerk", "POST", "/windows/3/open", {"clerk": "王五"}).status_code == 200
    log = server.log()
    assert "deprecated role 'terminal'" in log and "deprecated role 'clerk'" in log


def test_create_token_checks_the_binding(server: HallServer) -> None:
    done = run_main("hall", "admin", "create-token", "--role", "kiosk", "--name", "k-unbound", "--db", server.db_url)
    assert done.returncode == 2 and "--terminal" in done.stderr
    done = run_main("hall", "admin", "create-token", "--role", "counter", "--window", "4", "--name", "c4",
                    "--db", server.db_url)
    assert done.returncode == 0 and "for window 4" in done.stdout, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    r = httpx.post(f"{server.url}/api/v1/windows/5/open", json={}, timeout=budget(10),
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "auth.other_window"
