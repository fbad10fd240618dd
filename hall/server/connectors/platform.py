"""The provincial 一网通办 platform: every accepted submission pushed at least once, keyed by its
registration code, and the platform's status changes pulled back.

The outbox is the submissions table itself plus ``platform_outbox`` (one row per registration code,
unique): the worker finds accepted submissions without a row, adds one (so a crash before the push
only delays it), pushes pending rows with ``Idempotency-Key: <code>`` (the platform answers a repeat
as a success), retries with backoff, and polls pushed cases for the platform's status, which goes
through the domain's status table like any other change (actor ``platform``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from hall.server.connectors.http import HttpCaller, HttpUnavailable
from hall.server.connectors.platform_models import PlatformCase

if TYPE_CHECKING:
    from hall.server.connectors.registry import ConnectorContext
    from hall.server.core.context import HallContext

log = logging.getLogger(__name__)
# A submission is pushed once it is accepted (or any later status it reached before the first push).
PUSHED_STATUSES = ("accepted", "in_review", "approved", "result_ready", "delivered")
FINAL_STATUSES = ("rejected", "delivered")


class Platform(Protocol):
    """The 一网通办 connector; ``run`` (when present) is its background worker."""

    name: str


class NoPlatform:
    """``driver = "none"``: this hall reports to no platform."""

    name = "none"

    def __init__(self, *, context: ConnectorContext | None = None) -> None:
        self.context = context  # built by the registry like every connector (it passes the context)


class LoggingPlatform:
    """``driver = "log"`` (demo, test benches): nothing leaves the hall."""

    name = "log"

    def __init__(self, *, context: ConnectorContext | None = None) -> None:
        self.context = context


class HttpPlatform:
    """``driver = "http"``: push to and pull from the platform's HTTP API (docs/connectors.md)."""

    name = "http"

    def __init__(self, caller: HttpCaller, *, hall_code: str = "", poll_s: float = 2.0, pull_every_s: float = 60.0,
                 retry_base_s: float = 2.0, retry_cap_s: float = 300.0, batch: int = 50) -> None:
        self.caller, self.hall_code = caller, hall_code
        self.poll_s, self.pull_every_s = poll_s, pull_every_s
        self.retry_base_s, self.retry_cap_s, self.batch = retry_base_s, retry_cap_s, batch

    async def run(self, hall: HallContext) -> None:
        last_pull = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                await asyncio.to_thread(self.push, hall)
                if loop.time() - last_pull >= self.pull_every_s:
                    await asyncio.to_thread(self.pull, hall)
                    last_pull = loop.time()
            except SQLAlchemyError as exc:
                log.warning("platform: database error %s; retrying", exc.__class__.__name__)
            await asyncio.sleep(self.poll_s)

    # -- push -------------------------------------------------------------------------------------
    def collect(self, hall: HallContext) -> int:
        """Rows for accepted submissions that have none yet; returns how many were added."""
        from hall.server.submissions.models import Submission

        with hall.db.read() as s:
            known = select(PlatformCase.code)
            codes = list(s.scalars(select(Submission.code).where(
                Submission.status.in_(PUSHED_STATUSES), Submission.code.not_in(known)).limit(self.batch)))
        added = 0
        for code in codes:
            with contextlib.suppress(IntegrityError), hall.unit() as tx:
                tx.session.add(PlatformCase(code=code, state="pending", attempts=0, next_at=datetime.now(UTC)))
                added += 1
        return added

    def push(self, hall: HallContext, now: datetime | None = None) -> int:
        """Deliver the due rows; returns how many the platform took."""
        from hall.server.submissions.models import Submission

        self.collect(hall)
        now = now or datetime.now(UTC)
        with hall.db.read() as s:
            due = s.execute(select(PlatformCase, Submission).join(Submission, Submission.code == PlatformCase.code)
                            .where(PlatformCase.state == "pending", PlatformCase.next_at <= now)
                            .order_by(PlatformCase.id).limit(self.batch)).all()
            work = [(case.id, case.attempts, _case_body(sub, self.hall_code)) for case, sub in due]
        taken = 0
        for case_id, attempts, body in work:
            try:
                self.caller.call("POST", "/cases", json=body, headers={"Idempotency-Key": body["registration_code"]},
                                 accept=(200, 201, 409))
            except HttpUnavailable as exc:
                delay = min(self.retry_cap_s, self.retry_base_s * 2 ** min(attempts, 16))
                self._set(hall, case_id, attempts=attempts + 1, last_error=exc.reason[:64],
                          next_at=datetime.now(UTC) + timedelta(seconds=delay))
                log.warning("platform: case %s not pushed (%s); attempt %d", body["registration_code"],
                            exc.reason, attempts + 1)
                continue
            self._set(hall, case_id, state="pushed", attempts=attempts + 1, pushed_at=datetime.now(UTC),
                      last_error=None, remote_status=body["status"])
            taken += 1
        return taken

    def _set(self, hall: HallContext, case_id: int, **values: Any) -> None:
        with hall.unit() as tx:
            row = tx.session.get(PlatformCase, case_id)
            if row is not None:
                for key, value in values.items():
                    setattr(row, key, value)

    # -- pull -------------------------------------------------------------------------------------
    def pull(self, hall: HallContext) -> int:
        """Ask the platform for each pushed, unfinished case; apply its status changes. Returns how many."""
        from hall.server.domain.errors import DomainError
        from hall.server.submissions import service as submissions

        with hall.db.read() as s:
            cases = [(c.id, c.code, c.remote_status) for c in s.scalars(
                select(PlatformCase).where(PlatformCase.state == "pushed",
                                           PlatformCase.remote_status.not_in(FINAL_STATUSES)).limit(self.batch))]
        changed = 0
        for case_id, code, seen in cases:
            try:
                answer = self.caller.call("GET", f"/cases/{code}")
            except HttpUnavailable as exc:
                log.warning("platform: status of %s not pulled (%s)", code, exc.reason)
                break
            status = str(answer.get("status", "")) if isinstance(answer, dict) else ""
            if not status or status == seen:
                continue
            try:
                with hall.unit() as tx:
                    submissions.change_status(hall, tx, code, status=status, actor="platform",
                                              note=str(answer.get("note", ""))[:200])
            except (DomainError, ValueError) as exc:
                log.warning("platform: status %r of %s not applied (%s)", status[:24], code,
                            getattr(exc, "code", exc.__class__.__name__))
            self._set(hall, case_id, remote_status=status[:24], pulled_at=datetime.now(UTC))
            changed += 1
        return changed


def _case_body(sub: Any, hall_code: str) -> dict[str, Any]:
    """What the platform gets: the case, never the applicant's full ID number or name."""
    return {"registration_code": sub.code, "item_code": sub.item_code, "status": sub.status,
            "applicant_id_masked": sub.applicant_id_masked, "hall_code": hall_code,
            "submitted_at": sub.created_at.isoformat(),
            "legal_due": sub.legal_due.isoformat() if sub.legal_due else None,
            "promised_due": sub.promised_due.isoformat() if sub.promised_due else None}


def make(*, context: ConnectorContext, base_url: str, token: str = "", timeout_s: float = 5.0,
         failures_to_open: int = 5, open_s: float = 30.0, **options: Any) -> HttpPlatform:
    """``[connectors.platform] driver = "http"``."""
    caller = HttpCaller(base_url=base_url, token=token, timeout_s=timeout_s, failures_to_open=failures_to_open,
                        open_s=open_s, name="platform")
    return HttpPlatform(caller, **options)


__all__ = ["HttpPlatform", "LoggingPlatform", "NoPlatform", "Platform"]
