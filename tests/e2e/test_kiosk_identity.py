"""亮码 (the citizen's service QR on a phone) and the progress query by identity, through the real
screens and scanner twin against a real hall server: the server issues the code for a demo citizen
(as the online platform would), the kiosk resolves it and prefills everything after it."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from devices.twins.id_card.identities import IDENTITIES
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.e2e.test_kiosk_flows import scan, submit_by_api
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures
RESIDENT = IDENTITIES["resident"].fields


def service_code(server: HallServer, who: Mapping[str, str] = RESIDENT) -> str:
    r = httpx.post(f"{server.url}/api/v1/identity/service-codes",
                   json={"id_number": who["id_number"], "name": who["name"]},
                   headers={"Authorization": f"Bearer {server.tokens['admin']}"}, timeout=budget(5))
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def test_service_code_identifies_and_prefills_a_submission(kiosk: KioskRig) -> None:
    code = service_code(kiosk.hall)
    kiosk.tile("submit")
    kiosk.wait_screen("identify")
    assert "service_code" in kiosk.machine.view.data["methods"]
    scan(kiosk, code)
    kiosk.wait_screen("face")
    identity = kiosk.machine.ctx.session.identity
    assert identity is not None and identity.source == "service_code"
    assert identity.id_number == RESIDENT["id_number"] and identity.name == RESIDENT["name"]
    assert all(RESIDENT["id_number"] not in t for t in kiosk.texts())


def test_progress_query_by_service_code_lists_the_citizens_cases(kiosk: KioskRig) -> None:
    case_code = submit_by_api(kiosk.hall)
    kiosk.tile("query")
    kiosk.wait_screen("identify")
    scan(kiosk, service_code(kiosk.hall))
    kiosk.wait_screen("cases")
    cases = {c["code"]: c for c in kiosk.machine.view.data["cases"]}
    assert case_code in cases and cases[case_code]["history"]
    assert any(case_code in t for t in kiosk.texts())


def test_progress_query_by_id_card(kiosk: KioskRig) -> None:
    case_code = submit_by_api(kiosk.hall)
    kiosk.tile("query")
    kiosk.wait_screen("identify")
    kiosk.drivers["id_card"].place_card("resident")
    kiosk.wait_screen("cases")
    assert case_code in [c["code"] for c in kiosk.machine.view.data["cases"]]


def test_a_citizen_without_cases_is_told_so(kiosk: KioskRig) -> None:
    kiosk.tile("query")
    kiosk.wait_screen("identify")
    kiosk.drivers["id_card"].place_card("resident_long_term")
    kiosk.wait_screen("cases")
    assert kiosk.machine.view.data["cases"] == [] and "没有查到办件记录" in kiosk.texts()


def test_used_and_altered_service_codes_are_explained(kiosk: KioskRig) -> None:
    code = service_code(kiosk.hall)
    # another terminal (here the platform's own token) claimed it first: codes are one-time
    r = httpx.post(f"{kiosk.hall.url}/api/v1/identity/service-code", json={"code": code},
                   headers={"Authorization": f"Bearer {kiosk.hall.tokens['admin']}"}, timeout=budget(5))
    assert r.status_code == 200, r.text
    kiosk.tile("query")
    kiosk.wait_screen("identify")
    scan(kiosk, code)
    kiosk.wait_for(lambda: kiosk.machine.view.data.get("notice") == "identify.code_used"
                   and kiosk.controller.runner.pending == 0)
    assert "这个亮码已经用过，请在手机上刷新后重新扫码。" in kiosk.texts()
    fresh = service_code(kiosk.hall)
    scan(kiosk, fresh[:-2] + ("AA" if not fresh.endswith("AA") else "BB"))  # one character off: MAC fails
    kiosk.wait_for(lambda: kiosk.machine.view.data.get("notice") == "identify.code_unknown"
                   and kiosk.controller.runner.pending == 0)
    assert kiosk.machine.ctx.session.identity is None
