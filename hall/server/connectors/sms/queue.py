"""The durable SMS queue: a notice is written to ``sms_outbox`` in the transaction that decides it, then
a worker hands it to the gateway, retrying with backoff until the gateway takes it.

A gateway outage therefore loses nothing: the rows wait (``pending``) and go out once it is back. Rows
are claimed with a versioned update and a lease, so two replicas never send one twice and a sender
that died mid-way has its rows taken again. Receipts (``stat:DELIVRD`` …) are recorded per part.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from hall.server.connectors.sms.models import SmsOutbox, SmsReceipt
from hall.server.domain.notifications import Message

if TYPE_CHECKING:
    from hall.server.core.context import HallContext, Tx

log = logging.getLogger(__name__)
FINAL = ("delivered", "undelivered", "expired")


class GatewayError(Exception):
    """The gateway did not take a message; ``code`` says why (no text from the gateway, no recipient)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SmsTransport(Protocol):
    """How messages reach a gateway (SMPP session, HTTP webhook)."""

    def start(self, on_receipt: Callable[[str, str], None]) -> None: ...

    def deliver(self, to: str, text: str) -> list[str]:
        """Send ``text`` to ``to``; the gateway's message ids (one per part). Raises GatewayError."""
        ...

    def close(self) -> None: ...


class QueuedSms:
    """The ``sms`` connector of a hall with a real gateway: a Notifier whose messages go through the queue."""

    delivers = True  # a real sender: the public page offers SMS

    def __init__(self, transport: SmsTransport, *, retry_base_s: float = 2.0, retry_cap_s: float = 60.0,
                 expire_after_s: float = 4 * 3600, lease_s: float = 60.0, poll_s: float = 1.0,
                 batch: int = 20) -> None:
        self.transport = transport
        self.retry_base_s, self.retry_cap_s, self.expire_after_s = retry_base_s, retry_cap_s, expire_after_s
        self.lease_s, self.poll_s, self.batch = lease_s, poll_s, batch
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._hall: HallContext | None = None
        self._forgot_at: datetime | None = None

    # -- writing ----------------------------------------------------------------------------------
    def enqueue(self, tx: Tx, *, key: str, channel: str, recipient_enc: str, message: Message) -> None:
        """Queue ``message`` in the caller's transaction (nothing is sent before it commits)."""
        tx.session.add(SmsOutbox(key=key[:80], channel=channel, recipient_enc=recipient_enc,
                                 kind=message.kind.value, number=message.number, text=message.text_zh,
                                 state="pending", attempts=0, next_at=datetime.now(UTC), version=0, parts=0))
        tx.after_commit.append(self.wake)

    def send(self, recipient: str, message: Message) -> None:
        """Notifier protocol for callers without a transaction: straight to the gateway (raises GatewayError)."""
        self.transport.deliver(recipient, message.text_zh)

    def wake(self) -> None:
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    # -- the worker -------------------------------------------------------------------------------
    async def run(self, hall: HallContext) -> None:
        """One asyncio task per process: start the transport, then drain the queue on each wake-up."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        await asyncio.to_thread(self.attach, hall)
        try:
            while True:
                try:
                    await asyncio.to_thread(self.drain, hall)
                except SQLAlchemyError as exc:
                    log.warning("sms queue: database error %s; retrying", exc.__class__.__name__)
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for loses a cancellation that arrives as
                # the wake-up does (gh-86296), and this loop then outlives the server's shutdown for good.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_s):
                        await self._wake.wait()
                self._wake.clear()
        finally:
            await asyncio.to_thread(self.transport.close)

    def attach(self, hall: HallContext) -> None:
        """Start the transport; its receipts are recorded in ``hall``'s database."""
        self._hall = hall
        self.transport.start(self.receipt)

    def close(self) -> None:
        self.transport.close()

    def drain(self, hall: HallContext, now: datetime | None = None) -> int:
        """Send what is due; returns how many messages the gateway took."""
        now = now or datetime.now(UTC)
        self._forget_recipients(hall, now)
        taken = 0
        for row in self._claim(hall, now):
            to = str(hall.keyring.decrypt(base64.b64decode(row.recipient_enc))["to"])
            try:
                ids = self.transport.deliver(to, row.text)
            except GatewayError as exc:
                self._failed(hall, row, exc.code)
                log.warning("sms for ticket %s not taken by the gateway (%s); attempt %d, will retry",
                            row.number, exc.code, row.attempts + 1)
                continue
            self._sent(hall, row, ids)
            taken += 1
            log.info("sms %s for ticket %s taken by the gateway in %d part(s)", row.kind, row.number, len(ids))
        return taken

    def _forget_recipients(self, hall: HallContext, now: datetime) -> None:
        """A message the gateway took long ago and never confirmed keeps no phone number (once a minute)."""
        if self._forgot_at is not None and now - self._forgot_at < timedelta(minutes=1):
            return
        self._forgot_at = now
        with hall.unit() as tx:
            tx.session.execute(update(SmsOutbox).where(
                SmsOutbox.state == "sent", SmsOutbox.recipient_enc != "",
                SmsOutbox.sent_at < now - timedelta(seconds=self.expire_after_s)).values(recipient_enc=""))

    def _claim(self, hall: HallContext, now: datetime) -> list[SmsOutbox]:
        with hall.db.read() as s:
            rows = list(s.scalars(select(SmsOutbox).where(or_(
                (SmsOutbox.state == "pending") & (SmsOutbox.next_at <= now),
                (SmsOutbox.state == "sending") & (SmsOutbox.lease_until < now))).order_by(SmsOutbox.id)
                .limit(self.batch)))
            for row in rows:
                s.expunge(row)
        mine: list[SmsOutbox] = []
        for row in rows:
            if now - row.created_at > timedelta(seconds=self.expire_after_s):
                self._update(hall, row, state="expired", recipient_enc="", done_at=now)
                log.warning("sms %s for ticket %s expired undelivered after %d attempt(s)", row.kind,
                            row.number, row.attempts)
            elif self._update(hall, row, state="sending", lease_until=now + timedelta(seconds=self.lease_s)):
                mine.append(row)
        return mine

    def _update(self, hall: HallContext, row: SmsOutbox, **values: Any) -> bool:
        with hall.unit() as tx:
            done = tx.session.execute(update(SmsOutbox).where(
                SmsOutbox.id == row.id, SmsOutbox.version == row.version).values(version=row.version + 1, **values))
        row.version += 1
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def _failed(self, hall: HallContext, row: SmsOutbox, code: str) -> None:
        delay = min(self.retry_cap_s, self.retry_base_s * 2 ** min(row.attempts, 16))
        self._update(hall, row, state="pending", attempts=row.attempts + 1, last_error=code[:64],
                     next_at=datetime.now(UTC) + timedelta(seconds=delay), lease_until=None)

    def _sent(self, hall: HallContext, row: SmsOutbox, ids: list[str]) -> None:
        now = datetime.now(UTC)
        for attempt in range(2):
            try:
                with hall.unit() as tx:
                    tx.session.execute(update(SmsOutbox).where(SmsOutbox.id == row.id).values(
                        state="sent", attempts=row.attempts + 1, parts=len(ids), sent_at=now, lease_until=None,
                        last_error=None, version=SmsOutbox.version + 1))
                    for message_id in ids:
                        rec = tx.session.get(SmsReceipt, message_id[:80])
                        if rec is None:
                            tx.session.add(SmsReceipt(message_id=message_id[:80], outbox_id=row.id))
                        else:
                            rec.outbox_id = row.id
                    tx.session.flush()
                    _settle(tx, row.id, now)
                return
            except IntegrityError:
                if attempt:
                    raise

    # -- receipts ---------------------------------------------------------------------------------
    def receipt(self, message_id: str, stat: str) -> None:
        """A delivery receipt from the gateway (any thread): recorded, and the message settled."""
        hall = self._hall
        if hall is None:
            return
        now = datetime.now(UTC)
        for attempt in range(2):
            try:
                with hall.unit() as tx:
                    rec = tx.session.get(SmsReceipt, message_id[:80])
                    if rec is None:
                        rec = SmsReceipt(message_id=message_id[:80])
                        tx.session.add(rec)
                    rec.stat, rec.received_at = stat[:16], now
                    tx.session.flush()
                    if rec.outbox_id is not None:
                        _settle(tx, rec.outbox_id, now)
                return
            except IntegrityError:
                if attempt:
                    raise
            except SQLAlchemyError as exc:
                log.warning("sms receipt not recorded: %s", exc.__class__.__name__)
                return


def _settle(tx: Tx, outbox_id: int, now: datetime) -> None:
    """Once every part has its receipt: ``delivered`` (all DELIVRD) or ``undelivered``; recipient emptied."""
    row = tx.session.get(SmsOutbox, outbox_id)
    if row is None or row.state != "sent":
        return
    stats = list(tx.session.scalars(select(SmsReceipt.stat).where(SmsReceipt.outbox_id == outbox_id)))
    if len(stats) < row.parts or any(s is None for s in stats):
        return
    row.state = "delivered" if all(s == "DELIVRD" for s in stats) else "undelivered"
    row.recipient_enc, row.done_at, row.version = "", now, row.version + 1
