"""Connection-level guards for uvicorn: a deadline for the request headers, a cap on concurrent
connections per client address, and a descriptor limit raised at start-up.

uvicorn never times out a connection that sends nothing or half a request line (its keep-alive timer
is armed only after a response), so a few thousand slow sockets would hold every descriptor of the
process. These protocol subclasses close such a socket once ``header_timeout_s`` has passed without a
complete header block, and refuse a connection from an address that already holds
``per_address`` of them (the trusted proxy's own address excepted: behind nginx every client arrives
from it, and nginx's ``limit_conn`` caps per real address there).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

log = logging.getLogger(__name__)

_TIMEOUT_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
                b"content-length: 0\r\n\r\n")


@dataclass
class ConnectionGuard:
    """Open connections per client address, shared by every protocol object of one server."""

    per_address: int
    header_timeout_s: float
    # uvicorn waits 10 s for the peer to echo a close frame before it drops the socket; a refused or
    # silent socket's client has shown it is not cooperating, so it keeps the descriptor only this long.
    close_timeout_s: float = 2.0
    exempt: frozenset[str] = frozenset()
    refused: int = 0
    timed_out: int = 0
    _open: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self, address: str) -> bool:
        """Count a new connection from ``address``; False (nothing counted) when it is over the cap."""
        with self._lock:
            if address not in self.exempt and self._open[address] >= self.per_address:
                self.refused += 1
                return False
            self._open[address] += 1
            return True

    def release(self, address: str) -> None:
        with self._lock:
            left = self._open[address] - 1
            if left > 0:
                self._open[address] = left
            else:
                self._open.pop(address, None)

    def open_from(self, address: str) -> int:
        return self._open.get(address, 0)


def _address(transport: asyncio.BaseTransport) -> str:
    peer = transport.get_extra_info("peername")
    return str(peer[0]) if isinstance(peer, tuple) and peer else "?"


class GuardedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol plus the header deadline and the per-address cap."""

    guard: ConnectionGuard

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._peer: str | None = None
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        address = _address(transport)
        if not self.guard.acquire(address):
            self.transport = transport
            transport.abort()  # refused before a byte is read; connection_lost still comes
            return
        self._peer = address
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        if self._peer is None:
            return  # refused in connection_made: nothing of uvicorn's was set up
        self.guard.release(self._peer)
        self._peer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm_header_timer()  # the next request on a kept-alive connection has the same deadline
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def handle_websocket_upgrade(self) -> None:
        # The socket now belongs to the WebSocket protocol, which counts it until it closes.
        self._disarm_header_timer()
        if self._peer is not None:
            self.guard.release(self._peer)
            self._peer = None
        super().handle_websocket_upgrade()

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.guard.header_timeout_s, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        self.guard.timed_out += 1
        self.transport.write(_TIMEOUT_408)
        self.transport.close()


class GuardedWebSocket(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol, counted against its address like the HTTP connection it was."""

    guard: ConnectionGuard

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.close_timeout = self.guard.close_timeout_s

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._peer: str | None = _address(transport)
        with self.guard._lock:  # never refused: the HTTP connection it upgrades was already admitted
            self.guard._open[_address(transport)] += 1
        super().connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        peer, self._peer = getattr(self, "_peer", None), None
        if peer is not None:
            self.guard.release(peer)
        super().connection_lost(exc)


def protocols(guard: ConnectionGuard) -> tuple[type[GuardedHttp], type[GuardedWebSocket]]:
    """Protocol classes bound to ``guard`` (uvicorn makes one object per connection from a class)."""
    http = type("HallHttp", (GuardedHttp,), {"guard": guard})
    ws = type("HallWebSocket", (GuardedWebSocket,), {"guard": guard})
    return http, ws


def raise_descriptor_limit(wanted: int) -> int:
    """Raise this process's soft limit of open files towards ``wanted`` (at most the hard limit) and
    return the limit now in force: systemd's default soft limit of 1,024 is gone after ~1,000 sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-file limit to %d: %s", target, exc.__class__.__name__)
    return int(soft)


def trusted_proxies(proxy_headers: bool, forwarded_allow_ips: str) -> frozenset[str]:
    """The addresses the per-address cap leaves alone: the trusted proxies, when the server sits behind
    one (every client then arrives from it). ``*`` trusts everyone, so it exempts nobody here."""
    if not proxy_headers:
        return frozenset()
    return frozenset(a.strip() for a in forwarded_allow_ips.split(",") if a.strip() and a.strip() != "*")
