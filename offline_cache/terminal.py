"""The facade the kiosk uses: every action is written to the outbox first and sent second.

``issue_ticket`` never keeps a citizen waiting more than about a second: it tries the server within
a short budget only while the server is believed reachable, and otherwise prints an offline ticket
from the local sequence at once. Other actions return as soon as the record is committed (with the
server's answer if it came within its budget); the sync worker delivers the rest.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from offline_cache.errors import CacheFull, OfflineUnavailable, RecordRejected, UnknownRecord
from offline_cache.link import Link, Listener
from offline_cache.numbering import iso
from offline_cache.sender import Delivered, Outcome, Outgoing, Rejected, RetryLater, Sender
from offline_cache.states import Kind, Record, State, Stats
from offline_cache.store import Attachment, Outbox, Ref
from offline_cache.sync import SyncWorker

log = logging.getLogger(__name__)

# After a citizen's request timed out on a live server, how long later citizens skip the attempt
# (the sync worker lifts this as soon as one of its writes comes back quickly).
SLOW_HOLD_S = 30.0


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    """What the kiosk prints. Offline tickets have no server id, queue position or estimate yet."""

    key: str
    number: str
    category: str
    offline: bool
    issued_at: str
    id: int | None = None
    waiting_ahead: int | None = None
    estimated_wait_s: int | None = None
    public_url: str | None = None
    priority: str | None = None  # what the server granted (elderly, appointment, fallback…)
    appointment: dict[str, Any] | None = None  # a check-in's booking (slot, item code), as the server sent it


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the kiosk prints for a submission, rating, help call: the code is valid either way."""

    key: str
    kind: str
    local_code: str | None
    server_code: str | None
    delivered: bool

    @property
    def code(self) -> str | None:
        return self.server_code or self.local_code


class Terminal:
    def __init__(self, outbox: Outbox, sender: Sender, link: Link, worker: SyncWorker, *,
                 terminal_id: str, tz: str = "Asia/Shanghai", ticket_budget_s: float = 0.9) -> None:
        self.outbox, self.sender, self.link, self.worker = outbox, sender, link, worker
        self.terminal_id, self.tz = terminal_id, tz
        self._ticket_budget_s = ticket_budget_s
        self._storage_fault: str | None = None

    # -- state for the kiosk ---------------------------------------------------------------------
    @property
    def is_online(self) -> bool:
        return self.link.online

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """``listener(online)`` on every change, called from a background thread."""
        return self.link.add_listener(listener)

    def backlog(self) -> Stats:
        """Counts and oldest pending age for the heartbeat and the technician screen."""
        return self.outbox.stats()

    def heartbeat(self, *, devices: Sequence[Mapping[str, Any]] = (), version: str = "") -> bool:
        """Tell the dashboard this terminal is alive, with its backlog and oldest pending age (and
        the kiosk's device statuses). Never queued and never raises: False when it did not arrive."""
        stats = self.outbox.stats()
        listed = [dict(d) for d in devices]
        if self._storage_fault is not None:  # the dashboard names the terminal whose outbox cannot write
            listed.append({"kind": "outbox", "driver": "sqlite", "health": "degraded", "code": self._storage_fault})
        body = {"devices": listed, "outbox_backlog": stats.backlog,
                "oldest_pending_s": stats.oldest_pending_age_s or 0.0, "version": version}
        send = getattr(self.sender, "heartbeat", None)
        return bool(send(self.terminal_id, body)) if send is not None else False

    def start(self) -> None:
        self.worker.start()

    def close(self) -> None:
        self.worker.stop()
        self.sender.close()
        self.outbox.close()

    # -- tickets ---------------------------------------------------------------------------------
    def issue_ticket(self, category: str, *, id_number: str | None = None,
                     priority: str | None = None) -> IssuedTicket:
        """A server ticket if the server answers within the budget, else an offline one.

        Raises RecordRejected (the server refused: quota, closed category…; nothing is kept),
        InvalidRecord, StorageError."""
        body: dict[str, Any] = {"category": category, "terminal_id": self.terminal_id}
        if id_number:
            body["id_number"] = id_number
        if priority:
            body["priority"] = priority
        if self.link.fast:
            response = self._try_online(Kind.TICKET, body)
            if response is not None:
                return _ticket(response[0], response[1], category)
        return self._offline_ticket(Kind.TICKET, body, category)

    def check_in(self, *, booking_code: str | None = None, id_number: str | None = None,
                 category: str | None = None) -> IssuedTicket:
        """Appointment check-in → a priority ticket from the server. Offline the appointment cannot
        be verified: with the booking's ``category`` (from the booking QR) the citizen gets an
        ordinary offline ticket in that line; without it raises OfflineUnavailable."""
        body: dict[str, Any] = {k: v for k, v in (("code", booking_code), ("id_number", id_number)) if v}
        body["terminal_id"] = self.terminal_id
        if self.link.fast:
            response = self._try_online(Kind.CHECK_IN, body)
            if response is not None:
                ticket = response[1].get("ticket", response[1])
                issued = _ticket(response[0], ticket, category or str(ticket.get("category", "")))
                booking = response[1].get("appointment")
                return replace(issued, appointment=dict(booking)) if isinstance(booking, Mapping) else issued
        if not category:
            raise OfflineUnavailable("check-in needs the hall server or the booking's category")
        offline: dict[str, Any] = {"category": category, "terminal_id": self.terminal_id}
        if id_number:
            offline["id_number"] = id_number
        return self._offline_ticket(Kind.TICKET, offline, category)

    def _try_online(self, kind: Kind, body: Mapping[str, Any]) -> tuple[Record, dict[str, Any]] | None:
        try:
            rec = self.outbox.add(kind, body, claim=True)
        except CacheFull as exc:  # DiskFull included: the outbox cannot write, the server can
            return self._direct(kind, body, exc)
        self._storage_ok()
        outcome = self.sender.deliver(Outgoing(rec.key, kind, body), budget_s=self._ticket_budget_s)
        if isinstance(outcome, Delivered):
            self.outbox.ack(rec.key, response=outcome.response, server_ref=outcome.server_ref)
            return rec, outcome.response
        if isinstance(outcome, Rejected):
            # Refused in front of the citizen, who is told why; nothing was promised, nothing kept.
            self.outbox.discard(rec.key)
            raise RecordRejected(f"the server refused the {kind}", code=outcome.code, error=outcome.error)
        self._abandon(rec, outcome)
        return None

    # -- a full disk: straight to the server --------------------------------------------------------
    @property
    def storage_fault(self) -> str | None:
        """The outbox's error code while it cannot write (the technician is told), else None."""
        return self._storage_fault

    def _storage_ok(self) -> None:
        if self._storage_fault is not None:
            log.warning("outbox writes again (was %s)", self._storage_fault)
            self._storage_fault = None

    def _direct(self, kind: Kind, body: Mapping[str, Any], fault: CacheFull, *,
                files: tuple[tuple[Mapping[str, str], bytes], ...] = ()) -> tuple[Record, dict[str, Any]]:
        """Send without an outbox record: the disk is full but the hall must go on. Only with the
        server reachable; nothing is kept, so a failed send is the citizen's answer at once.

        Raises the outbox's CacheFull/DiskFull when the server cannot take it either, RecordRejected."""
        if self._storage_fault != fault.code:
            log.error("outbox cannot write (%s): sending straight to the hall server; free disk space", fault.code)
            self._storage_fault = fault.code
        if not self.link.online:
            raise fault
        key = uuid.uuid4().hex
        outcome = self.sender.deliver(Outgoing(key, kind, body, files),
                                      budget_s=self._ticket_budget_s if not files else None)
        if isinstance(outcome, Rejected):
            raise RecordRejected(f"the server refused the {kind}", code=outcome.code, error=outcome.error)
        if not isinstance(outcome, Delivered):
            if outcome.server_down:
                self.link.set(False)
            raise fault
        now = self.outbox.clock()
        rec = Record(seq=0, key=key, kind=kind, state=State.ACKED, attempts=1, created_at=now, next_attempt_at=0.0,
                     acked_at=now, last_error=None, local_ref=None, server_ref=outcome.server_ref, purged=True,
                     size_bytes=0)
        return rec, outcome.response

    def _abandon(self, rec: Record, outcome: RetryLater) -> None:
        if outcome.sent is False or outcome.auth:
            self.outbox.discard(rec.key)  # it never reached the server (or was refused unread)
        else:
            # It may exist on the server though the citizen gets an offline number instead: the
            # worker resends it under its key and cancels whatever ticket that turns out to be.
            self.outbox.void(rec.key, error=outcome.code)
        if outcome.server_down:
            self.link.set(False)  # later citizens go offline at once; the probe brings us back
        elif not outcome.auth:
            self.link.hold(SLOW_HOLD_S)  # alive but too slow for a waiting citizen

    def _offline_ticket(self, kind: Kind, body: Mapping[str, Any], category: str) -> IssuedTicket:
        now = self.outbox.clock()
        offline = {**body, "source": "offline", "issued_at": iso(now, self.tz), "terminal_id": self.terminal_id}
        rec = self.outbox.add(kind, offline, ref=Ref("ticket", "offline_number", category, epoch_field="epoch"))
        self.worker.kick()
        assert rec.local_ref is not None
        return IssuedTicket(key=rec.key, number=rec.local_ref, category=category, offline=True,
                            issued_at=offline["issued_at"])

    # -- everything else: write first, send second -------------------------------------------------
    def submit(self, body: Mapping[str, Any], *, materials: Sequence[Attachment] = ()) -> Receipt:
        """A submission (办件) with its materials; the receipt's local code is valid at once and
        linked to the server's code on sync. ``body``: ``{"item_code", "id_number", "name", "form",
        "materials": [{"requirement", "file": <part>} | {"requirement", "elicense": true} | …]}``;
        each attachment's ``part`` is the name ``materials[].file`` uses.

        Raises CacheFull/DiskFull (outbox full: tickets still work), RecordRejected."""
        return self._write_then_send(Kind.SUBMISSION, body, materials, Ref("code", "local_code"))

    def rate(self, body: Mapping[str, Any]) -> Receipt:
        """好差评: ``{"level": 1-5, "reasons": [...], "comment", "ticket_id"|"submission_code", "window"}``."""
        return self._write_then_send(Kind.RATING, body)

    def help_call(self, body: Mapping[str, Any]) -> Receipt:
        """呼叫帮助 / 办不成事: ``{"kind": "help"|"cannot_do", "message", "ticket_id", "window"}``."""
        return self._write_then_send(Kind.HELP_CALL, body)

    def _write_then_send(self, kind: Kind, body: Mapping[str, Any], files: Sequence[Attachment] = (),
                         ref: Ref | None = None) -> Receipt:
        online = self.link.fast
        body = {"terminal_id": self.terminal_id, **body}
        try:
            rec = self.outbox.add(kind, body, files=files, ref=ref, claim=online)
        except CacheFull as exc:
            data = tuple(({"part": f.part or f.name, "name": f.name, "content_type": f.content_type}, f.data)
                         for f in files)
            sent, _ = self._direct(kind, body, exc, files=data)
            return Receipt(sent.key, kind, None, sent.server_ref, delivered=True)
        self._storage_ok()
        if not online:
            self.worker.kick()
            return Receipt(rec.key, kind, rec.local_ref, None, delivered=False)
        doc = self.outbox.document(rec.key)
        data = tuple((m, f.data) for m, f in zip(doc["files"], files, strict=True))
        # The patient client: uploads may take seconds; the record is safe whatever happens.
        outcome: Outcome = self.sender.deliver(Outgoing(rec.key, kind, doc["body"], data))
        self.worker.apply(rec, outcome)
        if isinstance(outcome, Rejected):
            raise RecordRejected(f"the server refused the {kind}", code=outcome.code, error=outcome.error)
        if isinstance(outcome, Delivered):
            return Receipt(rec.key, kind, rec.local_ref, outcome.server_ref, delivered=True)
        self.worker.kick()
        return Receipt(rec.key, kind, rec.local_ref, None, delivered=False)

    def reprint(self, ref: str) -> dict[str, Any]:
        """The stored body behind a printed number or code, within the purge grace period.

        Raises UnknownRecord, Purged."""
        rec = self.outbox.find_ref(ref)
        if rec is None:
            raise UnknownRecord("no record with that number or code")
        return {"record": rec.public(), "body": self.outbox.body(rec.key), "response": self.outbox.response(rec.key)}


def _ticket(rec: Record, response: Mapping[str, Any], category: str) -> IssuedTicket:
    return IssuedTicket(key=rec.key, number=str(response.get("number", "")),
                        category=str(response.get("category", category)), offline=False,
                        issued_at=str(response.get("issued_at", "")), id=response.get("id"),
                        waiting_ahead=response.get("waiting_ahead"),
                        estimated_wait_s=response.get("estimated_wait_s"),
                        public_url=response.get("public_url"), priority=response.get("priority"))
