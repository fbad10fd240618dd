"""Idle timeout: after ``timeout_s`` without a touch a countdown of ``countdown_s``; then home."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

IdleState = Literal["active", "countdown", "expired"]


@dataclass
class IdleWatch:
    timeout_s: float = 60.0
    countdown_s: float = 10.0
    last_touch: float = 0.0

    def touch(self, now: float) -> None:
        self.last_touch = now

    def state(self, now: float) -> tuple[IdleState, float]:
        """The state and, during the countdown, the whole seconds left."""
        idle = now - self.last_touch
        if idle < self.timeout_s:
            return "active", 0.0
        left = self.timeout_s + self.countdown_s - idle
        if left > 0:
            return "countdown", float(int(left + 0.999))
        return "expired", 0.0
