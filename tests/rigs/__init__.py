"""Pytest fixtures for the device, server and database rigs (recipes in ../shared/RIGS.md)."""

from __future__ import annotations

import os
import random
import socket
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def rig_missing(reason: str) -> NoReturn:
    """Skip locally with a visible reason; under CI=true a missing rig is a failure."""
    if in_ci():
        pytest.fail(f"test rig missing under CI: {reason}", pytrace=False)
    pytest.skip(f"test rig missing: {reason}")


_LOWEST_PORT = 20000
_handed_out: set[int] = set()


def ephemeral_low() -> int:
    """The first port the kernel hands to outgoing connections (bind to 0)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as fh:
            return int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def ports_free(port: int, count: int = 1) -> bool:
    """Can ``port`` … ``port + count - 1`` be bound on every interface right now?"""
    for p in range(port, port + count):
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", p))
            except OSError:
                return False
    return True


def free_port(count: int = 1) -> int:
    """A free port (or the first of ``count`` consecutive ones) for a server the test starts.

    Chosen at random below the kernel's ephemeral range: a port from there (bind to 0) is soon the
    local end of some other test's outgoing connection, and two suites run at once would be handed
    the same numbers in turn. Never the same port twice in one session.
    """
    rng = random.SystemRandom()
    top = min(ephemeral_low(), 65536) - count
    for _ in range(500):
        port = rng.randrange(_LOWEST_PORT, top)
        span = set(range(port, port + count))
        if span & _handed_out or not ports_free(port, count):
            continue
        _handed_out.update(span)
        return port
    raise OSError(f"no {count} free consecutive ports between {_LOWEST_PORT} and {top}")
