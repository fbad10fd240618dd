"""The offline cache against a real hall server process: outages before and during a flow, server
restarts mid-sync, a slow server, a server answering 500s, permanent rejections, a clock moved back.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from offline_cache.errors import RecordRejected
from offline_cache.factory import open_terminal
from offline_cache.states import State
from offline_cache.terminal import Terminal
from tests.integration.offline_faults import (
    FaultProxy,
    idempotency_keys,
    offline_tickets,
    query,
    terminal_settings,
    ticket_rows,
    wait_for,
)
from tests.rigs.hall_server import HallServer, start_hall_server
from tests.rigs.waiting import budget, pass_time

TerminalFactory = Callable[..., Terminal]


@pytest.fixture
def make_terminal(tmp_path: Path, hall_server: HallServer) -> Iterator[TerminalFactory]:
    made: list[Terminal] = []

    def make(url: str | None = None, *, token: str | None = None, clock: Callable[[], float] | None = None,
             **cache: object) -> Terminal:
        settings = terminal_settings(tmp_path / "terminal", url or hall_server.url,
                                     hall_server.tokens["terminal"] if token is None else token, **cache)
        kwargs = {"clock": clock} if clock else {}
        terminal = open_terminal(settings, **kwargs)  # type: ignore[arg-type]
        made.append(terminal)
        return terminal

    yield make
    for terminal in made:
        terminal.close()


def _kill(server: HallServer) -> None:
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(budget(10))


def _restart(server: HallServer, tmp_path: Path) -> HallServer:
    fresh = start_hall_server(server.db_url, tmp_path, port=server.port, name="server-again")
    fresh.tokens = server.tokens
    return fresh


def _drained(terminal: Terminal) -> bool:
    return terminal.backlog().backlog == 0


def test_online_ticket_comes_from_the_server(make_terminal: TerminalFactory, hall_server: HallServer) -> None:
    terminal = make_terminal()
    ticket = terminal.issue_ticket("A")
    assert not ticket.offline and ticket.id is not None and ticket.number.startswith("A")
    assert terminal.outbox.get(ticket.key).state is State.ACKED
    assert idempotency_keys(hall_server.db_url) == [ticket.key]


def test_server_down_before_the_flow(make_terminal: TerminalFactory, hall_server: HallServer,
                                     tmp_path: Path) -> None:
    hall_server.stop()
    terminal = make_terminal()
    banner: list[bool] = []
    terminal.add_listener(banner.append)
    tickets = [terminal.issue_ticket(c) for c in "AAB"]
    assert [t.number for t in tickets] == ["K1-A001", "K1-A002", "K1-B001"]
    assert all(t.offline for t in tickets) and not terminal.is_online
    assert terminal.backlog().backlog == 3 and terminal.backlog().oldest_pending_age_s is not None
    server = _restart(hall_server, tmp_path)
    try:
        wait_for(lambda: _drained(terminal))
        assert banner[-1] is True
        assert offline_tickets(server.db_url) == {"K1-A001": 1, "K1-A002": 1, "K1-B001": 1}
        assert sorted(idempotency_keys(server.db_url)) == sorted(t.key for t in tickets)
    finally:
        server.stop()


def test_server_dies_during_the_flow(make_terminal: TerminalFactory, hall_server: HallServer,
                                     tmp_path: Path) -> None:
    terminal = make_terminal()
    first = terminal.issue_ticket("A")
    assert not first.offline
    _kill(hall_server)
    second, third = terminal.issue_ticket("A"), terminal.issue_ticket("C")
    assert (second.number, third.number) == ("K1-A001", "K1-C001") and second.offline
    server = _restart(hall_server, tmp_path)
    try:
        wait_for(lambda: _drained(terminal))
        rows = ticket_rows(server.db_url)
        assert sorted(r[1] for r in rows) == sorted([first.number, "K1-A001", "K1-C001"])
        assert len(idempotency_keys(server.db_url)) == 3
    finally:
        server.stop()


def test_server_restarts_mid_sync(make_terminal: TerminalFactory, hall_server: HallServer, tmp_path: Path) -> None:
    hall_server.stop()
    terminal = make_terminal(parallel_sends=2)
    numbers = [terminal.issue_ticket("ABCD"[i % 4]).number for i in range(240)]
    server = _restart(hall_server, tmp_path)
    wait_for(lambda: terminal.backlog().counts["acked"] >= 20, interval_s=0.005)
    _kill(server)
    assert terminal.backlog().backlog > 0  # it really died mid-sync
    server = _restart(server, tmp_path)
    try:
        wait_for(lambda: _drained(terminal), timeout_s=60)
        held = offline_tickets(server.db_url)
        assert sorted(held) == sorted(numbers) and set(held.values()) == {1}
        assert len(ticket_rows(server.db_url)) == 240
    finally:
        server.stop()


def test_slow_server_timeouts_are_retried_exactly_once(make_terminal: TerminalFactory,
                                                       hall_server: HallServer) -> None:
    proxy = FaultProxy(hall_server.url, mode="slow", delay_s=1.2)
    try:
        terminal = make_terminal(proxy.url, send_timeout_s=0.4)
        ticket = terminal.issue_ticket("A")  # budget runs out: offline number, the online attempt voided
        assert ticket.offline
        more = [terminal.issue_ticket("B") for _ in range(3)]
        wait_for(lambda: len(proxy.requests) >= 4)
        proxy.mode = "pass"
        wait_for(lambda: _drained(terminal))
        held = offline_tickets(hall_server.db_url)
        assert held == {ticket.number: 1, **{t.number: 1 for t in more}}
        # The voided online attempt (which the slow server did create) was cancelled, not left queued.
        online = [r for r in ticket_rows(hall_server.db_url) if r[3] is None]
        assert [r[2] for r in online] == ["cancelled"]
        records = terminal.outbox.records()
        assert all(r.state is State.ACKED for r in records) and max(r.attempts for r in records) >= 2
    finally:
        proxy.close()


def test_server_answering_500_is_retried_with_backoff(make_terminal: TerminalFactory,
                                                      hall_server: HallServer) -> None:
    proxy = FaultProxy(hall_server.url, mode="fail500")
    try:
        terminal = make_terminal(proxy.url)
        tickets = [terminal.issue_ticket("A") for _ in range(3)]
        assert all(t.offline for t in tickets)
        wait_for(lambda: len(proxy.requests) >= 9)
        records = terminal.outbox.records()
        assert all(r.state in (State.PENDING, State.IN_FLIGHT) for r in records)
        assert {r.last_error for r in records if r.state is State.PENDING} <= {"server.500", None}
        proxy.mode = "pass"
        wait_for(lambda: _drained(terminal))
        assert offline_tickets(hall_server.db_url) == {t.number: 1 for t in tickets}
        records = terminal.outbox.records()
        assert terminal.outbox.records(state=State.DEAD) == []
        assert all(r.attempts >= 2 for r in records if r.local_ref)
    finally:
        proxy.close()


def test_permanent_rejection_is_dead_and_kept(make_terminal: TerminalFactory, hall_server: HallServer) -> None:
    terminal = make_terminal()
    with pytest.raises(RecordRejected) as info:
        terminal.issue_ticket("Z")  # online: refused in front of the citizen, nothing kept
    assert info.value.code != "cache.rejected"  # the server's own reason, for the citizen's message
    assert terminal.outbox.records() == []
    hall_server.stop()
    ticket = terminal.issue_ticket("Z")  # offline nobody can check the category
    assert ticket.offline
    server = _restart(hall_server, Path(hall_server.log_path).parent)
    try:
        dead = wait_for(lambda: terminal.outbox.records(state=State.DEAD))
        assert dead[0].key == ticket.key and dead[0].last_error
        assert terminal.outbox.body(ticket.key)["offline_number"] == ticket.number  # kept for a technician
        assert terminal.outbox.retry_dead() == 1
        wait_for(lambda: terminal.outbox.records(state=State.DEAD))
    finally:
        server.stop()


def test_bad_token_never_kills_records(make_terminal: TerminalFactory, hall_server: HallServer) -> None:
    terminal = make_terminal(token="not-a-token")
    ticket = terminal.issue_ticket("A")
    assert ticket.offline
    wait_for(lambda: terminal.outbox.get(ticket.key).attempts >= 1)
    assert terminal.outbox.get(ticket.key).state in (State.PENDING, State.IN_FLIGHT)
    assert terminal.outbox.records(state=State.DEAD) == []


def test_clock_moved_backwards(make_terminal: TerminalFactory, hall_server: HallServer, tmp_path: Path) -> None:
    import time

    offset = [0.0]
    hall_server.stop()
    terminal = make_terminal(clock=lambda: time.time() + offset[0])
    before = [terminal.issue_ticket("A").number for _ in range(2)]
    offset[0] = -3 * 3600.0  # NTP steps the clock back three hours (same or previous hall day)
    after = [terminal.issue_ticket("A").number for _ in range(2)]
    assert len(set(before + after)) == 4
    server = _restart(hall_server, tmp_path)
    try:
        wait_for(lambda: _drained(terminal))
        assert set(offline_tickets(server.db_url)) == set(before + after)
    finally:
        server.stop()



def test_heartbeat_reports_backlog_and_oldest_age(tmp_path: Path, hall_server: HallServer) -> None:
    import httpx

    settings = terminal_settings(tmp_path / "hb", hall_server.url, hall_server.tokens["terminal"])
    terminal = open_terminal(settings, start=False)  # no worker: the backlog stays for the dashboard to see
    try:
        for _ in range(2):
            terminal.outbox.add("ticket", {"category": "A", "terminal_id": "K1"})
        device = {"kind": "printer", "driver": "escpos", "health": "ok"}
        assert terminal.heartbeat(devices=[device], version="test")  # registers the terminal on first contact
        listed = httpx.get(f"{hall_server.url}/api/v1/terminals", timeout=budget(5),
                           headers={"Authorization": f"Bearer {hall_server.tokens['manager']}"}).json()
        [k1] = [t for t in listed if t["id"] == "K1"]
        assert k1["online"] and k1["outbox_backlog"] == 2 and k1["oldest_pending_s"] >= 0
        assert k1["devices"][0]["kind"] == "printer"
        hall_server.stop()
        assert terminal.heartbeat() is False  # not queued, never raises
    finally:
        terminal.close()


def test_a_wrong_terminal_clock_is_corrected_by_the_server(make_terminal: TerminalFactory, hall_server: HallServer,
                                                           tmp_path: Path) -> None:
    """Every send carries the terminal's clock (X-Terminal-Clock): the server measures the offset and
    queues the offline ticket by its real issue time, not by a clock three hours behind, nor by when
    the backlog finally arrived."""
    import time
    from datetime import UTC, datetime

    hall_server.stop()
    terminal = make_terminal(clock=lambda: time.time() - 3 * 3600.0)
    issued_real = time.time()
    ticket = terminal.issue_ticket("A")
    assert ticket.offline
    pass_time(2.0, reason="the outage lasts a little: the delivery comes later than the issue")
    restarted = time.time()
    server = _restart(hall_server, tmp_path)
    try:
        wait_for(lambda: _drained(terminal))
        answer = terminal.outbox.response(ticket.key) or {}
        assert answer.get("issue_time_basis") == "corrected", answer
        assert abs(float(answer.get("terminal_clock_offset_s", 0)) + 3 * 3600) < 60
        [(queue_at,)] = query(server.db_url, "SELECT queue_at FROM tickets WHERE offline_number=?",
                              (ticket.number,))
        queued = datetime.fromisoformat(str(queue_at)).replace(tzinfo=UTC).timestamp()
        assert issued_real - 1.0 <= queued < restarted  # its real issue time, not its arrival
    finally:
        server.stop()
