"""Telling citizens who follow a ticket: "N ahead of you" and "your turn" (domain rule, one connector).

Writes that move a line (call, recall, cancel, transfer, no-show, reinstate, closing) mark its category
changed once they commit; a worker then compares each followed ticket of those lines with what was
last seen (people ahead from the domain's call order, status, recalls), asks
:func:`hall.server.domain.notifications.decide_notices` what to send, claims the notice with a
versioned update (so two replicas never both send it) and hands it to the connector.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from hall.server.core.context import HallContext, Tx
from hall.server.domain import queue_explain as dx
from hall.server.domain.hallday import hall_day
from hall.server.domain.notifications import Message, Notifier, TicketView, decide_notices
from hall.server.notices.errors import ChannelUnavailable
from hall.server.notices.models import TicketNotice
from hall.server.queue import order as queue
from hall.server.tickets.models import Ticket

log = logging.getLogger(__name__)
ALL = "*"


class Notices:
    """Per process: the connectors by channel, the set of changed lines, and the worker's wake-up."""

    def __init__(self, notifiers: Callable[[str], Notifier], *, threshold: int = 3) -> None:
        self.notifier, self.threshold = notifiers, threshold
        self._changed: set[str] = set()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    def changed(self, *categories: str) -> None:
        """From any thread, after a commit: these lines moved."""
        with self._lock:
            self._changed.update(categories)
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    def committed(self, events: list[dict[str, Any]]) -> None:
        """The events of a committed write: the lines they touch have moved."""
        cats: set[str] = set()
        for event in events:
            kind, data = event.get("type", ""), event.get("data") or {}
            if kind == "hall.day_closed":
                cats.add(ALL)
            elif kind.startswith("ticket.") and kind != "ticket.issued":
                cats.update(c for c in (data.get("category"), data.get("from_category")) if c)
        if cats:
            self.changed(*cats)

    def _take(self) -> set[str]:
        with self._lock:
            taken, self._changed = self._changed, set()
        return taken

    async def run(self, hall: HallContext) -> None:
        """The worker (one asyncio task per process); database work runs in a thread."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await asyncio.to_thread(self.process, hall)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the next change retries; nothing is marked sent
                log.warning("notices failed: %s", exc.__class__.__name__)

    def process(self, hall: HallContext, now: datetime | None = None) -> int:
        """Send what the pending changes call for; returns how many messages went out."""
        categories = self._take()
        if not categories:
            return 0
        now = now or datetime.now(UTC)
        with hall.db.read() as s:
            q = select(TicketNotice, Ticket).join(Ticket, Ticket.id == TicketNotice.ticket_id).where(
                Ticket.hall_day == hall_day(now).isoformat())
            if ALL not in categories:
                q = q.where(Ticket.category.in_(sorted(categories)))
            followed = s.execute(q).all()
            aheads = _aheads(s, hall, [t for _, t in followed if t.status == "waiting"], now)
        sent = 0
        for notice, t in followed:
            after = TicketView(t.number, t.status, aheads.get(t.id), str(t.window) if t.window else None,
                               max(0, t.call_count - 1))
            before = TicketView(t.number, notice.last_status, notice.last_ahead, None, notice.last_recalls)
            messages = decide_notices(before, after, sent=notice.sent or [], threshold=self.threshold)
            notifier = self.notifier(notice.channel)
            queued = getattr(notifier, "enqueue", None)  # a durable queue: the notice goes in with the claim
            if not self._claim(hall, notice, after, messages, queued):
                continue
            if queued is not None:
                sent += len(messages)
                continue
            for m in messages:
                try:
                    notifier.send(_recipient(hall, notice), m)
                    sent += 1
                except Exception as exc:  # noqa: BLE001 - a gateway failure must not stop the others
                    log.warning("notice %s for ticket %s not delivered: %s", m.kind.value, m.number,
                                exc.__class__.__name__)
        return sent

    def _claim(self, hall: HallContext, notice: TicketNotice, after: TicketView, messages: list[Message],
               queued: Callable[..., None] | None = None) -> bool:
        """Record what is now seen and sent (and queue the messages, for a queued connector, in the same
        transaction); False when another process got there first."""
        keys = [m.key for m in messages]
        if (not keys and notice.last_ahead == after.ahead and notice.last_status == after.status
                and notice.last_recalls == after.recalls):
            return False
        with hall.unit() as tx:
            done = tx.session.execute(update(TicketNotice).where(
                TicketNotice.ticket_id == notice.ticket_id, TicketNotice.version == notice.version).values(
                last_ahead=after.ahead, last_status=after.status, last_recalls=after.recalls,
                sent=[*(notice.sent or []), *keys], version=notice.version + 1))
            claimed = bool(done.rowcount)  # type: ignore[attr-defined]
            if claimed and queued is not None:
                for m in messages:
                    queued(tx, key=f"{notice.ticket_id}:{m.key}", channel=notice.channel,
                           recipient_enc=notice.recipient_enc, message=m)
        return claimed


def _recipient(hall: HallContext, notice: TicketNotice) -> str:
    data = hall.keyring.decrypt(base64.b64decode(notice.recipient_enc))
    return str(data["to"])


def _aheads(s: Any, hall: HallContext, waiting: list[Ticket], now: datetime) -> dict[int, int]:
    """People ahead of each waiting ticket, one call order per line."""
    out: dict[int, int] = {}
    for t in waiting:
        if t.id in out:
            continue
        order = dx.line_order(queue.to_queue_ticket(queue.row_of(s, t.id)), queue.line(s, t),
                              hall.options.policy, now)
        for i, choice in enumerate(order):
            out[int(choice.ticket.id)] = i  # type: ignore[call-overload]
    return out


def follow(hall: HallContext, tx: Tx, ticket_id: int, *, status: str, ahead: int | None, channel: str,
           to: str) -> None:
    """Start (or change) following a ticket; the recipient is stored encrypted, never logged. Raises
    ChannelUnavailable when the hall has no sender for ``channel``."""
    if not hall.connectors.offers(channel):
        raise ChannelUnavailable(channel=channel)
    blob = base64.b64encode(hall.keyring.encrypt({"channel": channel, "to": to})).decode()
    row = tx.session.get(TicketNotice, ticket_id)
    if row is None:
        row = TicketNotice(ticket_id=ticket_id, sent=[], version=0, last_recalls=0)
        tx.session.add(row)
    row.channel, row.recipient_enc, row.last_ahead, row.last_status = channel, blob, ahead, status
    row.created_at = datetime.now(UTC)
