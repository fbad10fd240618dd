"""The sync worker's bookkeeping for each outcome, its backoff, and that it outlives failures.

The sender here is a scripted stand-in for the hall server (the collaborator), not for the worker;
the real server and real faults are exercised in tests/integration/test_offline_*.py.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque

import pytest

from offline_cache.errors import SyncBusy
from offline_cache.link import Link
from offline_cache.sender import Delivered, Outcome, Outgoing, Rejected, RetryLater
from offline_cache.states import State
from offline_cache.store import Outbox
from offline_cache.sync import SyncOptions, SyncWorker, backoff_s
from tests.rigs.waiting import budget, pass_time, poll_pause, wait_until
from tests.unit.offline_cache.conftest import OutboxFactory


class ScriptedServer:
    def __init__(self, *outcomes: Outcome, up: bool = True) -> None:
        self.outcomes = deque(outcomes)
        self.up = up
        self.sent: list[str] = []
        self.cancelled: list[str] = []
        self.explode = False

    def deliver(self, item: Outgoing, *, budget_s: float | None = None) -> Outcome:
        if self.explode:
            raise RuntimeError("bug in a sender")
        self.sent.append(item.key)
        return self.outcomes.popleft() if self.outcomes else Delivered(201, {"id": len(self.sent)})

    def cancel_ticket(self, ticket_id: str, *, key: str) -> Outcome:
        self.cancelled.append(ticket_id)
        return Delivered(200, {"id": ticket_id, "status": "cancelled"})

    def probe(self, *, timeout_s: float) -> bool:
        return self.up

    def close(self) -> None:
        pass


def _worker(outbox: Outbox, server: ScriptedServer, **kw: float) -> SyncWorker:
    return SyncWorker(outbox, server, Link(), SyncOptions(parallel=1, **kw))  # type: ignore[arg-type]


def test_outcomes_move_records(outbox: Outbox) -> None:
    server = ScriptedServer(Delivered(201, {"id": 5}), Rejected("ticket.category", 422),
                            RetryLater("server.503"), RetryLater("server.unreachable", server_down=True, sent=False))
    keys = [outbox.add("rating", {"n": i}).key for i in range(4)]
    worker = _worker(outbox, server)
    report = worker.drain_once()
    assert (report.delivered, report.dead, report.retried) == (1, 1, 2)
    states = [outbox.get(k) for k in keys]
    assert [s.state for s in states] == [State.ACKED, State.DEAD, State.PENDING, State.PENDING]
    assert states[0].server_ref == "5" and states[1].last_error == "ticket.category"
    assert states[2].next_attempt_at > outbox.clock()  # backed off
    assert states[3].next_attempt_at == 0.0  # gated by the link instead: goes the moment it is back
    assert worker.link.online is False
    worker.stop()


def test_conflicts_retry_a_few_times_then_die(outbox: Outbox, clock: object) -> None:
    conflict = RetryLater("idempotency.in_progress", conflict=True)
    server = ScriptedServer(conflict, conflict, conflict)
    key = outbox.add("rating", {}).key
    worker = _worker(outbox, server, retry_base_s=0.001, retry_cap_s=0.001)
    for _ in range(3):
        poll_pause(0.002)
        clock.advance(1)  # type: ignore[attr-defined]
        worker.drain_once()
    assert outbox.get(key).state is State.DEAD
    worker.stop()


def test_auth_problems_pause_but_never_kill(outbox: Outbox) -> None:
    key = outbox.add("rating", {}).key
    worker = _worker(outbox, ScriptedServer(RetryLater("auth.invalid_token", auth=True)))
    worker.drain_once()
    assert outbox.get(key).state is State.PENDING
    assert worker.step() is False  # paused while the token is fixed
    worker.stop()


def test_a_void_ticket_is_cancelled_after_delivery(outbox: Outbox) -> None:
    server = ScriptedServer(Delivered(201, {"id": 42, "number": "A007"}))
    rec = outbox.add("ticket", {"category": "A"}, claim=True)
    outbox.void(rec.key, error="server.timeout")
    _worker(outbox, server).drain_once()
    assert server.cancelled == ["42"]
    assert outbox.get(rec.key).state is State.ACKED


def test_backoff_is_exponential_capped_and_jittered() -> None:
    samples = [backoff_s(n, base_s=1, cap_s=60) for n in range(1, 12) for _ in range(20)]
    assert all(0.5 <= s <= 60 for s in samples)
    assert max(backoff_s(3, base_s=1, cap_s=60) for _ in range(50)) <= 4
    assert min(backoff_s(20, base_s=1, cap_s=60) for _ in range(50)) >= 30
    assert len({round(backoff_s(5, base_s=1, cap_s=60), 6) for _ in range(20)}) > 1


def test_worker_thread_survives_failures_and_drains(outbox: Outbox) -> None:
    server = ScriptedServer()
    server.explode = True
    keys = [outbox.add("rating", {"n": i}).key for i in range(3)]
    worker = _worker(outbox, server, probe_interval_s=0.05, idle_probe_s=0.05)
    worker.start()
    try:
        wait_until(lambda: worker.last_error is not None, timeout_s=5, what="the worker's failure")
        assert worker.last_error == "RuntimeError" and worker.alive
        outbox.resume()  # the failed batch was left in flight, as after a crash
        server.explode = False

        def acked() -> bool:
            worker.kick()
            return outbox.stats().counts["acked"] >= 3

        with contextlib.suppress(AssertionError):  # the assertion below says what is missing
            wait_until(acked, timeout_s=5, what="three records acknowledged", interval_s=0.01, max_interval_s=0.01)
        assert all(outbox.get(k).state is State.ACKED for k in keys)
    finally:
        worker.stop()


def test_only_one_worker_per_outbox(make_outbox: OutboxFactory) -> None:
    first = _worker(make_outbox(), ScriptedServer(up=False))
    first.start()
    try:
        with pytest.raises(SyncBusy):
            _worker(make_outbox(), ScriptedServer()).start()
    finally:
        first.stop()


def test_returning_server_is_noticed_and_backlog_drained(outbox: Outbox) -> None:
    server = ScriptedServer(up=False)
    keys = [outbox.add("rating", {"n": i}).key for i in range(5)]
    worker = _worker(outbox, server, probe_interval_s=0.05)
    seen = threading.Event()

    def on_link(online: bool) -> None:
        if online:
            seen.set()

    worker.link.add_listener(on_link)
    worker.start()
    try:
        pass_time(0.2, reason="several probes while the server is down: nothing may be sent")
        assert worker.link.online is False and outbox.stats().backlog == 5
        server.up = True
        assert seen.wait(budget(2))
        with contextlib.suppress(AssertionError):  # the assertion below says what is missing
            wait_until(lambda: not outbox.stats().backlog, timeout_s=5, what="the backlog drained")
        assert server.sent == keys  # creation order
    finally:
        worker.stop()
