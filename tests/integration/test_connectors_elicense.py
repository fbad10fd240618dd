"""E-licences over HTTP against the platform twin: queries by ID number or credit code and type with
number, issuer, validity and file reference; a slow or failing platform is ``elicense.unavailable``
(the kiosk asks for paper), and the circuit breaker stops calling a dead platform until a trial works."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall.server.app import create_app
from hall.server.connectors.elicense import ELicenseUnavailable
from hall.server.connectors.elicense_http import HttpELicenseLibrary
from hall.server.connectors.registry import Choice, ConnectorContext, build
from hall.server.connectors.twins.http import HttpTwin
from hall.server.core.options import ServerOptions
from hall.server.core.security import Keyring
from hall.server.domain.errors import InvalidCreditCode
from tests.rigs.hall_server import sqlite_template
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import wait_until

PERSON = "110101199003071233"
COMPANY = "91350100M000100Y43"
LICENCE = {"type": "business_license", "name": "营业执照", "issuer": "某某区市场监督管理局",
           "license_no": "91350100M000100Y43", "valid_from": "2020-01-01", "valid_until": "长期",
           "file_ref": "ofd://licences/7f3a"}


@pytest.fixture
def platform() -> Iterator[HttpTwin]:
    with HttpTwin(token="tk") as twin:
        twin.licenses[("person", PERSON)] = [
            {"type": "id_card", "name": "居民身份证", "issuer": "公安部门", "license_no": "DZZZ-1",
             "valid_from": "2016-01-01", "valid_until": "2036-01-01", "file_ref": "ofd://1"},
            {"type": "marriage", "name": "结婚证", "issuer": "民政部门", "license_no": "DZZZ-2", "valid_until": "长期"}]
        twin.licenses[("legal_person", COMPANY)] = [LICENCE]
        yield twin


def _library(tmp_path: Path, twin: HttpTwin, **options: object) -> HttpELicenseLibrary:
    made = build("elicense", Choice("http", {"base_url": twin.url, "token": "tk", **options}),
                 ConnectorContext(keyring=Keyring(b"k" * 32), data_dir=tmp_path))
    assert isinstance(made, HttpELicenseLibrary)
    return made


def test_query_by_id_number_or_credit_code_and_type(platform: HttpTwin, tmp_path: Path) -> None:
    lib = _library(tmp_path, platform)
    person = lib.licenses_for(PERSON)
    assert [lic.type for lic in person] == ["id_card", "marriage"]
    assert person[0].license_no == "DZZZ-1" and person[0].valid_from == "2016-01-01" and person[0].file_ref == "ofd://1"
    assert [lic.type for lic in lib.licenses_for(PERSON, license_type="marriage")] == ["marriage"]
    (company,) = lib.licenses_for_company(COMPANY, license_type="business_license")
    assert (company.issuer, company.valid_until, company.file_ref) == ("某某区市场监督管理局", "长期", "ofd://licences/7f3a")
    assert lib.licenses_for("110101199003070000") == []
    asked = platform.queries
    with pytest.raises(InvalidCreditCode):
        lib.licenses_for_company("91350100M000100Y44")  # wrong check character
    assert platform.queries == asked


def test_a_slow_platform_times_out_as_unavailable(platform: HttpTwin, tmp_path: Path) -> None:
    lib = _library(tmp_path, platform, timeout_s=0.2)
    platform.delay_s = 1.0  # slower than the timeout
    with pytest.raises(ELicenseUnavailable) as info:
        lib.licenses_for(PERSON)
    assert info.value.params["reason"] == "timeout"


def test_the_breaker_opens_after_failures_and_closes_after_a_good_trial(platform: HttpTwin, tmp_path: Path) -> None:
    lib = _library(tmp_path, platform, failures_to_open=2, open_s=0.3)
    platform.down = True
    for _ in range(2):
        with pytest.raises(ELicenseUnavailable):
            lib.licenses_for(PERSON)
    asked = platform.queries
    with pytest.raises(ELicenseUnavailable) as info:
        lib.licenses_for(PERSON)
    assert info.value.params["reason"] == "circuit_open" and platform.queries == asked  # not even asked
    platform.down = False
    wait_until(lambda: lib.caller.breaker.state == "half_open", timeout_s=3, what="the breaker half-open")
    assert len(lib.licenses_for(PERSON)) == 2 and lib.caller.breaker.state == "closed"


def test_a_bad_token_or_a_malformed_answer_is_unavailable_too(platform: HttpTwin, tmp_path: Path) -> None:
    wrong = build("elicense", Choice("http", {"base_url": platform.url, "token": "nope"}),
                  ConnectorContext(keyring=Keyring(b"k" * 32), data_dir=tmp_path))
    with pytest.raises(ELicenseUnavailable):
        wrong.licenses_for(PERSON)
    platform.licenses[("person", PERSON)] = [{"name": "no type or number"}]
    with pytest.raises(ELicenseUnavailable) as info:
        _library(tmp_path, platform).licenses_for(PERSON)
    assert info.value.params["reason"] == "bad_answer"


def test_the_kiosk_route_answers_503_elicense_unavailable(platform: HttpTwin, tmp_path: Path) -> None:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    options = ServerOptions(data_dir=tmp_path / "d", demo_mode=True, connectors={
        "elicense": {"driver": "http", "base_url": platform.url, "token": "tk"}})
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=options)) as c:
        kiosk = {"Authorization": f"Bearer {tokens['terminal']}"}
        query = {"id_number": PERSON, "proof": card_proof(PERSON)}
        found = c.post("/api/v1/elicenses/query", headers=kiosk, json=query).json()
        assert [lic["file_ref"] for lic in found["licenses"]] == ["ofd://1", ""]
        platform.down = True
        down = c.post("/api/v1/elicenses/query", headers=kiosk, json=query)
        assert down.status_code == 503 and down.json()["error"]["code"] == "elicense.unavailable"
        assert PERSON not in down.text


def test_a_company_by_credit_code_names_itself_and_its_representative(platform: HttpTwin, tmp_path: Path) -> None:
    platform.holders[("legal_person", COMPANY)] = {"name": "福州示例贸易有限公司", "legal_representative": "林示例"}
    lib = _library(tmp_path, platform)
    company = lib.company(COMPANY.lower())  # typed in lower case: the code is read in upper case
    assert company is not None and company.credit_code == COMPANY
    assert (company.company_name, company.legal_representative) == ("福州示例贸易有限公司", "林示例")
    assert [lic.license_no for lic in company.licenses] == [COMPANY]
    assert "林示例" not in repr(company)  # a person's name stays out of logs
    assert lib.company("91110105MA01K2P7XN") is None  # valid, but the platform knows no such company
    platform.down = True
    with pytest.raises(ELicenseUnavailable):
        lib.company(COMPANY)


def test_the_kiosk_route_prefills_a_company_from_the_demo_library(tmp_path: Path) -> None:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    options = ServerOptions(data_dir=tmp_path / "d", demo_mode=True)  # the bundled demo library (driver file)
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=options)) as c:
        kiosk = {"Authorization": f"Bearer {tokens['terminal']}"}
        ask = {"id_number": PERSON, "proof": card_proof(PERSON)}
        found = c.post("/api/v1/elicenses/company", headers=kiosk, json={**ask, "credit_code": "91310115MA1H3T6R23"})
        assert found.status_code == 200, found.text
        body = found.json()
        assert (body["company_name"], body["legal_representative"]) == ("上海浦东示例餐饮管理有限公司", "李示例")
        assert [lic["type"] for lic in body["licenses"]] == ["business_license", "food_business"]
        unknown = c.post("/api/v1/elicenses/company", headers=kiosk, json={**ask, "credit_code": COMPANY})
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "elicense.company_not_found"
        typo = c.post("/api/v1/elicenses/company", headers=kiosk, json={**ask, "credit_code": "91310115MA1H3T6R24"})
        assert typo.status_code == 422 and typo.json()["error"]["code"] == "invalid_credit_code"
        unproven = c.post("/api/v1/elicenses/company", headers=kiosk,
                          json={"id_number": PERSON, "credit_code": "91310115MA1H3T6R23"})
        assert unproven.status_code == 403 and "李示例" not in unproven.text


def test_the_company_route_answers_503_when_the_platform_is_down(platform: HttpTwin, tmp_path: Path) -> None:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    options = ServerOptions(data_dir=tmp_path / "d", demo_mode=True, connectors={
        "elicense": {"driver": "http", "base_url": platform.url, "token": "tk"}})
    platform.holders[("legal_person", COMPANY)] = {"name": "福州示例贸易有限公司", "legal_representative": "林示例"}
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=options)) as c:
        kiosk = {"Authorization": f"Bearer {tokens['terminal']}"}
        query = {"credit_code": COMPANY, "id_number": PERSON, "proof": card_proof(PERSON)}
        found = c.post("/api/v1/elicenses/company", headers=kiosk, json=query).json()
        assert found["company_name"] == "福州示例贸易有限公司"
        platform.down = True
        down = c.post("/api/v1/elicenses/company", headers=kiosk, json=query)
        assert down.status_code == 503 and down.json()["error"]["code"] == "elicense.unavailable"


def test_the_twin_driver_serves_the_demo_companies_over_http(tmp_path: Path) -> None:
    lib = build("elicense", Choice("twin", {}), ConnectorContext(keyring=Keyring(b"k" * 32), data_dir=tmp_path))
    assert isinstance(lib, HttpELicenseLibrary)
    try:
        shop = lib.company("92440304MA5F8N3C1B")
        assert shop is not None and shop.company_name == "深圳市福田区示范便利店"
        assert [lic.type for lic in shop.licenses] == ["business_license"]
        assert lib.company(COMPANY) is None  # valid, not in the demo file
    finally:
        lib.twin.stop()  # type: ignore[attr-defined]
