"""The catalogue's rows ⇄ records (hall.server.catalogue.sheet): every cell checked, nothing lost on the way back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hall.server.catalogue.admin import EXAMPLE, TEMPLATE_LINES
from hall.server.catalogue.errors import CatalogueRejected
from hall.server.catalogue.records import assign_keys, form_rows, stored_material, to_rows
from hall.server.catalogue.sheet import FORM_COLUMNS, ITEM_COLUMNS, MATERIAL_COLUMNS, Table, parse


def _tables(items: list[dict[str, Any]], materials: list[dict[str, Any]],
            forms: list[dict[str, Any]] | None = None) -> tuple[Table, Table, Table]:
    """The three tables as a folder of CSV files gives them (a form's definition as JSON text)."""
    texts = [{"实施编码": f["实施编码"], "表单定义": f["表单定义"] if isinstance(f["表单定义"], str)
              else json.dumps(f["表单定义"], ensure_ascii=False)} for f in forms or []]
    return (Table("事项.csv", tuple(items[0]) if items else ITEM_COLUMNS, list(enumerate(items, start=2))),
            Table("材料.csv", tuple(materials[0]) if materials else MATERIAL_COLUMNS,
                  list(enumerate(materials, start=2))),
            Table("表单.csv", FORM_COLUMNS, list(enumerate(texts, start=2))))


def _national_only(row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    return {c: row[c] for c in columns}


def test_rows_of_a_record_parse_back_to_the_same_record() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    parsed = parse(*_tables(items, materials, form_rows([EXAMPLE])))
    (record,) = parsed.items
    assert parsed.new_lines == {"H": "不动产登记"} and parsed.rows == {"H-001": 2}
    assert {**record, "materials": [stored_material(m) for m in record["materials"]]} == {
        **EXAMPLE, "materials": [stored_material(m) for m in EXAMPLE["materials"]]}


def test_the_national_columns_alone_are_enough() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    items = [_national_only(r, ITEM_COLUMNS) for r in items]
    materials = [_national_only(r, MATERIAL_COLUMNS) for r in materials]
    (record,) = parse(*_tables(items, materials)).items
    assert record["name_en"] == "" and record["online_url"] == ""
    assert record["commitment_allowed"] is False  # no material may be waived
    assert [m["key"] for m in record["materials"]] == [None, None]  # given when stored
    assert [m["formats"] for m in record["materials"]] == [["jpg", "png", "pdf"]] * 2


def test_days_are_read_as_halls_write_them() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    items[0].update({"法定办结时限": "20个工作日", "承诺办结时限": "即办", "是否网办": "否"})
    (record,) = parse(*_tables(items, materials)).items
    assert (record["legal_days"], record["promised_days"], record["online"]) == (20, 0, False)


def test_waivable_material_makes_the_item_accept_waivers_unless_the_file_says_otherwise() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    materials[1]["是否容缺"] = "是"
    items[0]["容缺受理"] = ""
    assert parse(*_tables(items, materials)).items[0]["commitment_allowed"] is True
    items[0]["容缺受理"] = "否"
    assert parse(*_tables(items, materials)).items[0]["commitment_allowed"] is False


def test_json_values_may_be_numbers_and_booleans() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    items[0].update({"是否网办": True, "咨询电话": 12345, "法定办结时限": 5.0})
    (record,) = parse(*_tables(items, materials)).items
    assert (record["online"], record["consult_phone"], record["legal_days"]) == (True, "12345", 5)


def test_every_bad_cell_is_named_by_row_and_column() -> None:
    items, materials = to_rows([EXAMPLE, {**EXAMPLE, "code": "H-002"}], TEMPLATE_LINES)
    items[0].update({"法定办结时限": "two weeks", "事项名称": ""})
    items[1].update({"承诺办结时限": 5, "法定办结时限": 3, "是否网办": "maybe"})
    materials[0].update({"材料形式": "扫描件", "份数": 0})
    materials.append({**materials[1], "实施编码": "Z-404"})
    with pytest.raises(CatalogueRejected) as caught:
        parse(*_tables(items, materials))
    found = {(p.params["file"], p.params["row"], p.params["column"], p.params["problem"])
             for p in caught.value.problems}
    assert found == {
        ("事项.csv", 2, "法定办结时限", "days"), ("事项.csv", 2, "事项名称", "required"),
        ("事项.csv", 3, "承诺办结时限", "promised_over_legal"), ("事项.csv", 3, "是否网办", "yes_no"),
        ("材料.csv", 2, "材料形式", "form"), ("材料.csv", 2, "份数", "copies"),
        ("材料.csv", 6, "实施编码", "unknown_item"),
    }
    first = caught.value.problems[0]
    assert first.message_zh.startswith("事项.csv 第 2 行，“")
    assert "two weeks" not in first.message_en  # a message says what is expected, never echoes the cell


def test_header_problems_come_first_and_alone() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    for r in items:
        r.pop("办理结果")
        r["Remarks"] = "x"
    with pytest.raises(CatalogueRejected) as caught:
        parse(*_tables(items, materials))
    assert {(p.params["row"], p.params["column"], p.params["problem"]) for p in caught.value.problems} == {
        (1, "办理结果", "missing_column"), (1, "Remarks", "unknown_column")}


def test_duplicate_codes_name_the_first_row() -> None:
    items, materials = to_rows([EXAMPLE, EXAMPLE], TEMPLATE_LINES)
    with pytest.raises(CatalogueRejected) as caught:
        parse(*_tables(items, materials))
    problems = {(p.params["row"], p.params["column"], p.params.get("other")) for p in caught.value.problems}
    assert (3, "实施编码", 2) in problems and (5, "材料编码", 3) in problems


def test_control_characters_and_overlong_text_are_refused() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    items[0].update({"事项名称": "查询\x00", "实施主体": "局" * 129, "办理流程": "第一步\n第二步\t完"})
    with pytest.raises(CatalogueRejected) as caught:
        parse(*_tables(items, materials))
    assert {(p.params["column"], p.params["problem"]) for p in caught.value.problems} == {
        ("事项名称", "control_chars"), ("实施主体", "too_long")}


def test_lines_are_a_letter_or_a_letter_and_a_name() -> None:
    items, materials = to_rows([EXAMPLE], TEMPLATE_LINES)
    items[0]["业务类别"] = "A"
    assert parse(*_tables(items, materials)).new_lines == {}
    items[0]["业务类别"] = "社会保险"
    with pytest.raises(CatalogueRejected) as caught:
        parse(*_tables(items, materials))
    assert caught.value.problems[0].params["problem"] == "category"


def test_keys_keep_what_a_material_had_then_take_its_licence_type_then_a_free_name() -> None:
    mats: list[dict[str, Any]] = [{"key": None, "name_zh": "居民身份证", "elicense": "id_card"},
                                  {"key": None, "name_zh": "户口簿", "elicense": "id_card"},
                                  {"key": "m3", "name_zh": "申请表", "elicense": None},
                                  {"key": None, "name_zh": "照片", "elicense": None},
                                  {"key": None, "name_zh": "旧材料", "elicense": None}]
    assign_keys(mats, previous={"旧材料": "old_key"})
    assert [m["key"] for m in mats] == ["id_card", "m2", "m3", "m4", "old_key"]


def test_an_items_own_form_is_read_canonical_and_an_item_without_one_asks_the_standard_form() -> None:
    items, materials = to_rows([EXAMPLE, {**EXAMPLE, "code": "H-002"}], TEMPLATE_LINES)
    loose = {"fields": [{"key": "purpose", "label": "查询目的", "type": "choice", "required": True,
                         "options": [{"value": "buy", "label": "购房"}]}]}
    by_code = {r["code"]: r["form"] for r in parse(*_tables(items, materials, [
        {"实施编码": "H-001", "表单定义": json.dumps(loose, ensure_ascii=False)}])).items}
    assert by_code["H-001"] == {"applicants": ["person"], "fields": [
        {"key": "purpose", "label": "查询目的", "type": "choice", "options": [{"value": "buy", "label": "购房"}]}]}
    assert by_code["H-002"] is None


def test_a_bad_form_names_its_row_column_and_the_definitions_path_and_reason() -> None:
    items, materials = to_rows([EXAMPLE, {**EXAMPLE, "code": "H-002"}], TEMPLATE_LINES)
    bad = {"fields": [{"key": "kind", "label": "类型", "type": "choice", "options": [{"value": "a"}]},
                      {"key": "other", "label": "其他", "when": {"field": "kind", "equals": "b"}}]}
    with pytest.raises(CatalogueRejected) as caught:
        parse(*_tables(items, materials, [
            {"实施编码": "H-001", "表单定义": "{not json"},
            {"实施编码": "H-002", "表单定义": json.dumps(bad, ensure_ascii=False)},
            {"实施编码": "H-001", "表单定义": ""}, {"实施编码": "H-404", "表单定义": "{}"}]))
    got = [(p.params["file"], p.params["row"], p.params["column"], p.params["problem"]) for p in caught.value.problems]
    assert got == [("表单.csv", 2, "表单定义", "form_json"), ("表单.csv", 3, "表单定义", "form_definition"),
                   ("表单.csv", 4, "实施编码", "duplicate"), ("表单.csv", 5, "实施编码", "unknown_item")]
    definition = caught.value.problems[1]
    assert definition.params["path"] == "fields[1].when.equals"
    assert definition.message_zh == ("表单.csv 第 3 行，“表单定义”列：表单定义有误：fields[1].when.equals："
                                     "不是该选择项的选项")
    assert definition.message_en == ("表单.csv, row 3, column 表单定义: the form definition is wrong at "
                                     "fields[1].when.equals: is not an option of that choice")
