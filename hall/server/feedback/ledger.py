"""整改台账: every low rating's follow-up (open and closed) with its stages, as JSON rows, CSV (UTF-8 with BOM,
for Excel) and XLSX with Chinese headers. Times in the hall's zone; cells never start a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext
from hall.server.domain.evaluations import Level
from hall.server.domain.hallday import HALL_TZ, day_bounds
from hall.server.feedback.followups import views
from hall.server.feedback.models import FollowUp
from hall.server.feedback.schemas import LedgerRowOut, StepOut
from hall.server.stats.report import _cell

MAX_ROWS = 10_000
HEADERS = ("编号", "评价时间", "窗口", "工作人员", "号码", "事项编码", "事项名称", "办件编号", "评价等级", "差评原因",
           "评价说明", "整改环节", "整改期限", "是否超期", "核实人", "核实时间", "核实说明", "整改人", "整改完成时间",
           "整改说明", "回访人", "回访时间", "回访说明", "关闭时间")
# Which step fills the 核实, 整改 and 回访 columns.
_VERIFIED = ("rectifying", "unfounded")
_RECTIFIED = ("rectified",)
_REVISITED = ("revisited", "closed")


def rows(hall: HallContext, *, first: date | None, last: date | None) -> list[LedgerRowOut]:
    """The ledger of ratings given from hall day ``first`` to ``last`` (either open-ended), oldest first."""
    tz = ZoneInfo(hall.options.timezone)
    now = datetime.now(UTC)
    with hall.db.read() as s:
        q = select(FollowUp).where(FollowUp.kind == "low_rating").order_by(FollowUp.id).limit(MAX_ROWS)
        if first is not None:
            q = q.where(FollowUp.created_at >= day_bounds(first, tz=tz)[0])
        if last is not None:
            q = q.where(FollowUp.created_at < day_bounds(last, tz=tz)[1])
        found = views(s, s.scalars(q), now=now)
        names = dict(s.execute(select(ServiceItem.code, ServiceItem.name_zh).where(
            ServiceItem.code.in_({v.item_code for v in found if v.item_code} or {""}))).tuples().all())
    out = []
    for v in found:
        rating = v.rating
        out.append(LedgerRowOut(
            id=v.id, rated_at=v.created_at or now, window=v.window, clerk=v.clerk, ticket_number=v.ticket_number,
            item_code=v.item_code, item_name=names.get(v.item_code or ""), case_code=v.case_code,
            level=rating.level if rating else None,
            level_zh=Level(rating.level).zh if rating else "",
            reasons_zh="、".join(t[0] for t in rating.reason_texts) if rating else "",
            comment=rating.comment if rating else "",
            stage=v.stage, stage_zh=v.stage_zh or ("已关闭" if v.status == "closed" else ""),
            due_at=v.due_at, overdue=v.overdue, closed_at=v.closed_at, steps=v.steps))
    return out


def _local(at: datetime | None, tz: ZoneInfo) -> str:
    return "" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _step(steps: list[StepOut], stages: tuple[str, ...]) -> StepOut | None:
    return next((st for st in steps if st.stage in stages), None)


def _values(row: LedgerRowOut, tz: ZoneInfo) -> list[Any]:
    cols: list[Any] = [row.id, _local(row.rated_at, tz), row.window, row.clerk, row.ticket_number, row.item_code,
                       row.item_name, row.case_code, row.level_zh, row.reasons_zh, row.comment, row.stage_zh,
                       _local(row.due_at, tz), "是" if row.overdue else "否"]
    for stages in (_VERIFIED, _RECTIFIED, _REVISITED):
        st = _step(row.steps, stages)
        cols += [st.who, _local(st.at, tz), st.note] if st else ["", "", ""]
    cols.append(_local(row.closed_at, tz))
    return cols


def to_csv(data: list[LedgerRowOut], *, tz: ZoneInfo = HALL_TZ) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in data:
        writer.writerow(["" if v is None else _cell(v) for v in _values(row, tz)])
    return buf.getvalue()


def to_xlsx(data: list[LedgerRowOut], *, tz: ZoneInfo = HALL_TZ) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in data:
        ws.append(_values(row, tz))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: "=…" is never a formula
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(first: date | None, last: date | None, ext: str) -> str:
    return f"rectification-ledger-{first or 'start'}_{last or 'now'}.{ext}"
