"""The report by anything as a file for people: CSV (UTF-8 with BOM, for Excel) and XLSX, Chinese headers.

The JSON keys stay English (the API contract); the files a manager opens say 取号数, 满意率, 整改率 ….
Cells never start a formula: text that begins with = + - @ is written as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from hall.server.stats.report import _cell
from hall.server.stats.schemas import BreakdownOut

DIMENSION_ZH = {"category": "业务类别", "window": "窗口", "clerk": "工作人员", "item": "事项"}
# (JSON key, Chinese header); the first two columns are the range, then the dimension's key and name.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("tickets", "取号数"), ("served", "办结数"), ("no_show", "过号数"), ("cancelled", "取消数"),
    ("no_show_rate", "过号率"), ("wait_p50_s", "等候时长中位数（秒）"), ("wait_p90_s", "等候时长90分位（秒）"),
    ("handling_avg_s", "平均办理时长（秒）"), ("handling_p50_s", "办理时长中位数（秒）"), ("ratings", "评价数"),
    ("rating_avg", "平均评分"), ("rating_good_rate", "满意率"), ("rating_bad", "差评数"), ("rectified", "已整改差评数"),
    ("rectify_rate", "整改率"), ("revisited", "已回访差评数"), ("revisit_rate", "回访率"),
    ("cannot_do", "办不成事数"), ("cannot_do_resolved", "办不成事已解决数"),
)


def headers(by: str) -> list[str]:
    return ["开始日期", "结束日期", DIMENSION_ZH[by], "名称", *(zh for _k, zh in COLUMNS)]


def _values(data: BreakdownOut) -> list[list[Any]]:
    out = []
    for row in data.rows:
        r = row.model_dump()
        out.append([data.period_start, data.period_end, row.key, row.name, *(r[k] for k, _zh in COLUMNS)])
    return out


def to_csv(data: BreakdownOut) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers(data.by))
    for values in _values(data):
        writer.writerow(["" if v is None else _cell(v) for v in values])
    return buf.getvalue()


def to_xlsx(data: BreakdownOut) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"按{DIMENSION_ZH[data.by]}"
    ws.append(headers(data.by))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in _values(data):
        ws.append([None if v is None else v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: "=…" is never a formula
    ws.freeze_panes = "A2"
    for col, width in zip("ABCD", (12, 12, 12, 24), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(data: BreakdownOut, ext: str) -> str:
    return f"hall-report-{data.by}-{data.period_start}_{data.period_end}.{ext}"
