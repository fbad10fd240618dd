"""Fixtures for the outbox unit tests: a real SQLite outbox in tmp_path with a clock we move."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from offline_cache.crypto import Cipher
from offline_cache.store import Outbox

# 2026-11-22 23:30 Asia/Shanghai (15:30 UTC): half an hour before the hall day turns.
T0 = 1795361400.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


OutboxFactory = Callable[..., Outbox]


@pytest.fixture
def make_outbox(tmp_path: Path, clock: Clock, key: bytes) -> Iterator[OutboxFactory]:
    opened: list[Outbox] = []

    def make(**kw: object) -> Outbox:
        options: dict[str, object] = {
            "db_path": tmp_path / "outbox.db", "attachments_dir": tmp_path / "files", "cipher": Cipher(key),
            "max_bytes": 50 * 1024 * 1024, "min_free_bytes": 0, "clock": clock, "offline_prefix": "K1"}
        options.update(kw)
        outbox = Outbox(**options)  # type: ignore[arg-type]
        opened.append(outbox)
        return outbox

    yield make
    for outbox in opened:
        outbox.close()


@pytest.fixture
def outbox(make_outbox: OutboxFactory) -> Outbox:
    return make_outbox()
