"""Server faults not covered elsewhere: the hall server SIGKILLed under load and restarted (nothing it
acknowledged is lost), and one of two PostgreSQL-backed replicas killed (the other keeps serving and
a display's events client, behind a failover proxy like nginx's, reconnects to it)."""

from __future__ import annotations

import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from hall.client.events import EventsClient
from tests.rigs.hall_server import HallServer, prepare_hall, start_hall_server, start_prepared
from tests.rigs.waiting import budget, pass_time, poll_pause, wait_for_exit, wait_until

CLIENTS = 8


def _load(url: str, token: str, stop: threading.Event, acked: list[dict[str, Any]], errors: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=budget(3), headers={"Authorization": f"Bearer {token}"}) as c:
        while not stop.is_set():
            key = uuid.uuid4().hex
            try:
                r = c.post("/api/v1/tickets", json={"category": random.choice("ABCD")},
                           headers={"Idempotency-Key": key})
            except httpx.HTTPError as exc:  # the server died mid-request: not acknowledged
                errors.append(exc.__class__.__name__)
                poll_pause(0.02)
                continue
            if r.status_code == 201:
                acked.append({"key": key, **r.json()})
            else:
                errors.append(str(r.status_code))


def test_sigkill_under_load_loses_nothing_acknowledged(tmp_path: Path, record_property: Any) -> None:
    server = start_prepared(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path)
    token = server.tokens["terminal"]
    acked: list[dict[str, Any]] = []
    errors: list[str] = []
    kills = 0
    try:
        for round_ in range(3):
            stop = threading.Event()
            threads = [threading.Thread(target=_load, args=(server.url, token, stop, acked, errors)) for _ in
                       range(CLIENTS)]
            for t in threads:
                t.start()
            # under way: this round's clients have had tickets acknowledged; then a random moment more
            target = len(acked) + 20
            wait_until(lambda: len(acked) >= target, timeout_s=20, what="20 tickets acknowledged")  # noqa: B023
            pass_time(random.uniform(0.0, 0.5), reason="the kill lands at a random point of the load")
            server.process.send_signal(signal.SIGKILL)  # mid-write, no drain
            wait_for_exit(server.process)
            kills += 1
            failed = len(errors)  # the clients find the server gone
            wait_until(lambda: len(errors) >= failed + CLIENTS, timeout_s=10,  # noqa: B023
                       what="the clients' failures")
            stop.set()
            for t in threads:
                t.join(budget(10))
            server = start_hall_server(server.db_url, tmp_path, port=server.port, name=f"server{round_}")
            server.tokens = {"terminal": token}
    finally:
        server.stop()
    assert len(acked) > 50, (len(acked), errors[:5])
    engine = sa.create_engine(server.db_url)
    with engine.connect() as conn:
        rows = {r.id: (r.number, r.category) for r in conn.execute(sa.text("SELECT id, number, category FROM tickets"))}
        keys = {r[0] for r in conn.execute(sa.text("SELECT key FROM idempotency_keys"))}
    engine.dispose()
    lost = [a for a in acked if rows.get(a["id"]) != (a["number"], a["category"])]
    numbers = [a["number"] for a in acked]
    record_property("acknowledged", len(acked))
    record_property("kills", kills)
    print(f"sigkill: {kills} kills, {len(acked)} acknowledged tickets, {len(errors)} failed requests, "
          f"{len(lost)} lost, {len(rows)} rows")
    assert not lost, lost[:5]
    assert len(set(numbers)) == len(numbers), "a number was handed out twice"
    assert {a["key"] for a in acked} <= keys  # a retry of any of them would replay, not issue again


class FailoverProxy:
    """A TCP forwarder that tries its upstreams in order for every new connection (nginx's upstream with
    ``proxy_next_upstream error``, reduced to what a test needs)."""

    def __init__(self, upstreams: list[int]) -> None:
        self.upstreams = upstreams
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        for port in self.upstreams:
            try:
                upstream = socket.create_connection(("127.0.0.1", port), timeout=budget(1))
                break
            except OSError:
                continue
        else:
            client.close()
            return
        upstream.settimeout(None)
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def replicas(fresh_postgres_url: str, tmp_path: Path) -> Iterator[tuple[HallServer, HallServer, dict[str, str]]]:
    tokens = prepare_hall(fresh_postgres_url)
    one = start_hall_server(fresh_postgres_url, tmp_path, name="replica1", extra_env={"HALL_SERVER_KEY": _KEY})
    two = start_hall_server(fresh_postgres_url, tmp_path, name="replica2", extra_env={"HALL_SERVER_KEY": _KEY})
    yield one, two, tokens
    for s in (one, two):
        if s.process.poll() is None:
            s.stop()


_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # replicas share the key (docs/deploy.md)


@pytest.mark.postgres
def test_replica_killed_the_other_serves_and_the_display_reconnects(
        replicas: tuple[HallServer, HallServer, dict[str, str]], record_property: Any) -> None:
    one, two, tokens = replicas
    proxy = FailoverProxy([one.port, two.port])
    base = f"http://127.0.0.1:{proxy.port}"
    events: list[dict[str, Any]] = []
    display = EventsClient(base, tokens["terminal"], on_event=events.append, name="display", backoff_cap_s=0.5)
    display.start()
    kiosk = httpx.Client(base_url=base, timeout=budget(5), headers={"Authorization": f"Bearer {tokens['terminal']}"})
    clerk = httpx.Client(base_url=base, timeout=budget(5), headers={"Authorization": f"Bearer {tokens['clerk']}"})
    try:
        wait_until(lambda: display.online and display.connections >= 1, timeout_s=20)
        assert kiosk.post("/api/v1/tickets", json={"category": "A"}).status_code == 201
        one.process.send_signal(signal.SIGKILL)
        wait_for_exit(one.process)
        killed_at = time.monotonic()
        # The next requests land on replica two; the display's socket to replica one is gone and it reconnects.
        served = [_post_retrying(kiosk, "/api/v1/tickets", {"category": "A"}) for _ in range(5)]
        assert [r.status_code for r in served] == [201] * 5
        wait_until(lambda: display.online and display.connections >= 2, timeout_s=20)
        reconnect_s = time.monotonic() - killed_at
        clerk.post("/api/v1/windows/3/open", json={"clerk": "王五"})
        number = served[-1].json()["number"]
        called = clerk.post("/api/v1/windows/3/call", json={"number": number})
        assert called.status_code == 200, called.text
        wait_until(lambda: any(e.get("type") == "ticket.called" and e["data"].get("number") == number
                               for e in events), timeout_s=20)
        record_property("display_reconnect_s", round(reconnect_s, 2))
        print(f"replica failover: display back on the other replica {reconnect_s:.2f} s after the kill")
    finally:
        display.stop()
        kiosk.close()
        clerk.close()
        proxy.close()


def _post_retrying(client: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    """As terminals do: a request whose connection died with the replica is sent again under the same
    Idempotency-Key (the proxy, like nginx, does not resend a POST on its own)."""
    key = uuid.uuid4().hex
    for attempt in range(3):
        try:
            return client.post(path, json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
