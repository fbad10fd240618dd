"""What the terminal believes about the hall server right now, with listeners for the offline banner.

Remembering the server's state is what keeps a citizen from waiting: once a send or a probe finds
the server gone, later tickets go offline at once instead of each waiting out a timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Listener = Callable[[bool], None]


class Link:
    def __init__(self, *, online: bool | None = None) -> None:
        self._online = online
        self._since = time.monotonic()
        self._hold_until = 0.0
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    @property
    def online(self) -> bool:
        """False only when the server is known to be unreachable; unknown counts as worth a try."""
        return self._online is not False

    @property
    def fast(self) -> bool:
        """Worth making a citizen wait for: reachable and not recently too slow to answer in time."""
        return self.online and time.monotonic() >= self._hold_until

    def hold(self, seconds: float) -> None:
        """The server answered health probes but a citizen's request timed out: send citizens'
        requests offline for a while instead of making each one wait out the budget."""
        self._hold_until = time.monotonic() + seconds

    def release(self) -> None:
        """A write just came back quickly: the server is fast enough again."""
        self._hold_until = 0.0

    @property
    def known(self) -> bool | None:
        return self._online

    def since_s(self) -> float:
        return time.monotonic() - self._since

    def set(self, online: bool) -> None:
        with self._lock:
            if self._online == online:
                return
            self._online, self._since = online, time.monotonic()
            listeners = list(self._listeners)
        log.info("hall server %s", "reachable" if online else "unreachable: terminal works offline")
        for listener in listeners:
            try:
                listener(online)
            except Exception:
                log.exception("offline listener failed")

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(online)`` on every change (from the thread that noticed it). Returns an
        unsubscribe function."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove
