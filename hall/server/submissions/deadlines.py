"""Overdue and soon-due applications (限时办结): the domain counts working days with the hall's calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext
from hall.server.domain import submissions as dsub
from hall.server.domain.hallday import hall_day
from hall.server.submissions.models import Submission
from hall.server.submissions.schemas import DeadlineOut

MAX_ROWS = 500


def deadlines(hall: HallContext, *, soon_days: int = 2) -> list[DeadlineOut]:
    """Overdue first (longest overdue first), then those within ``soon_days`` working days."""
    today = hall_day(datetime.now(UTC))
    calendar = hall.calendar.get()
    with hall.db.read() as s:
        rows = s.execute(select(Submission, ServiceItem.name_zh)
                         .join(ServiceItem, ServiceItem.code == Submission.item_code)
                         .where(Submission.status.in_(sorted(dsub.CLOCK_RUNNING)),
                                (Submission.promised_due.is_not(None)) | (Submission.legal_due.is_not(None)))
                         .order_by(Submission.promised_due, Submission.legal_due).limit(MAX_ROWS)).all()
    out = []
    for sub, item_name in rows:
        due = dsub.DueDates(legal=sub.legal_due, promised=sub.promised_due)
        state = due.deadline(today, soon_days=soon_days, calendar=calendar)
        if state == "ok":
            continue
        left = due.working_days_left(today, calendar=calendar)
        assert left is not None  # a limit exists (the query asks so)
        out.append(DeadlineOut(code=sub.code, item_code=sub.item_code, item_name=item_name, status=sub.status,
                               applicant_name_masked=sub.applicant_name_masked, promised_due=sub.promised_due,
                               legal_due=sub.legal_due, working_days_left=left, state=state))
    return sorted(out, key=lambda d: d.working_days_left)
