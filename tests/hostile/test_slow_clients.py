"""Slow and greedy clients against a real server (issue 13 item 6): half-sent headers are cut off, one
address cannot hold every connection, a declared over-limit body and an unauthenticated body are refused
before a byte of them is read, a silent events socket counts as a failed authentication, and with 1,100
slow connections open ``/health`` still answers (the server starts with systemd's 1,024 descriptors).
"""

from __future__ import annotations

import base64
import os
import socket
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.waiting import budget

HALF_HEADERS = b"GET /api/v1/health HTTP/1.1\r\nHost: hall\r\nX-Slow: "


def _server(tmp_path: Path, *settings: str, nofile: int | None = None) -> HallServer:
    return start_prepared(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path, settings=settings, nofile=nofile)


@pytest.fixture
def tight(tmp_path: Path) -> Iterator[HallServer]:
    """A server with short deadlines and a small per-address cap, so the tests finish in seconds."""
    server = _server(tmp_path, "server.http.header_timeout_s=2", "server.http.socket_auth_timeout_s=1",
                     "server.http.connections_per_address=24", "server.http.max_body_mb=2")
    yield server
    server.stop()


def _connect(server: HallServer, source: str = "127.0.0.1", timeout: float = 10) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout, source_address=(source, 0))
    return sock


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (or resets) the connection."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def _post_headers(path: str, length: int, token: str | None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (f"POST {path} HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n{auth}"
            f"Content-Length: {length}\r\n\r\n").encode()


def test_half_sent_headers_are_cut_off(tight: HallServer) -> None:
    with _connect(tight) as sock:
        sock.sendall(HALF_HEADERS)
        answer = _answer(sock)  # waits for the server's close; without a deadline it never comes
    assert answer.startswith(b"HTTP/1.1 408")


def test_one_address_cannot_hold_every_connection(tight: HallServer) -> None:
    held = [_connect(tight, "127.0.0.2") for _ in range(24)]
    try:
        with _connect(tight, "127.0.0.2") as extra:
            extra.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: hall\r\n\r\n")
            assert _answer(extra) == b""  # closed before a byte is read
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=budget(5)) as other:
            assert other.get(f"{tight.url}/api/v1/health").status_code == 200
    finally:
        for sock in held:
            sock.close()


def test_declared_body_over_the_limit_is_refused_unread(tight: HallServer) -> None:
    with _connect(tight) as sock:
        sock.sendall(_post_headers("/api/v1/tickets", 3 * 1024 * 1024, tight.tokens["terminal"]))
        answer = _answer(sock)  # not one byte of the body was sent
    assert answer.startswith(b"HTTP/1.1 413") and b'"too_large"' in answer


def test_body_without_a_length_is_refused(tight: HallServer) -> None:
    with _connect(tight) as sock:
        sock.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: hall\r\nTransfer-Encoding: chunked\r\n"
                     b"Authorization: Bearer " + tight.tokens["terminal"].encode() + b"\r\n\r\n")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 411") and b"Content-Length" in answer


def test_unauthenticated_body_is_refused_before_it_is_read(tight: HallServer) -> None:
    for token in (None, "not-a-token"):
        with _connect(tight) as sock:
            sock.sendall(_post_headers("/api/v1/submissions", 1024 * 1024, token))
            answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    # A valid token's body is read and judged by the route as before.
    issued = httpx.post(f"{tight.url}/api/v1/tickets", json={"category": "A"}, timeout=budget(10),
                        headers={"Authorization": f"Bearer {tight.tokens['terminal']}"})
    assert issued.status_code == 201


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_ten_big_bodies_with_bad_tokens_cost_no_memory(hall_server: HallServer) -> None:
    before = _rss_mb(hall_server.process.pid)
    body = os.urandom(44 * 1024 * 1024)
    for i in range(10):
        with _connect(hall_server, f"127.0.1.{i + 1}") as sock:
            sock.sendall(_post_headers("/api/v1/submissions", len(body), f"bad-{i}"))
            try:
                sock.sendall(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered 401 and hung up: the body is not wanted
            answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 401")
    after = _rss_mb(hall_server.process.pid)
    print(f"server RSS {before:.0f} -> {after:.0f} MB after ten 44 MB bodies with bad tokens")
    assert after - before < 40


def _ws_handshake(server: HallServer, source: str) -> socket.socket:
    sock = _connect(server, source)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /api/v1/events HTTP/1.1\r\nHost: hall\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    assert sock.recv(4096).startswith(b"HTTP/1.1 101")
    return sock


def test_silent_events_socket_is_closed_and_counted_as_a_failure(tight: HallServer) -> None:
    # Twenty sockets that never authenticate use up the address's minute of failures (20 a minute).
    sockets = [_ws_handshake(tight, "127.0.0.5") for _ in range(20)]
    for sock in sockets:
        with sock:
            assert b"auth." in _answer(sock)  # closed by the server once its second is up
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.5"), timeout=budget(5)) as client:
        answer = client.get(f"{tight.url}/api/v1/categories", headers={"Authorization": "Bearer wrong"})
    assert answer.status_code == 429 and answer.json()["error"]["code"] == "auth.rate_limited"


def test_health_answers_with_1100_slow_connections_open(tmp_path: Path) -> None:
    # systemd gives a service 1,024 descriptors unless its unit says otherwise; the server raises its own.
    server = _server(tmp_path, nofile=1024)
    slow: list[socket.socket] = []
    try:
        for _ in range(1100):
            sock = _connect(server)
            sock.sendall(HALF_HEADERS)
            slow.append(sock)
        times = []
        with httpx.Client(timeout=budget(1.0)) as client:  # "within 1 s": a slower answer fails the test
            for _ in range(50):
                started = time.perf_counter()
                assert client.get(f"{server.url}/api/v1/health").status_code == 200
                times.append((time.perf_counter() - started) * 1000)
        p99 = statistics.quantiles(times, n=100)[98]
        print(f"/health with 1,100 slow connections: median {statistics.median(times):.1f} ms, p99 {p99:.1f} ms")
    finally:
        for sock in slow:
            sock.close()
        server.stop()


def test_systemd_unit_raises_the_descriptor_limit() -> None:
    unit = (Path(__file__).resolve().parents[2] / "deploy" / "hall-server@.service").read_text()
    limits = [int(line.split("=", 1)[1]) for line in unit.splitlines() if line.startswith("LimitNOFILE=")]
    assert limits and limits[0] >= 65536
