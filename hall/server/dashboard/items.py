"""The admin tab's service items (办事指南) and their application forms: every item (inactive ones too), one
item, the standard form as a starting point, a form definition checked while it is typed, and
``PUT /admin/items/{code}`` that creates or changes an item.

An item is checked by the catalogue import's own rules (``catalogue.sheet.parse``: the same limits, time
limits, material forms and copies, URLs), its problems named by the API's field names; its form by
``hall.forms.parse_form`` and stored as the canonical JSON. Mounted under ``/api/v1/dashboard/admin``,
admin only, CSRF on cookie writes (docs/dashboard.md, "Service items and their forms").
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import Field
from sqlalchemy import select

from hall.forms import STANDARD_FORM, FormDefinitionError, parse_form
from hall.server.catalogue import service as catalogue
from hall.server.catalogue.errors import CatalogueRejected, ItemNotFound
from hall.server.catalogue.models import Category, ServiceItem
from hall.server.catalogue.schemas import ServiceItemOut
from hall.server.catalogue.sheet import (
    DEFAULT_FORMATS,
    FORM_NAMES,
    ITEM_COLUMNS,
    ITEM_EXTRA,
    ITEMS,
    MATERIAL_COLUMNS,
    MATERIAL_EXTRA,
    MATERIALS,
    Table,
    parse,
)
from hall.server.core.schemas import In, Out
from hall.server.dashboard.admin import Admin, AdminWrite, hall_of
from hall.server.dashboard.errors import ItemFormInvalid, ItemInvalid
from hall.server.submissions.service import forget_item

router = APIRouter(prefix="/admin")

# Sizes only (a runaway body is refused early); every real limit is the import's and named per field.
_TEXT = Field(default="", max_length=8000)
MAX_MATERIALS = 100


class MaterialIn(In):
    key: str = Field(default="", max_length=64)
    name_zh: str = Field(default="", max_length=8000)
    name_en: str = _TEXT
    # original, copy, original_and_copy, electronic (or the import's 原件, 复印件, 原件和复印件, 电子)
    form: str = Field(default="original", max_length=32)
    copies: int = 1
    waivable: bool = False
    elicense: str | None = Field(default=None, max_length=200)
    formats: list[Annotated[str, Field(max_length=16)]] = Field(default_factory=lambda: list(DEFAULT_FORMATS),
                                                                max_length=10)
    note: str = _TEXT


class ItemIn(In):
    """An item as the admin tab saves it; ``code`` may be left out (the path names the item)."""

    code: str | None = Field(default=None, max_length=64)
    name_zh: str = Field(max_length=8000)
    name_en: str = _TEXT
    category: str = Field(max_length=80)
    department: str = _TEXT
    type: str = _TEXT
    legal_basis: str = _TEXT
    conditions: str = _TEXT
    materials: list[MaterialIn] = Field(default_factory=list, max_length=MAX_MATERIALS)
    legal_days: int = 0
    promised_days: int = 0
    fees: str = _TEXT
    location: str = _TEXT
    hours: str = _TEXT
    consult_phone: str = _TEXT
    supervise_phone: str = _TEXT
    process: str = _TEXT
    result: str = _TEXT
    online: bool = False
    online_url: str = _TEXT
    # None: allowed when some material may be waived (the import's rule for an empty 容缺受理).
    commitment_allowed: bool | None = None
    active: bool = True
    # None: the standard form (hall.forms.STANDARD_FORM); otherwise a definition (docs/forms.md).
    form: dict[str, Any] | None = None
    # The version the editor started from (0: a new item, refused if the code exists); None: no check.
    version: int | None = Field(default=None, ge=0)


class AdminItemOut(ServiceItemOut):
    """An item as the admin tab sees it: with ``active`` (an inactive one is hidden from kiosks)."""

    active: bool = True


class ItemSavedOut(AdminItemOut):
    changed: bool = True


class FormIn(In):
    form: dict[str, Any]


class FormOut(Out):
    form: dict[str, Any]


# The API's names for the columns of the import (its checks name the column; the answer names the field).
ITEM_FIELDS = {"code": "实施编码", "name_zh": "事项名称", "type": "事项类型", "department": "实施主体",
               "category": "业务类别", "conditions": "办理条件", "legal_days": "法定办结时限",
               "promised_days": "承诺办结时限", "fees": "收费标准", "location": "办理地点", "hours": "办理时间",
               "consult_phone": "咨询电话", "supervise_phone": "监督电话", "process": "办理流程",
               "result": "办理结果", "online": "是否网办", "name_en": "英文名称", "legal_basis": "设定依据",
               "online_url": "网办地址", "commitment_allowed": "容缺受理"}
MATERIAL_FIELDS = {"name_zh": "材料名称", "form": "材料形式", "copies": "份数", "waivable": "是否容缺",
                   "elicense": "电子证照类型", "note": "备注", "key": "材料编码", "name_en": "英文名称",
                   "formats": "文件格式"}
_BY_COLUMN = {ITEMS: {v: k for k, v in ITEM_FIELDS.items()}, MATERIALS: {v: k for k, v in MATERIAL_FIELDS.items()}}


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _tables(code: str, body: ItemIn) -> tuple[Table, Table]:
    """The body as the import's two tables (one 事项 row, one 材料 row per material)."""
    values = body.model_dump()
    item = {col: _cell(values[name]) for name, col in ITEM_FIELDS.items() if name != "code"}
    item["实施编码"] = code
    rows: list[tuple[int, dict[str, Any]]] = []
    for m in body.materials:
        row = {col: _cell(getattr(m, name)) for name, col in MATERIAL_FIELDS.items()}
        row["材料形式"] = FORM_NAMES.get(m.form, m.form)
        row["文件格式"] = ",".join(m.formats)
        row["实施编码"] = code
        rows.append((len(rows) + 2, row))
    return (Table(ITEMS, ITEM_COLUMNS + ITEM_EXTRA, [(2, item)]),
            Table(MATERIALS, MATERIAL_COLUMNS + MATERIAL_EXTRA, rows))


def _field_of(problem: dict[str, Any]) -> dict[str, str]:
    file, column, row = problem.get("file"), str(problem.get("column", "")), int(problem.get("row") or 0)
    name = _BY_COLUMN.get(str(file), {}).get(column, column)
    if file == MATERIALS:
        return {"field": f"materials[{row - 2}].{name}", "label": f"材料 {row - 1}“{column}”",
                "reason_zh": str(problem.get("detail_zh", "")), "reason_en": str(problem.get("detail_en", ""))}
    return {"field": name, "label": column, "reason_zh": str(problem.get("detail_zh", "")),
            "reason_en": str(problem.get("detail_en", ""))}


def _invalid(fields: list[dict[str, str]]) -> ItemInvalid:
    first = fields[0]
    return ItemInvalid(field=first["field"], label=first["label"], reason_zh=first["reason_zh"],
                       reason_en=first["reason_en"], fields=fields)


def checked_form(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The canonical JSON of a definition (None stays None: the standard form). Raises ItemFormInvalid."""
    if raw is None:
        return None
    try:
        return parse_form(raw).to_json()
    except FormDefinitionError as exc:
        raise ItemFormInvalid(path=exc.path, reason_zh=exc.reason_zh, reason_en=exc.reason_en) from exc


def checked_item(code: str, body: ItemIn) -> dict[str, Any]:
    """The body as a stored record (materials keyed later), or ItemInvalid naming every bad field."""
    if body.code is not None and body.code != code:
        raise _invalid([{"field": "code", "label": "实施编码", "reason_zh": "与地址中的实施编码不一致",
                         "reason_en": "differs from the code in the path"}])
    try:
        record = dict(parse(*_tables(code, body)).items[0])
    except CatalogueRejected as exc:
        # A bad 实施编码 also orphans every material row; the code's own problem says it all.
        problems = [p.params for p in exc.problems
                    if not (p.params.get("file") == MATERIALS and p.params.get("column") == "实施编码")]
        raise _invalid([_field_of(p) for p in problems or [exc.problems[0].params]]) from exc
    record["form"] = checked_form(body.form)
    return record


def _admin_out(item: ServiceItem) -> AdminItemOut:
    return AdminItemOut(**catalogue.item_out(item).model_dump(), active=bool(item.active))


@router.get("/items", response_model=list[AdminItemOut])
def list_items(request: Request, user: Admin) -> list[AdminItemOut]:
    """Every item, inactive ones too (``active``), by code."""
    with hall_of(request).db.read() as s:
        return [_admin_out(i) for i in s.scalars(select(ServiceItem).order_by(ServiceItem.code))]


@router.get("/items/{code}", response_model=AdminItemOut)
def get_item(code: str, request: Request, user: Admin) -> AdminItemOut:
    with hall_of(request).db.read() as s:
        found = s.get(ServiceItem, code)
        if found is None:
            raise ItemNotFound()
        return _admin_out(found)


@router.put("/items/{code}", response_model=ItemSavedOut)
def put_item(code: str, body: ItemIn, request: Request, user: AdminWrite) -> ItemSavedOut:
    """Create or change an item; a change keeps the previous version (``GET /api/v1/items/{code}/versions``).
    422 ``item.invalid`` (``fields``), ``item.form_invalid`` (``path``), ``validation``; 409
    ``item.version_conflict`` when ``version`` is given and the item is no longer that version."""
    hall = hall_of(request)
    record = checked_item(code, body)
    with hall.db.read() as s:
        if s.get(Category, record["category"]) is None:
            raise _invalid([{"field": "category", "label": "业务类别", "reason_zh": "大厅没有这个业务类别",
                             "reason_en": "the hall has no such line"}])
    out, changed = catalogue.put_item(hall, record, active=body.active, who=user, expected_version=body.version)
    forget_item(code)
    return ItemSavedOut(**out.model_dump(), active=body.active, changed=changed)


@router.get("/forms/standard", response_model=FormOut)
def standard_form(user: Admin) -> FormOut:
    """The standard form's definition: what an item without its own asks, and a starting point for one."""
    return FormOut(form=STANDARD_FORM.to_json())


@router.post("/forms/check", response_model=FormOut)
def check_form(body: FormIn, user: Admin) -> FormOut:
    """A definition as it would be stored (canonical JSON), or 422 ``item.form_invalid``; stores nothing."""
    return FormOut(form=checked_form(body.form) or {})
