"""One named worker thread per device: all traffic for a device runs there (Electrum's rule).

Callers get :class:`concurrent.futures.Future` results and subscribe to events with callbacks.
Callbacks run on the worker thread; the kiosk marshals them onto the Qt thread itself.
A callback that raises is logged and dropped, never kills the worker.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """Something a device noticed on its own: ``card_placed``, ``card_removed``, ``code_scanned``,
    ``paper_out``, ``status_changed`` … ``payload`` is the driver's frozen value type (or None)."""

    kind: str
    name: str
    payload: Any = None


Listener = Callable[[DeviceEvent], None]


class Backoff:
    """Exponential backoff with full jitter, capped; ``reset()`` after a success."""

    def __init__(self, *, initial_s: float = 0.2, cap_s: float = 10.0, factor: float = 2.0) -> None:
        self.initial_s, self.cap_s, self.factor = initial_s, cap_s, factor
        self._attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap_s, self.initial_s * (self.factor**self._attempt))
        self._attempt += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self._attempt = 0


class DeviceWorker:
    """A daemon thread that runs submitted jobs in order and an optional idle ``poll`` step."""

    def __init__(self, name: str, *, poll: Callable[[], None] | None = None, poll_interval_s: float = 0.2):
        self.name = name
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._poll = poll
        self._poll_interval_s = poll_interval_s
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"device-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        self._jobs.put(None)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def on_worker_thread(self) -> bool:
        return threading.current_thread() is self._thread

    # -- jobs and events -----------------------------------------------------------------------
    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Run ``fn`` on the worker thread; its result or typed error lands in the Future."""
        fut: Future[T] = Future()
        if self.on_worker_thread():
            self._execute(fn, fut)
        else:
            if not self.running:
                self.start()
            self._jobs.put((fn, fut))
        return fut

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add an event listener; returns a function that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: DeviceEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken listener must not kill the device thread
                log.exception("device %s: listener failed on %s", self.name, event.name)

    # -- the loop ------------------------------------------------------------------------------
    @staticmethod
    def _execute(fn: Callable[[], Any], fut: Future[Any]) -> None:
        if not fut.set_running_or_notify_cancel():
            return
        try:
            fut.set_result(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the Future
            fut.set_exception(exc)

    def _run(self) -> None:
        while not self._stopping.is_set():
            timeout = self._poll_interval_s if self._poll else None
            try:
                item = self._jobs.get(timeout=timeout)
            except queue.Empty:
                item = None
                if self._poll is not None and not self._stopping.is_set():
                    try:
                        self._poll()
                    except Exception:  # polling errors become status changes inside the driver
                        log.exception("device %s: poll step failed", self.name)
                continue
            if item is None:
                continue
            self._execute(*item)
        # fail what is left so no caller waits forever
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[1].cancel()
