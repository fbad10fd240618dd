"""Hostile catalogue files: each is refused naming the file (and row and column where there is one), and
nothing of it is stored — not the lines it would create, not the items before the bad row."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hall.server.catalogue import transfer
from hall.server.catalogue.admin import EXAMPLE, TEMPLATE_LINES, export_catalogue, import_catalogue
from hall.server.catalogue.errors import CatalogueRejected
from hall.server.catalogue.models import CatalogueImport, Category, ServiceItem, ServiceItemVersion
from hall.server.catalogue.records import to_rows
from hall.server.core.db import Database
from hall.server.domain.errors import DomainError
from hall.server.migrate import upgrade
from hall.server.seed import seed_demo
from tests.rigs.hall_server import run_main


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'hall.db'}")
    upgrade(database.engine)
    seed_demo(database)
    yield database
    database.dispose()


def _state(db: Database) -> tuple[Any, ...]:
    with db.read() as s:
        items = sorted((i.code, i.name_zh, i.version, str(i.materials)) for i in s.scalars(select(ServiceItem)))
        return (items, sorted(s.scalars(select(Category.code))), s.scalar(select(func.count(ServiceItemVersion.id))),
                s.scalar(select(func.count(CatalogueImport.id))))


def _refused(db: Database, path: Path) -> list[dict[str, Any]]:
    before = _state(db)
    with pytest.raises(DomainError) as caught:
        import_catalogue(db, path)
    assert _state(db) == before
    exc = caught.value
    return [p.params for p in exc.problems] if isinstance(exc, CatalogueRejected) else [exc.params]


def _csv(folder: Path, records: list[dict[str, Any]]) -> Path:
    items, materials = to_rows(records, {**TEMPLATE_LINES, "A": "社会保险"})
    return transfer.write(folder, items, materials, fmt="csv")


def test_a_gbk_csv_is_named_as_not_utf8(db: Database, tmp_path: Path) -> None:
    folder = _csv(tmp_path / "cat", [EXAMPLE])
    text = (folder / "事项.csv").read_text(encoding="utf-8-sig")
    (folder / "事项.csv").write_bytes(text.encode("gbk"))
    assert _refused(db, folder) == [{"file": "事项.csv", "problem": "not_utf8",
                                     "detail_zh": "不是 UTF-8 编码，请另存为“CSV UTF-8”",
                                     "detail_en": "is not UTF-8; save it as CSV UTF-8"}]


def test_csv_with_and_without_bom_both_import(db: Database, tmp_path: Path) -> None:
    folder = _csv(tmp_path / "cat", [EXAMPLE])
    raw = (folder / "材料.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    (folder / "材料.csv").write_bytes(raw[3:])
    assert import_catalogue(db, folder).created == 1


def test_a_missing_csv_file(db: Database, tmp_path: Path) -> None:
    folder = _csv(tmp_path / "cat", [EXAMPLE])
    (folder / "材料.csv").unlink()
    assert [(p["file"], p["problem"]) for p in _refused(db, folder)] == [("材料.csv", "missing_file")]


def test_a_row_longer_than_its_header(db: Database, tmp_path: Path) -> None:
    folder = _csv(tmp_path / "cat", [EXAMPLE])
    with (folder / "材料.csv").open("a", encoding="utf-8") as f:
        f.write("H-001,照片,原件,1,否,,,photo,Photo,jpg,surprise\r\n")
    assert [(p["file"], p["row"], p["column"]) for p in _refused(db, folder)] == [("材料.csv", 4, "#11")]


def test_not_a_workbook_and_a_workbook_without_its_sheet(db: Database, tmp_path: Path) -> None:
    fake = tmp_path / "catalogue.xlsx"
    fake.write_text("实施编码,事项名称\n", encoding="utf-8")
    assert [(p["file"], p["problem"]) for p in _refused(db, fake)] == [("catalogue.xlsx", "bad_xlsx")]
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("[Content_Types].xml", "<nope/>")
    assert [(p["file"], p["problem"]) for p in _refused(db, fake)] == [("catalogue.xlsx", "bad_xlsx")]
    from openpyxl import Workbook

    book = Workbook()
    book.worksheets[0].title = "事项"
    book.save(fake)
    assert [(p["file"], p["problem"], p["sheet"]) for p in _refused(db, fake)] == [
        ("catalogue.xlsx", "missing_sheet", "材料")]


def test_json_syntax_shape_and_keys(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text('{"事项": [\n{"实施编码": "H-001",}\n]}', encoding="utf-8")
    assert [(p["problem"], p["line"]) for p in _refused(db, path)] == [("bad_json", 2)]
    path.write_text('[{"实施编码": "H-001"}]', encoding="utf-8")
    assert [p["problem"] for p in _refused(db, path)] == ["json_shape"]
    export_catalogue(db, path, template=True)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["事项"][0]["备注"] = "not an item column"
    del doc["材料"][1]["份数"]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert sorted((p["file"], p["row"], p["column"], p["problem"]) for p in _refused(db, path)) == [
        ("catalogue.json 事项", 1, "备注", "unknown_column"), ("catalogue.json 材料", 2, "份数", "missing_column")]


def test_an_unknown_line_late_in_the_file_keeps_nothing_of_the_rows_before(db: Database, tmp_path: Path) -> None:
    good = [{**EXAMPLE, "code": f"H-00{n}"} for n in range(1, 4)]  # these would create line H
    bad = {**EXAMPLE, "code": "Q-001", "category": "Q"}  # a letter alone: line Q must exist already
    folder = _csv(tmp_path / "cat", [*good, bad])
    assert [(p["file"], p["row"], p["column"], p["problem"]) for p in _refused(db, folder)] == [
        ("事项.csv", 5, "业务类别", "unknown_category")]


def test_an_oversized_file_is_refused_before_it_is_read(db: Database, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "catalogue.json"
    export_catalogue(db, path, template=True)
    monkeypatch.setattr(transfer, "MAX_BYTES", 1024)
    assert [(p["file"], p["problem"]) for p in _refused(db, path)] == [("catalogue.json", "too_large")]


def test_the_command_exits_2_naming_file_row_and_column(db: Database, tmp_path: Path) -> None:
    folder = _csv(tmp_path / "cat", [EXAMPLE, {**EXAMPLE, "code": "H-002", "legal_days": 1, "promised_days": 9}])
    before = _state(db)
    result = run_main("hall", "admin", "import-catalogue", str(folder), "--db", db.url)
    assert result.returncode == 2, result.stderr
    assert "事项.csv 第 3 行，“承诺办结时限”列：承诺办结时限不能超过法定办结时限" in result.stderr
    assert "事项.csv, row 3, column 承诺办结时限: the promised limit may not exceed the legal limit" in result.stderr
    assert _state(db) == before
    assert run_main("hall", "admin", "import-catalogue", str(tmp_path / "x.docx"), "--db", db.url).returncode == 2


def test_a_bad_form_in_a_workbook_exits_2_naming_sheet_row_column_and_path(db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "catalogue.xlsx"
    export_catalogue(db, path)  # the demo hall: three items with their own forms on the 表单 sheet
    book = load_workbook(path)
    sheet = book["表单"]
    definition = json.loads(str(sheet.cell(row=3, column=2).value))
    definition["fields"][2]["type"] = "telephone"
    sheet.cell(row=3, column=2).value = json.dumps(definition, ensure_ascii=False)
    book.save(path)
    before = _state(db)
    result = run_main("hall", "admin", "import-catalogue", str(path), "--db", db.url)
    assert result.returncode == 2, result.stderr
    assert "catalogue.xlsx [表单] 第 3 行，“表单定义”列：表单定义有误：fields[2].type：应为 text、" in result.stderr
    assert "catalogue.xlsx [表单], row 3, column 表单定义: the form definition is wrong at fields[2].type: " \
           "must be one of text, digits" in result.stderr
    assert _state(db) == before


def test_a_json_items_form_that_is_not_an_object_is_named_by_the_items_row(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    export_catalogue(db, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["事项"][4]["form"] = ["not", "a", "form"]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert [(p["file"], p["row"], p["column"], p["problem"], p["path"]) for p in _refused(db, path)] == [
        ("catalogue.json 事项", 5, "form", "form_definition", "form")]
