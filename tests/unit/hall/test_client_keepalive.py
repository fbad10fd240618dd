"""hall.client against a real HTTP/1.1 server on a socket that plays the keep-alive race: it answers the
first request on a connection, then closes that connection when the next request arrives on it, with no
answer (what a server does when its idle timeout fires as the client reuses the socket).

A request that is safe to repeat (GET, or a write with an Idempotency-Key) goes once more on a fresh
connection and succeeds; a write without a key is not repeated. Idle connections are let go after the
client's keep-alive expiry, before the server's."""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from hall.client.errors import HallUnreachable
from hall.client.http import KEEPALIVE_EXPIRY_S, HallClient
from tests.rigs.waiting import pass_time


@dataclass
class RacingServer:
    """Counts connections and requests; the second request on any connection is dropped unanswered."""

    sock: socket.socket
    connections: int = 0
    requests: list[tuple[int, str, bytes]] = field(default_factory=list)  # (connection, request line, body)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._connection, args=(conn, self.connections), daemon=True).start()

    def _connection(self, conn: socket.socket, number: int) -> None:
        reader = conn.makefile("rb")
        with conn, reader:
            for nth in (1, 2):
                head = _read_head(reader)
                if head is None:
                    return
                line, length = head
                body = reader.read(length)
                self.requests.append((number, line, body))
                if nth == 2:
                    return  # closed with no answer: the idle-timeout race
                payload = json.dumps({"connection": number, "body_bytes": len(body)}).encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                             + str(len(payload)).encode() + b"\r\n\r\n" + payload)


def _read_head(reader: io.BufferedReader) -> tuple[str, int] | None:
    line = reader.readline().decode("latin-1").strip()
    if not line:
        return None
    length = 0
    while (header := reader.readline().decode("latin-1").strip()):
        name, _, value = header.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return line, length


@pytest.fixture
def server() -> Iterator[RacingServer]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    srv = RacingServer(sock)
    threading.Thread(target=srv.serve, daemon=True).start()
    yield srv
    sock.close()


def test_a_keyed_write_goes_again_on_a_fresh_connection(server: RacingServer) -> None:
    with HallClient(server.url, "t", read_timeout=3) as client:
        assert client.request("GET", "/health") == {"connection": 1, "body_bytes": 0}
        out = client.request("POST", "/tickets", json={"category": "A"}, idempotency_key="k-1")
    assert out["connection"] == 2
    lines = [(c, line.split()[1]) for c, line, _ in server.requests]
    assert lines == [(1, "/api/v1/health"), (1, "/api/v1/tickets"), (2, "/api/v1/tickets")]
    assert server.requests[1][2] == server.requests[2][2]  # the same body both times


def test_a_read_goes_again(server: RacingServer) -> None:
    with HallClient(server.url, "t", read_timeout=3) as client:
        client.request("GET", "/health")
        assert client.request("GET", "/categories")["connection"] == 2


def test_a_write_without_key_is_not_repeated(server: RacingServer) -> None:
    with HallClient(server.url, "t", read_timeout=3) as client:
        client.request("GET", "/health")
        with pytest.raises(HallUnreachable):
            client.request("POST", "/windows/1/finish")
    assert [c for c, _, _ in server.requests] == [1, 1]  # sent once, never again


def test_an_upload_is_sent_whole_again(server: RacingServer) -> None:
    scan = io.BytesIO(b"\xff\xd8" + b"x" * 5000)
    with HallClient(server.url, "t", read_timeout=3) as client:
        client.request("GET", "/health")
        out = client.request("POST", "/submissions", files={"m": ("a.jpg", scan, "image/jpeg")}, idempotency_key="k-2")
    first, second = server.requests[1][2], server.requests[2][2]
    assert out["connection"] == 2 and len(second) == len(first) > 5000


def test_idle_connections_are_let_go_before_the_servers_timeout(server: RacingServer) -> None:
    assert KEEPALIVE_EXPIRY_S < 5  # below uvicorn's default and the usual proxies' idle timeouts
    with HallClient(server.url, "t", read_timeout=3, keepalive_expiry_s=0.2) as client:
        client.request("GET", "/health")
        pass_time(0.4, reason="the idle connection outlives its 0.2 s keep-alive expiry")
        assert client.request("GET", "/health")["connection"] == 2
    # Only the expiry made the new connection: the dropped second request never happened.
    assert [c for c, _, _ in server.requests] == [1, 2]

