"""Item records as stored and exported: material keys, the stored shape of a material, records → rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hall.server.catalogue.sheet import CODE, DEFAULT_FORMATS, FORM_NAMES


def assign_keys(materials: Iterable[dict[str, Any]], *, previous: dict[str, str]) -> None:
    """Give each material without a key one: the key it had before (same name in ``previous``: name →
    key), else its e-licence type, else ``m<n>`` — never one another material of the item uses."""
    mats = list(materials)
    used = {m["key"] for m in mats if m.get("key")}
    for n, m in enumerate(mats, start=1):
        if m.get("key"):
            continue
        for candidate in (previous.get(m["name_zh"]), m.get("elicense"), f"m{n}"):
            if candidate and CODE.match(candidate) and candidate not in used:
                m["key"] = candidate
                used.add(candidate)
                break
        else:
            m["key"] = _free_key(used)
            used.add(m["key"])


def _free_key(used: set[str]) -> str:
    n = len(used) + 1
    while f"m{n}" in used:
        n += 1
    return f"m{n}"


def _yn(value: bool) -> str:
    return "是" if value else "否"


def to_rows(records: Iterable[dict[str, Any]], lines: dict[str, str]) -> tuple[list[dict[str, Any]],
                                                                               list[dict[str, Any]]]:
    """Item records (as stored) → the rows of 事项 and 材料 with every column; ``lines``: letter → name."""
    item_rows: list[dict[str, Any]] = []
    material_rows: list[dict[str, Any]] = []
    for r in records:
        line = f"{r['category']} {lines[r['category']]}" if lines.get(r["category"]) else r["category"]
        item_rows.append({
            "实施编码": r["code"], "事项名称": r["name_zh"], "事项类型": r["item_type"], "实施主体": r["department"],
            "业务类别": line, "办理条件": r["conditions"], "法定办结时限": r["legal_days"],
            "承诺办结时限": r["promised_days"], "收费标准": r["fees"], "办理地点": r["location"],
            "办理时间": r["hours"], "咨询电话": r["consult_phone"], "监督电话": r["supervise_phone"],
            "办理流程": r["process"], "办理结果": r["result"], "是否网办": _yn(r["online"]),
            "英文名称": r["name_en"], "设定依据": r["legal_basis"], "网办地址": r["online_url"],
            "容缺受理": _yn(r["commitment_allowed"]),
        })
        for m in r["materials"]:
            form = m.get("form") or ("original" if m.get("original", True) else "copy")
            material_rows.append({
                "实施编码": r["code"], "材料名称": m["name_zh"], "材料形式": FORM_NAMES.get(form, "原件"),
                "份数": int(m.get("copies", 1)), "是否容缺": _yn(bool(m.get("waivable"))),
                "电子证照类型": m.get("elicense") or "", "备注": m.get("note", ""), "材料编码": m["key"],
                "英文名称": m.get("name_en", ""), "文件格式": ",".join(m.get("formats") or DEFAULT_FORMATS),
            })
    return item_rows, material_rows


def form_rows(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 表单 rows of the items that have their own form: ``{"实施编码", "表单定义"}`` (the stored, canonical
    definition as an object; the writer makes it text where a cell needs text)."""
    return [{"实施编码": r["code"], "表单定义": r["form"]} for r in records if r.get("form") is not None]


def stored_material(m: dict[str, Any]) -> dict[str, Any]:
    """A parsed material as ``service_items.materials`` keeps it (``original`` for the readers that predate
    ``form``)."""
    return {"key": m["key"], "name_zh": m["name_zh"], "name_en": m["name_en"], "form": m["form"],
            "original": m["form"] in ("original", "original_and_copy"), "copies": m["copies"],
            "formats": m["formats"], "waivable": m["waivable"], "elicense": m["elicense"], "note": m["note"]}
