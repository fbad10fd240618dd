"""Client of the hall server's events socket (``/api/v1/events``) on its own thread, reconnecting.

Shared by the calling display, the counter and the evaluation pad. It needs no Qt: listeners are
called on the socket's thread and the Qt side marshals them itself.
Each (re)connection is reported with ``on_state(True)`` after the server's ``hello``, so callers
re-read their state then (events missed while away are not replayed by the server).
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from typing import Any

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

log = logging.getLogger(__name__)

EventListener = Callable[[dict[str, Any]], None]
StateListener = Callable[[bool], None]

AUTH_CLOSE_CODES = frozenset({4401, 4403})
_RECV_SLICE_S = 0.5  # how often the reader looks at the stop flag
_PING_EVERY_S = 5.0  # an application ping: a half-open TCP connection is noticed within ~2 pings


class _Backoff:
    """Exponential backoff with jitter, capped; ``reset()`` after a good connection."""

    def __init__(self, *, initial_s: float, cap_s: float) -> None:
        self.initial_s, self.cap_s, self._attempt = initial_s, cap_s, 0

    def next_delay(self) -> float:
        ceiling = min(self.cap_s, self.initial_s * 2**self._attempt)
        self._attempt += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self._attempt = 0


def events_url(server_url: str) -> str:
    """``http://h:p`` → ``ws://h:p/api/v1/events`` (``https`` → ``wss``). The token never goes in the
    URL (servers and proxies log URLs): it travels in the upgrade's ``Authorization`` header."""
    base = server_url.rstrip("/")
    scheme, _, rest = base.partition("://")
    ws_scheme = "wss" if scheme == "https" else "ws"
    return f"{ws_scheme}://{rest}/api/v1/events"


class EventsClient:
    """``EventsClient(url, token, on_event=…, on_state=…).start()``; ``stop()`` joins the thread.

    ``online`` is True between a ``hello`` and the loss of the connection. A rejected token is
    reported as ``auth_failed`` and retried slowly (a manager may fix it without a restart).
    """

    def __init__(self, server_url: str, token: str, *, on_event: EventListener,
                 on_state: StateListener | None = None, name: str = "events",
                 open_timeout_s: float = 2.0, backoff_cap_s: float = 3.0) -> None:
        self._url = events_url(server_url)
        self._headers = {"Authorization": f"Bearer {token}"}
        self._on_event, self._on_state = on_event, on_state
        self._name = name
        self._open_timeout_s = open_timeout_s
        self._backoff = _Backoff(initial_s=0.2, cap_s=backoff_cap_s)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ws: ClientConnection | None = None
        self.online = False
        self.auth_failed = False
        self.hello: dict[str, Any] = {}
        self.connections = 0

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"events-{self._name}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 3.0) -> None:
        self._stop.set()
        ws = self._ws
        if ws is not None:
            try:
                ws.close()
            except (OSError, WebSocketException, RuntimeError):
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)
        self._thread = None

    # -- thread ---------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._session()
            except Exception:  # the loop must outlive any surprise; it is logged
                log.exception("events client %s: unexpected failure; reconnecting", self._name)
            self._set_online(False)
            if self._stop.is_set():
                return
            delay = max(self._backoff.next_delay(), 10.0 if self.auth_failed else 0.0)
            self._stop.wait(delay)

    def _session(self) -> None:
        try:
            with connect(self._url, additional_headers=self._headers, open_timeout=self._open_timeout_s,
                         close_timeout=1, ping_interval=None, max_size=2**22) as ws:
                self._ws = ws
                try:
                    self._read(ws)
                finally:
                    self._ws = None
        except (OSError, TimeoutError, WebSocketException) as exc:
            if not self._stop.is_set():
                log.debug("events client %s: %s", self._name, exc.__class__.__name__)

    def _read(self, ws: ClientConnection) -> None:
        idle = 0.0
        while not self._stop.is_set():
            try:
                raw = ws.recv(timeout=_RECV_SLICE_S)
            except TimeoutError:
                idle += _RECV_SLICE_S
                if idle >= _PING_EVERY_S * 2 + _RECV_SLICE_S:
                    log.info("events client %s: server silent, reconnecting", self._name)
                    return
                if idle % _PING_EVERY_S < _RECV_SLICE_S:
                    ws.send("ping")
                continue
            idle = 0.0
            event = _decode(raw)
            if event is None:
                continue
            kind = event.get("type")
            if kind == "pong":
                continue
            if kind == "error":
                code = str((event.get("error") or {}).get("code", ""))
                self.auth_failed = code.startswith("auth")
                log.warning("events client %s: server refused the token (%s)", self._name, code)
                return
            if kind == "hello":
                self.hello = dict(event.get("data") or {})
                self.auth_failed = False
                self.connections += 1
                self._backoff.reset()
                self._set_online(True)
            self._deliver(event)

    def _deliver(self, event: dict[str, Any]) -> None:
        try:
            self._on_event(event)
        except Exception:  # a broken listener must not cut the connection
            log.exception("events client %s: listener failed on %s", self._name, event.get("type"))

    def _set_online(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        if self._on_state is not None:
            try:
                self._on_state(online)
            except Exception:  # a broken listener must not cut the connection
                log.exception("events client %s: state listener failed", self._name)


def _decode(raw: str | bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        log.warning("events client: dropped a malformed message")
        return None
    return event if isinstance(event, dict) else None
