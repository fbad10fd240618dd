"""Calls become announcements one at a time: a plain queue, and a pump that feeds the voice device.

The voice device already plays one announcement after another; this queue sits in front of it
so the display knows what is still to be said (a long backlog drops its oldest first calls, never
a recall), and so a failing announcement is logged and skipped instead of blocking the rest.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from devices.errors import DeviceError
from devices.voice.protocol import Call, Voice
from hall.display.board import CallEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    call: Call
    repeat: int


class AnnouncementQueue:
    """Pure bookkeeping: ``push`` calls, ``take`` the next job when idle, ``finished`` when it was said."""

    def __init__(self, *, repeat: int = 2, max_pending: int = 12) -> None:
        if not 1 <= repeat <= 5:
            raise ValueError("repeat must be 1..5")
        self.repeat = repeat
        self.max_pending = max_pending
        self.pending: deque[Job] = deque()
        self.busy = False
        self.dropped = 0

    def push(self, entry: CallEntry) -> None:
        self.pending.append(Job(Call(entry.number, entry.window, recall=entry.recall), self.repeat))
        while len(self.pending) > self.max_pending:
            # A hall that called faster than the speaker can talk: the oldest first call goes.
            victim = next((j for j in self.pending if not j.call.recall), self.pending[0])
            self.pending.remove(victim)
            self.dropped += 1

    def take(self) -> Job | None:
        if self.busy or not self.pending:
            return None
        self.busy = True
        return self.pending.popleft()

    def finished(self) -> None:
        self.busy = False


class Announcer:
    """Feeds an :class:`AnnouncementQueue` to a :class:`Voice`; thread-safe, callbacks on voice thread."""

    def __init__(self, voice: Voice, *, repeat: int = 2,
                 on_done: Callable[[Job, Any, BaseException | None], None] | None = None) -> None:
        self.voice = voice
        self.queue = AnnouncementQueue(repeat=repeat)
        self._lock = threading.Lock()
        self._on_done = on_done

    def push(self, entry: CallEntry) -> None:
        with self._lock:
            self.queue.push(entry)
        self._pump()

    def _pump(self) -> None:
        with self._lock:
            job = self.queue.take()
        if job is None:
            return
        try:
            future = self.voice.announce(job.call, repeat=job.repeat)
        except DeviceError as exc:
            log.warning("announcement of %s refused: %s", job.call.number, exc.code)
            self._done(job, None, exc)
            return
        future.add_done_callback(lambda f: self._after(job, f))

    def _after(self, job: Job, future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None:
            log.warning("announcement of %s failed: %s", job.call.number, exc.__class__.__name__)
        self._done(job, None if exc else future.result(), exc)

    def _done(self, job: Job, result: Any, exc: BaseException | None) -> None:
        with self._lock:
            self.queue.finished()
        if self._on_done is not None:
            try:
                self._on_done(job, result, exc)
            except Exception:  # a listener must not stop the queue
                log.exception("announcement listener failed")
        self._pump()
