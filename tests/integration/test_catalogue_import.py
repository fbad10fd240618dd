"""A hall's own catalogue in and out: each format round-trips, a re-import keeps the previous version, and
``GET /items/{实施编码}`` of a running server shows what was imported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hall.server.catalogue import transfer
from hall.server.catalogue.admin import export_catalogue, import_catalogue
from hall.server.cli import create_token
from hall.server.core.db import Database
from hall.server.migrate import upgrade
from hall.server.seed import seed_demo
from tests.rigs.hall_server import HallServer, run_main, start_hall_server
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "config" / "catalogue_template"
HOLDER = "110101199003071233"  # in the demo e-licence file, with an id_card licence
# Answers to the template item's own form (config/catalogue_template/表单.csv)
ANSWERS = {"phone": "13800000000", "purpose": "interested", "relation": "抵押权人", "property": "某区某路 1 号"}


def _db(path: Path, *, seed: bool) -> Database:
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    if seed:
        seed_demo(db)
    return db


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Database]:
    db = _db(tmp_path / "demo.db", seed=True)
    yield db
    db.dispose()


@pytest.mark.parametrize("name", ["catalogue.xlsx", "catalogue.json", "catalogue_csv"])
def test_each_format_round_trips_into_an_empty_hall(demo: Database, tmp_path: Path, name: str) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    with demo.write() as s:  # text that a spreadsheet would take for a formula stays text
        from hall.server.catalogue.models import ServiceItem

        item = s.get(ServiceItem, "A-001")
        assert item is not None
        item.fees = "=HYPERLINK(\"http://x\")"
    assert export_catalogue(demo, first / name) == 27
    empty = _db(tmp_path / "empty.db", seed=False)
    try:
        done = import_catalogue(empty, first / name)
        assert (done.created, done.updated, done.lines_created) == (27, 0, ("A", "B", "C", "D", "E", "F", "G"))
        export_catalogue(empty, second / name)
        assert transfer.read(second / name) == transfer.read(first / name)
        again = import_catalogue(empty, second / name)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 27)
        from hall.server.catalogue.storage import records

        imported, lines = records(empty)
        assert lines["A"] == "社会保险" and imported[0]["fees"] == "=HYPERLINK(\"http://x\")"
        assert [m["key"] for m in imported[0]["materials"]] == ["id_card", "hukou_book", "photo"]
        # the items' own forms travel in every format (a 表单 sheet, 表单.csv, an item's "form")
        assert {r["code"]: r["form"] for r in imported if r["form"]} == {
            r["code"]: r["form"] for r in records(demo)[0] if r["form"]}
        assert sorted(r["code"] for r in imported if r["form"]) == ["E-003", "E-004", "F-002"]
    finally:
        empty.dispose()


def test_the_committed_template_is_what_the_command_writes(tmp_path: Path) -> None:
    result = run_main("hall", "admin", "export-catalogue", str(tmp_path / "t"), "--template")
    assert result.returncode == 0, result.stderr
    for name in ("事项.csv", "材料.csv", "表单.csv"):
        assert (tmp_path / "t" / name).read_bytes() == (TEMPLATE / name).read_bytes()


@pytest.fixture
def walked(tmp_path: Path) -> Iterator[tuple[HallServer, str]]:
    """A clean hall: schema, the template imported with the command, a token, the server."""
    db_url = f"sqlite:///{tmp_path / 'hall.db'}"
    assert run_main("hall", "admin", "init", "--db", db_url).returncode == 0
    result = run_main("hall", "admin", "import-catalogue", str(TEMPLATE), "--db", db_url)
    assert result.returncode == 0 and "1 new" in result.stdout and "new lines: H" in result.stdout, result.stderr
    db = Database(db_url)
    try:
        token = create_token(db, role="clerk", name="walk")
    finally:
        db.dispose()
    server = start_hall_server(db_url, tmp_path)
    yield server, token
    server.stop()


def test_an_imported_item_is_served_ticketed_applied_for_and_its_reimport_keeps_the_old_version(
        walked: tuple[HallServer, str], tmp_path: Path) -> None:
    server, token = walked
    auth = {"Authorization": f"Bearer {token}"}
    item = httpx.get(f"{server.url}/api/v1/items/H-001", headers=auth).json()
    assert {k: item[k] for k in ("code", "name", "category", "legal_days", "promised_days", "consult_phone",
                                 "supervise_phone", "process", "result", "online", "version")} == {
        "code": "H-001", "name": "不动产登记资料查询", "category": "H", "legal_days": 1, "promised_days": 0,
        "consult_phone": "010-12345678", "supervise_phone": "12345", "process": "申请—受理—查询—出具查询结果",
        "result": "不动产登记资料查询结果证明", "online": True, "version": 1}
    assert [(m["key"], m["form"], m["copies"], m["waivable"], m["elicense"]) for m in item["materials"]] == [
        ("id_card", "original", 1, False, "id_card"), ("m2", "original", 1, False, None)]
    assert [f["key"] for f in item["form"]["fields"]] == ["name", "id", "phone", "purpose", "relation", "property"]
    lines = httpx.get(f"{server.url}/api/v1/categories", headers=auth).json()
    assert any(c["code"] == "H" and c["name"] == "不动产登记" for c in lines)
    ticket = httpx.post(f"{server.url}/api/v1/tickets", json={"category": "H"}, headers=auth)
    assert ticket.status_code == 201 and ticket.json()["number"].startswith("H"), ticket.text
    data = {"item_code": "H-001", "id_number": HOLDER, "proof": card_proof(HOLDER),
            "name": "张三", "form": ANSWERS, "ticket_id": ticket.json()["id"],
            "materials": [{"requirement": "id_card", "elicense": True}, {"requirement": "m2", "file": "f0"}]}
    sub = httpx.post(f"{server.url}/api/v1/submissions", headers=auth, timeout=budget(10),
                     data={"data": json.dumps(data, ensure_ascii=False)},
                     files={"f0": ("a.pdf", b"%PDF-1.4\n%form\n", "application/pdf")})
    assert sub.status_code == 201 and sub.json()["status"] == "accepted", sub.text
    detail = httpx.get(f"{server.url}/api/v1/submissions/{sub.json()['code']}/detail", headers=auth).json()
    assert sorted(m["name_zh"] for m in detail["materials"]) == ["居民身份证", "查询申请书"]

    path = tmp_path / "changed.json"
    assert run_main("hall", "admin", "export-catalogue", str(path), "--db", server.db_url).returncode == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["事项"][0]["承诺办结时限"] = 1
    doc["材料"][1]["是否容缺"] = "是"
    copies = {"key": "copies", "label": "所需份数", "type": "number", "min": 1, "max": 5}
    doc["事项"][0]["form"]["fields"].append(copies)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = run_main("hall", "admin", "import-catalogue", str(path), "--db", server.db_url)
    assert result.returncode == 0 and "1 changed" in result.stdout, result.stderr

    now = httpx.get(f"{server.url}/api/v1/items/H-001", headers=auth).json()
    assert (now["version"], now["promised_days"], now["commitment_allowed"]) == (2, 1, False)
    assert now["materials"][1]["waivable"] is True and now["form"]["fields"][-1]["key"] == "copies"
    (old,) = httpx.get(f"{server.url}/api/v1/items/H-001/versions", headers=auth).json()
    assert (old["version"], old["item"]["promised_days"], old["item"]["materials"][1]["waivable"]) == (1, 0, False)
    assert old["item"]["form"]["fields"][-1]["key"] == "property"  # the form as it was, with the version
    assert old["superseded_at"] == now["updated_at"]
    missing = httpx.get(f"{server.url}/api/v1/items/NOPE/versions", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "item.not_found"
