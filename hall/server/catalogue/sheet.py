"""The catalogue's two tables (事项 and 材料 of the national 政务服务事项实施清单) as rows ⇄ item records.

Pure: no files, SQL or HTTP. A reader (``transfer.py``) hands over each table as numbered rows of
``{column: value}``; :func:`parse` checks every cell and answers the item records, or raises
:class:`CatalogueRejected` listing every bad cell (file, row, column); ``records.py`` is the way back
for the export. A record is a plain dict keyed by the ``service_items`` columns, so storage and the API
need no second vocabulary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hall.forms import FormDefinitionError, parse_form
from hall.server.catalogue.errors import CatalogueCell, CatalogueRejected
from hall.server.domain.errors import DomainError

ITEMS, MATERIALS, FORMS_TABLE = "事项", "材料", "表单"
# The national list's columns, all required in a file, in this order on export.
ITEM_COLUMNS = ("实施编码", "事项名称", "事项类型", "实施主体", "业务类别", "办理条件", "法定办结时限",
                "承诺办结时限", "收费标准", "办理地点", "办理时间", "咨询电话", "监督电话", "办理流程", "办理结果",
                "是否网办")
MATERIAL_COLUMNS = ("实施编码", "材料名称", "材料形式", "份数", "是否容缺", "电子证照类型", "备注")
# The suite's own columns: optional on import, always written on export (so nothing is lost).
ITEM_EXTRA = ("英文名称", "设定依据", "网办地址", "容缺受理")
MATERIAL_EXTRA = ("材料编码", "英文名称", "文件格式")
# The optional third table: an item's own application form as the JSON text of its definition
# (docs/forms.md); an item without a row asks the standard form. A .json catalogue puts it in the item's
# "form" instead (the column is then called ``form``).
FORM_COLUMNS = ("实施编码", "表单定义")
FORM_JSON_KEY = "form"
COLUMNS = {ITEMS: (ITEM_COLUMNS, ITEM_EXTRA), MATERIALS: (MATERIAL_COLUMNS, MATERIAL_EXTRA),
           FORMS_TABLE: (FORM_COLUMNS, ())}
MAX_FORM_TEXT = 32000  # a spreadsheet cell holds at most 32,767 characters

MAX_ITEMS, MAX_MATERIALS = 5000, 50000
MAX_DAYS, MAX_COPIES, LONG_TEXT = 3650, 99, 4000
FORMS = {"原件": "original", "复印件": "copy", "原件和复印件": "original_and_copy", "电子": "electronic"}
FORM_NAMES = {v: k for k, v in FORMS.items()}
FILE_FORMATS = ("pdf", "jpg", "jpeg", "png", "ofd", "tif", "tiff")
DEFAULT_FORMATS = ["jpg", "png", "pdf"]
_YES, _NO = {"是", "yes", "true", "1", "y"}, {"否", "no", "false", "0", "n", ""}
CODE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_CATEGORY = re.compile(r"^([A-Z])(?:[\s:：|-]+(\S.*))?$")
_DAYS = re.compile(r"^(\d{1,5})\s*(?:个?工作日)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Table:
    """One table as read: where it came from (shown in errors), its header and its numbered rows."""

    where: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[int, dict[str, Any]]]
    header_row: int = 1


@dataclass(frozen=True)
class Catalogue:
    """What a file holds: item records in file order and the names of lines it may create."""

    items: tuple[dict[str, Any], ...]
    rows: dict[str, int] = field(default_factory=dict)  # 实施编码 → its 事项 row, for later refusals
    new_lines: dict[str, str] = field(default_factory=dict)  # letter → name written next to it
    where: str = ITEMS


class _Cells:
    """Reads one row's cells and collects the problems instead of stopping at the first."""

    def __init__(self, table: Table, problems: list[DomainError]) -> None:
        self.table, self.problems = table, problems
        self.row, self.values = 0, dict[str, Any]()

    def at(self, row: int, values: dict[str, Any]) -> _Cells:
        self.row, self.values = row, values
        return self

    def bad(self, column: str, problem: str, **params: object) -> None:
        self.problems.append(CatalogueCell.of(problem, file=self.table.where, row=self.row, column=column, **params))

    def text(self, column: str, *, limit: int, required: bool = False) -> str:
        raw = self.values.get(column)
        if isinstance(raw, bool):
            value = "是" if raw else "否"
        elif isinstance(raw, int) or raw is None:
            value = "" if raw is None else str(raw)
        elif isinstance(raw, float):
            value = str(int(raw)) if raw.is_integer() else str(raw)
        elif isinstance(raw, str):
            value = raw.strip()
        else:
            self.bad(column, "not_text")
            return ""
        if _CONTROL.search(value):
            self.bad(column, "control_chars")
        elif len(value) > limit:
            self.bad(column, "too_long", max=limit)
        elif required and not value:
            self.bad(column, "required")
        else:
            return value
        return ""

    def checked(self, column: str, check: Callable[[str], Any], problem: str, *, limit: int = 64,
                required: bool = False, **params: object) -> Any:
        before = len(self.problems)
        value = self.text(column, limit=limit, required=required)
        if len(self.problems) > before:
            return None
        try:
            return check(value)
        except ValueError:
            self.bad(column, problem, **params)
            return None


def _days(value: str) -> int:
    if value == "即办":
        return 0
    m = _DAYS.match(value)
    if not m or int(m[1]) > MAX_DAYS:
        raise ValueError(value)
    return int(m[1])


def _yes_no(value: str) -> bool:
    if value.lower() in _YES:
        return True
    if value.lower() in _NO:
        return False
    raise ValueError(value)


def _code(value: str) -> str:
    if not CODE.match(value):
        raise ValueError(value)
    return value


def _url(value: str) -> str:
    if value and not re.match(r"^https?://\S+$", value):
        raise ValueError(value)
    return value


def _formats(value: str) -> list[str]:
    if not value:
        return list(DEFAULT_FORMATS)
    found = [f.strip().lower().lstrip(".") for f in re.split(r"[,，、;；\s]+", value) if f.strip()]
    if not found or any(f not in FILE_FORMATS for f in found):
        raise ValueError(value)
    return list(dict.fromkeys(found))


def _header(table: Table, problems: list[DomainError], kind: str) -> None:
    required, extra = COLUMNS[kind]
    seen: set[str] = set()
    for col in table.columns:
        name = col.strip() if isinstance(col, str) else ""
        if name in seen:
            problems.append(CatalogueCell.of("duplicate_column", file=table.where, row=table.header_row, column=name))
        elif name not in required and name not in extra and name:
            problems.append(CatalogueCell.of("unknown_column", file=table.where, row=table.header_row,
                                             column=name))
        seen.add(name)
    for col in required:
        if col not in seen:
            problems.append(CatalogueCell.of("missing_column", file=table.where, row=table.header_row, column=col))
    limit = MAX_MATERIALS if kind == MATERIALS else MAX_ITEMS
    if len(table.rows) > limit:
        problems.append(CatalogueCell.of("too_many_rows", file=table.where, row=table.header_row + limit + 1,
                                         column=required[0], max=limit))


def _item(c: _Cells, new_lines: dict[str, str]) -> dict[str, Any]:
    line = c.text("业务类别", limit=70, required=True)
    m = _CATEGORY.match(line)
    if line and not m:
        c.bad("业务类别", "category")
    elif m and m[2]:
        new_lines.setdefault(m[1], m[2].strip()[:64])
    legal = c.checked("法定办结时限", _days, "days", max=MAX_DAYS)
    promised = c.checked("承诺办结时限", _days, "days", max=MAX_DAYS)
    if legal is not None and promised is not None and promised > legal:
        c.bad("承诺办结时限", "promised_over_legal")
    allowed = c.checked("容缺受理", lambda v: None if v == "" else _yes_no(v), "yes_no")
    return {
        "code": c.checked("实施编码", _code, "code", required=True, max=32),
        "name_zh": c.text("事项名称", limit=128, required=True),
        "item_type": c.text("事项类型", limit=32), "department": c.text("实施主体", limit=128),
        "category": m[1] if m else "", "conditions": c.text("办理条件", limit=LONG_TEXT),
        "legal_days": legal or 0, "promised_days": promised or 0, "fees": c.text("收费标准", limit=128),
        "location": c.text("办理地点", limit=128), "hours": c.text("办理时间", limit=128),
        "consult_phone": c.text("咨询电话", limit=64), "supervise_phone": c.text("监督电话", limit=64),
        "process": c.text("办理流程", limit=LONG_TEXT), "result": c.text("办理结果", limit=LONG_TEXT),
        "online": bool(c.checked("是否网办", _yes_no, "yes_no")), "name_en": c.text("英文名称", limit=256),
        "legal_basis": c.text("设定依据", limit=LONG_TEXT), "online_url": c.checked("网办地址", _url, "url", limit=256),
        "commitment_allowed": allowed, "materials": [], "form": None,
    }


def _material(c: _Cells) -> dict[str, Any]:
    key = c.checked("材料编码", lambda v: v and _code(v), "code", max=32)
    return {
        "key": key or None, "name_zh": c.text("材料名称", limit=128, required=True),
        "name_en": c.text("英文名称", limit=256),
        "form": c.checked("材料形式", _form, "form"),
        "copies": c.checked("份数", _copies, "copies", max=MAX_COPIES),
        "waivable": bool(c.checked("是否容缺", _yes_no, "yes_no")),
        "elicense": c.text("电子证照类型", limit=64) or None,
        "formats": c.checked("文件格式", _formats, "formats", allowed=", ".join(FILE_FORMATS)),
        "note": c.text("备注", limit=256),
    }


def _form(value: str) -> str:
    if (value or "原件") not in FORMS:
        raise ValueError(value)
    return FORMS[value or "原件"]


def _copies(value: str) -> int:
    n = int(value or "1")
    if not 1 <= n <= MAX_COPIES:
        raise ValueError(value)
    return n


def _definition(raw: Any) -> Any:
    """A 表单定义 cell: the JSON text of a definition (or, from a .json file, the object itself)."""
    if isinstance(raw, str):
        if len(raw) > MAX_FORM_TEXT:
            raise ValueError("too long")
        return json.loads(raw) if raw.strip() else None
    return raw


def _forms(table: Table, records: dict[str, dict[str, Any]], problems: list[DomainError]) -> None:
    """Each row's definition checked (hall.forms) and stored canonical in its item's record."""
    column = FORM_JSON_KEY if FORM_JSON_KEY in table.columns else FORM_COLUMNS[1]
    cells, seen = _Cells(table, problems), dict[str, int]()
    for row, values in table.rows:
        code = cells.at(row, values).text("实施编码", limit=32, required=True)
        if code and code not in records:
            cells.bad("实施编码", "unknown_item")
            continue
        if code in seen:
            cells.bad("实施编码", "duplicate", other=seen[code])
            continue
        seen[code] = row
        try:
            raw = _definition(values.get(column))
        except ValueError:  # json.JSONDecodeError is one
            cells.bad(column, "form_json", max=MAX_FORM_TEXT)
            continue
        if raw is None or not code:
            continue
        try:
            records[code]["form"] = parse_form(raw).to_json()
        except FormDefinitionError as e:
            cells.bad(column, "form_definition", path=e.path, reason_zh=e.reason_zh, reason_en=e.reason_en)


def parse(items: Table, materials: Table, forms: Table | None = None, *, max_problems: int = 50) -> Catalogue:
    """Every cell checked; the item records (materials inside, keys given where the file has none; ``form``
    the canonical definition from ``forms``, None for the standard form).

    Raises :class:`CatalogueRejected` with the first ``max_problems`` problems when anything is wrong."""
    problems: list[DomainError] = []
    _header(items, problems, ITEMS)
    _header(materials, problems, MATERIALS)
    if forms is not None and FORM_JSON_KEY not in forms.columns:
        _header(forms, problems, FORMS_TABLE)
    if problems:
        raise CatalogueRejected(problems)
    new_lines: dict[str, str] = {}
    records: dict[str, dict[str, Any]] = {}
    rows: dict[str, int] = {}
    cells = _Cells(items, problems)
    for row, values in items.rows:
        record = _item(cells.at(row, values), new_lines)
        code = record["code"]
        if code and code in rows:
            cells.bad("实施编码", "duplicate", other=rows[code])
        elif code:
            records[code], rows[code] = record, row
    if not items.rows:
        problems.append(CatalogueCell.of("no_items", file=items.where, row=items.header_row + 1, column="实施编码"))
    cells = _Cells(materials, problems)
    material_rows: dict[tuple[str, str], int] = {}
    for row, values in materials.rows:
        owner = cells.at(row, values).text("实施编码", limit=32, required=True)
        material = _material(cells)
        if owner and owner not in records:
            cells.bad("实施编码", "unknown_item")
            continue
        if owner and material["key"]:
            seen = material_rows.setdefault((owner, material["key"]), row)
            if seen != row:
                cells.bad("材料编码", "duplicate", other=seen)
        if owner:
            records[owner]["materials"].append(material)
    if forms is not None:
        _forms(forms, records, problems)
    if problems:
        raise CatalogueRejected(problems[:max_problems], more=max(0, len(problems) - max_problems))
    for record in records.values():
        _finish(record)
    return Catalogue(items=tuple(records.values()), rows=rows, new_lines=new_lines, where=items.where)


def _finish(record: dict[str, Any]) -> None:
    """容缺受理 left empty means "when some material may be waived" (the domain's ``accepts_waivers``)."""
    if record["commitment_allowed"] is None:
        record["commitment_allowed"] = any(m["waivable"] for m in record["materials"])
