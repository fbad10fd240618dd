"""The reminder SMS the day before a citizen's booking (between 10:00 and 20:00 hall time, once).

Claimed with a conditional update (``reminded_at`` still empty) in the transaction that queues the SMS,
so two replicas never both send it; a moved booking is reminded again.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select, update

from hall.server.appointments.citizen import pretty
from hall.server.appointments.models import Appointment
from hall.server.appointments.sms import queue_sms, sms_message
from hall.server.core.context import HallContext
from hall.server.domain.hallday import HALL_TZ, hall_day, local
from hall.server.domain.notifications import NoticeKind

log = logging.getLogger(__name__)
FROM, UNTIL = time(10), time(20)  # no reminder at night
POLL_S = 300.0


def send_reminders(hall: HallContext, now: datetime | None = None) -> int:
    """Queue the reminders due at ``now``; returns how many."""
    now = now or datetime.now(UTC)
    if not FROM <= local(now).time() < UNTIL:
        return 0
    tomorrow = hall_day(now) + timedelta(days=1)
    lo = datetime.combine(tomorrow, time(0), tzinfo=HALL_TZ)
    with hall.db.read() as s:
        rows = s.scalars(select(Appointment).where(
            Appointment.status == "booked", Appointment.phone_enc.is_not(None), Appointment.reminded_at.is_(None),
            Appointment.slot_start >= lo, Appointment.slot_start < lo + timedelta(days=1)))
        due = [(a.id, a.code, a.category, a.slot_start, a.slot_end, a.phone_enc) for a in rows]
    cats = hall.categories.get()
    sent = 0
    for appt_id, code, category, start, end, phone_enc in due:
        to = str(hall.keyring.decrypt(base64.b64decode(phone_enc or ""))["to"])
        name = cats[category].name_zh if category in cats else category
        when = f"{local(start):%m月%d日 %H:%M}–{local(end):%H:%M}"
        with hall.unit() as tx:
            claimed = tx.session.execute(update(Appointment).where(
                Appointment.id == appt_id, Appointment.reminded_at.is_(None), Appointment.slot_start == start)
                .values(reminded_at=now))
            if not claimed.rowcount:  # type: ignore[attr-defined]
                continue
            key = f"remind:{appt_id}:{start:%Y%m%d%H%M}"
            queue_sms(hall, tx, key=key, to=to, message=sms_message(
                key, NoticeKind.REMINDER,
                f"【{hall.options.hall_name_zh}】提醒：您预约了明天 {when} 的{name}业务，预约码 {pretty(code)}。"
                f"请按时到大厅签到；如需取消或改约，请打开预约页面输入预约码。",
                f"[{hall.options.hall_name_en}] Reminder: your booking is tomorrow {when}, code {pretty(code)}."))
        sent += 1
    if sent:
        log.info("booking reminders queued: %d", sent)
    return sent


async def reminders_task(hall: HallContext) -> None:
    """Every ``POLL_S``: queue the reminders that are due (one asyncio task per process)."""
    while True:
        try:
            await asyncio.to_thread(send_reminders, hall)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the next round retries; nothing is marked sent
            log.warning("booking reminders failed: %s", exc.__class__.__name__)
        await asyncio.sleep(POLL_S)
