"""The kiosk's hall adapter against the real hall server (issue 16.2): every item's form in the demo
catalogue parses on the kiosk, and a company is found by its credit code through
``POST /api/v1/elicenses/company`` for the proven person at the kiosk (not found → NotFound; no proof →
refused, nothing about the company leaks)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hall.client.http import HallClient
from hall.server.app import create_app
from hall.server.core.options import ServerOptions
from kiosk.adapters.hall import HallAdapter
from kiosk.flows.ports import NotFound, PortError
from tests.rigs.hall_server import sqlite_template
from tests.rigs.proofs import card_proof

PERSON = "110101199003071233"
DEMO_COMPANY = "91310115MA1H3T6R23"  # in the bundled demo licence library
UNKNOWN = "91350100M000100Y43"  # a valid code no library holds


@pytest.fixture
def adapter(tmp_path: Path) -> Iterator[HallAdapter]:
    template, tokens = sqlite_template()  # migrated and seeded with the demo catalogue
    db = tmp_path / "hall.db"
    shutil.copyfile(template, db)
    options = ServerOptions(data_dir=tmp_path / "d", demo_mode=True)  # the demo catalogue and licence library
    with TestClient(create_app(db_url=f"sqlite:///{db}", options=options)) as c:
        client = HallClient("http://testserver", tokens["terminal"], transport=c._transport)
        yield HallAdapter(client)
        client.close()


def test_every_demo_items_form_parses_on_the_kiosk(adapter: HallAdapter) -> None:
    items = adapter.catalogue()
    assert items and all(i.form is not None for i in items)
    assert any("legal_person" in i.form.applicants for i in items if i.form is not None)


def test_a_company_is_found_by_credit_code_for_the_proven_person(adapter: HallAdapter) -> None:
    proof: dict[str, Any] = card_proof(PERSON)
    company = adapter.company(DEMO_COMPANY, id_number=PERSON, proof=proof)
    assert company.credit_code == DEMO_COMPANY and company.name and company.legal_representative
    with pytest.raises(NotFound):
        adapter.company(UNKNOWN, id_number=PERSON, proof=proof)
    with pytest.raises(PortError) as refused:
        adapter.company(DEMO_COMPANY, id_number=PERSON, proof=None)
    assert not isinstance(refused.value, NotFound) and company.name not in str(refused.value.detail)
