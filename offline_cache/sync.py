"""The sync worker: a named thread that drains the outbox to the hall server, and never dies silently.

While the server is unreachable it probes ``/health`` every ``probe_interval_s`` (so a returning
server is seen well within 2 s); while online and idle it probes less often so the offline banner
appears without a citizen having to find out. Records are claimed oldest first and sent by a small
pool, so a drain keeps the creation order at its start and the link busy.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from offline_cache.errors import CacheError
from offline_cache.link import Link
from offline_cache.lock import SyncLock
from offline_cache.sender import Delivered, Outcome, Outgoing, Rejected, RetryLater, Sender
from offline_cache.states import Kind, Record
from offline_cache.store import Outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncOptions:
    probe_interval_s: float = 0.5
    idle_probe_s: float = 1.0
    retry_base_s: float = 1.0
    retry_cap_s: float = 60.0
    batch: int = 32
    parallel: int = 4
    conflict_retries: int = 3
    purge_grace_s: float = 600.0
    purge_every_s: float = 30.0
    # A delivery quicker than this proves the server fast enough for citizens again.
    fast_s: float = 0.5


@dataclass(slots=True)
class DrainReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    held: int = 0

    def add(self, other: DrainReport) -> None:
        self.held += other.held
        self.delivered += other.delivered
        self.retried += other.retried
        self.dead += other.dead
        for code, n in other.errors.items():
            self.errors[code] = self.errors.get(code, 0) + n


def backoff_s(attempts: int, *, base_s: float, cap_s: float) -> float:
    """Exponential in the attempts so far, capped, with equal jitter (half fixed, half random)."""
    ceiling = min(cap_s, base_s * 2 ** max(0, attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


class SyncWorker:
    def __init__(self, outbox: Outbox, sender: Sender, link: Link, options: SyncOptions | None = None) -> None:
        self.outbox, self.sender, self.link = outbox, sender, link
        self.options = options or SyncOptions()
        self.lock = SyncLock(outbox.db_path)
        self.last_error: str | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(max_workers=self.options.parallel, thread_name_prefix="outbox-send")
        self._auth_until = 0.0
        self._next_probe = 0.0
        self._next_purge = 0.0

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Take the sync lock, resume records left in flight by a crash, start the thread.

        Raises SyncBusy when another process syncs this outbox."""
        self.lock.acquire()
        resumed = self.outbox.resume()
        if resumed:
            log.info("outbox: resumed %d records left in flight", resumed)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self._pool.shutdown(wait=True)
        self.lock.release()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def kick(self) -> None:
        """Something new was written: look now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self.step()
                self.last_error = None
            except Exception as exc:
                self.last_error = getattr(exc, "code", type(exc).__name__)
                log.exception("outbox sync step failed (%s); retrying", self.last_error)
                busy = False
                self._stopping.wait(1.0)
            if not busy:
                self._wake.wait(self.options.probe_interval_s)
                self._wake.clear()

    # -- one step --------------------------------------------------------------------------------
    def step(self) -> bool:
        """Probe if due, purge if due, drain one batch. True when there was work (loop again now)."""
        now = time.monotonic()
        if now >= self._next_purge:
            self._next_purge = now + self.options.purge_every_s
            self.outbox.purge(grace_s=self.options.purge_grace_s)
        if not self.link.online or now >= self._next_probe:
            self._next_probe = now + self.options.idle_probe_s
            self.link.set(self.sender.probe(timeout_s=min(0.5, self.options.probe_interval_s)))
        if not self.link.online or now < self._auth_until:
            return False
        report = self.drain_once()
        if report.delivered or report.dead:
            self._next_probe = now + self.options.idle_probe_s  # traffic just proved the link
        return bool(report.delivered or report.dead or report.retried)

    def drain_once(self) -> DrainReport:
        """Claim one batch of due records and send them; return what happened."""
        self.outbox.make_room()
        batch = self.outbox.claim(self.options.batch)
        report = DrainReport()
        for part in self._pool.map(self._deliver, batch):
            report.add(part)
        return report

    def drain(self, *, timeout_s: float = 60.0) -> DrainReport:
        """Deliver until nothing is due, the server is gone or ``timeout_s`` passed (``cache sync``)."""
        total = DrainReport()
        deadline = time.monotonic() + timeout_s
        self.link.set(self.sender.probe(timeout_s=2.0))
        while self.link.online and time.monotonic() < deadline:
            part = self.drain_once()
            total.add(part)
            if not (part.delivered or part.dead or part.retried):
                break
        return total

    def _deliver(self, rec: Record) -> DrainReport:
        try:
            doc = self.outbox.document(rec.key)
            files = tuple((m, self.outbox.files.get(m["digest"])) for m in doc["files"])
        except CacheError as exc:
            # Unreadable (wrong key, damaged attachment): no resend can fix it; a technician can.
            log.error("outbox: record %s unreadable (%s); marked dead", rec.key, exc.code)
            self.outbox.kill(rec.key, error=exc.code)
            return DrainReport(dead=1, errors={exc.code: 1})
        started = time.monotonic()
        outcome = self.sender.deliver(Outgoing(rec.key, rec.kind, doc["body"], files))
        if isinstance(outcome, Delivered) and time.monotonic() - started < self.options.fast_s:
            self.link.release()
        if isinstance(outcome, Delivered) and doc.get("void") and rec.kind == Kind.TICKET:
            outcome = self._cancel_void(rec, outcome)
        return self.apply(rec, outcome)

    def _cancel_void(self, rec: Record, created: Delivered) -> Outcome:
        """A ticket the citizen never got (its online attempt timed out and an offline one was
        printed instead) must not wait in the queue: cancel it once the server tells its id."""
        ticket_id = created.response.get("id")
        if ticket_id is None:
            return created
        result = self.sender.cancel_ticket(str(ticket_id), key=f"{rec.key}.cancel")
        if isinstance(result, RetryLater) and not result.conflict:
            return result
        return created

    def apply(self, rec: Record, outcome: Outcome) -> DrainReport:
        """Record the outcome of one send in the outbox (also used by the facade's direct sends)."""
        opts = self.options
        if isinstance(outcome, Delivered):
            self.outbox.ack(rec.key, response=outcome.response, server_ref=outcome.server_ref)
            return DrainReport(delivered=1)
        if isinstance(outcome, Rejected):
            log.warning("outbox: %s %s rejected by the server (%s); kept as dead", rec.kind, rec.key, outcome.code)
            self.outbox.kill(rec.key, error=outcome.code)
            return DrainReport(dead=1, errors={outcome.code: 1})
        if outcome.held:
            # Never dead: the citizen holds this number. Slowly retried; ``cache status`` lists it.
            log.error("outbox: %s %s refused (%s); kept for a technician", rec.kind, rec.local_ref or rec.key,
                      outcome.code)
            self.outbox.retry(rec.key, error=outcome.code, delay_s=opts.retry_cap_s)
            return DrainReport(retried=1, errors={outcome.code: 1}, held=1)
        if outcome.conflict and rec.attempts >= opts.conflict_retries:
            self.outbox.kill(rec.key, error=outcome.code)
            return DrainReport(dead=1, errors={outcome.code: 1})
        if outcome.server_down:
            self.link.set(False)
            delay = 0.0  # the link gate paces these; the backlog goes as soon as the server is back
        else:
            delay = min(opts.retry_cap_s, outcome.retry_after_s or
                        backoff_s(rec.attempts, base_s=opts.retry_base_s, cap_s=opts.retry_cap_s))
        if outcome.auth:
            self._auth_until = time.monotonic() + delay
            log.error("outbox: the hall server refused this terminal's token (%s)", outcome.code)
        self.outbox.retry(rec.key, error=outcome.code, delay_s=delay)
        return DrainReport(retried=1, errors={outcome.code: 1})
