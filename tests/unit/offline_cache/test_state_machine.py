"""Property-based test of the record state machine against a real outbox (hypothesis, stateful).

A plain-Python model tracks what every record's state must be; any sequence of writes, claims,
acks, retries, deaths, technician retries, crashes (close + reopen + resume), clock steps and purges
must leave the database agreeing with the model, claims oldest-first, and illegal moves refused.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from offline_cache.crypto import Cipher
from offline_cache.errors import InvalidTransition, Purged
from offline_cache.states import ALLOWED_FROM, State, can_move
from offline_cache.store import Outbox
from tests.unit.offline_cache.conftest import T0, Clock

GRACE_S = 60.0


class OutboxMachine(RuleBasedStateMachine):
    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="outbox-sm-"))
        self.clock = Clock(T0)
        self.cipher = Cipher(os.urandom(32))
        self.outbox = self._open()
        self.state: dict[str, State] = {}
        self.order: list[str] = []
        self.due: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self.purged: set[str] = set()

    def _open(self) -> Outbox:
        return Outbox(db_path=self.dir / "o.db", attachments_dir=self.dir / "f", cipher=self.cipher,
                      max_bytes=1 << 30, min_free_bytes=0, clock=self.clock, horizon_s=1000.0)

    def teardown(self) -> None:
        self.outbox.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _in(self, state: State) -> list[str]:
        return [k for k in self.order if self.state.get(k) is state]

    @rule(target=keys, kind=st.sampled_from(["ticket", "rating", "submission", "help_call"]))
    def add(self, kind: str) -> str:
        rec = self.outbox.add(kind, {"kind": kind, "n": len(self.order)})
        self.state[rec.key] = State.PENDING
        self.order.append(rec.key)
        self.due[rec.key] = 0.0
        return rec.key

    @rule(limit=st.integers(1, 5))
    def claim(self, limit: int) -> None:
        now = self.clock()
        expected = [k for k in self._in(State.PENDING) if self.due[k] <= now][:limit]
        got = [r.key for r in self.outbox.claim(limit)]
        assert got == expected
        for k in got:
            self.state[k] = State.IN_FLIGHT

    @rule(data=st.data())
    def ack(self, data: st.DataObject) -> None:
        flying = self._in(State.IN_FLIGHT)
        if flying:
            key = data.draw(st.sampled_from(flying))
            self.outbox.ack(key, response={"id": 1})
            self.state[key], self.acked_at[key] = State.ACKED, self.clock()

    @rule(data=st.data(), delay=st.sampled_from([0.0, 5.0, 50.0]))
    def retry(self, data: st.DataObject, delay: float) -> None:
        flying = self._in(State.IN_FLIGHT)
        if flying:
            key = data.draw(st.sampled_from(flying))
            self.outbox.retry(key, error="server.503", delay_s=delay)
            self.state[key], self.due[key] = State.PENDING, self.clock() + delay if delay else 0.0

    @rule(data=st.data())
    def kill(self, data: st.DataObject) -> None:
        flying = self._in(State.IN_FLIGHT)
        if flying:
            key = data.draw(st.sampled_from(flying))
            self.outbox.kill(key, error="http.422")
            self.state[key] = State.DEAD

    @rule()
    def technician_retry(self) -> None:
        dead = self._in(State.DEAD)
        assert self.outbox.retry_dead() == len(dead)
        for k in dead:
            self.state[k], self.due[k] = State.PENDING, 0.0

    @rule()
    def crash_and_restart(self) -> None:
        self.outbox.close()
        self.outbox = self._open()
        flying = self._in(State.IN_FLIGHT)
        assert self.outbox.resume() == len(flying)
        for k in flying:
            self.state[k], self.due[k] = State.PENDING, 0.0

    @rule(seconds=st.sampled_from([1.0, 10.0, 61.0]))
    def tick(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule()
    def purge(self) -> None:
        now = self.clock()
        expected = {k for k in self._in(State.ACKED) if k not in self.purged and self.acked_at[k] <= now - GRACE_S}
        assert self.outbox.purge(grace_s=GRACE_S) == len(expected)
        self.purged |= expected

    @rule(key=keys, dst=st.sampled_from(list(State)))
    def illegal_moves_are_refused(self, key: str, dst: State) -> None:
        current = self.state[key]
        if can_move(current, dst) or dst is State.PENDING:
            return
        move = {State.ACKED: lambda: self.outbox.ack(key), State.DEAD: lambda: self.outbox.kill(key, error="x"),
                State.IN_FLIGHT: lambda: self.outbox.claim_key(key)}[dst]
        with pytest.raises(InvalidTransition):
            move()

    @rule(key=consumes(keys))
    def forget(self, key: str) -> None:
        """Let the bundle shrink so later rules also pick recent keys."""

    @invariant()
    def database_agrees_with_model(self) -> None:
        stored = {r.key: r for r in self.outbox.records()}
        assert {k: r.state for k, r in stored.items()} == self.state
        counts = self.outbox.stats().counts
        for s in State:
            assert counts[s.value] == sum(1 for v in self.state.values() if v is s)
        for key in self.order[-3:]:
            if key in self.purged:
                assert stored[key].purged
                with pytest.raises(Purged):
                    self.outbox.body(key)
            else:
                assert self.outbox.body(key)["n"] == self.order.index(key)


def test_transition_table_has_no_way_out_of_acked() -> None:
    assert all(State.ACKED not in sources for sources in ALLOWED_FROM.values())


TestOutboxStateMachine = OutboxMachine.TestCase
TestOutboxStateMachine.settings = settings(max_examples=25, stateful_step_count=25, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
