"""The load generator's pieces without a server: statistics, made-up citizens, /proc memory look-up."""

from __future__ import annotations

import hashlib
import io
import os
import random
import socket
from datetime import date
from typing import Any

import pytest
from PIL import Image

from hall.loadgen import procmem
from hall.loadgen.citizens import MaterialPool, check_char, fake_id_number
from hall.loadgen.stats import Recorder, percentile, summary_ms
from hall.server.domain.identity import parse_id_number


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95 and percentile(values, 99) == 99
    assert percentile([], 50) is None
    assert summary_ms([0.010, 0.020]) == {"count": 2, "p50_ms": 10.0, "p95_ms": 20.0, "p99_ms": 20.0,
                                           "max_ms": 20.0}


def test_recorder_keeps_warmup_out_of_percentiles_but_counts_errors() -> None:
    rec = Recorder(warmup_s=3600)
    rec.request("POST /x", 0.5)
    rec.request("POST /x", 0.5, "timeout")
    report = rec.report()
    assert report["requests"] == 2 and report["errors_by_kind"] == {"timeout": 1}
    assert report["routes"]["POST /x"]["count"] == 0 and report["routes"]["POST /x"]["errors"] == 1


def test_missed_calls_only_while_connected() -> None:
    rec = Recorder(warmup_s=0)
    rec.call_sent.update({1: 10.0, 2: 20.0, 3: 50.0})
    rec.call_seen.append((1, 10.1, 0))
    # display 0 was connected 5..40: saw call 1, missed call 2; call 3 came after it left.
    # display 1 joined at 30: none of calls 1 and 2 concern it; call 3 is within its last 3 s.
    assert rec.missed_calls({0: [(5.0, 40.0)], 1: [(30.0, 52.0)]}) == 1


def test_fake_id_numbers_are_valid_and_varied() -> None:
    rng = random.Random(7)
    today = date(2026, 6, 1)
    numbers = [fake_id_number(rng, today=today) for _ in range(500)]
    for n in numbers:
        parsed = parse_id_number(n, today=today)
        assert 18 <= parsed.age_on(today) <= 90
    assert len(set(numbers)) > 490
    assert check_char("11010519491231002") == "X"  # the GB 11643 worked example


def test_material_pool_gives_distinct_decodable_jpegs() -> None:
    pool = MaterialPool(random.Random(1), count=2, width=200, height=280)
    blobs = [pool.next_jpeg() for _ in range(5)]
    assert len({hashlib.sha256(b).hexdigest() for b in blobs}) == 5
    for blob in blobs:
        with Image.open(io.BytesIO(blob)) as img:
            img.load()
            assert img.format == "JPEG" and img.size == (200, 280)


def test_local_url_detection() -> None:
    assert procmem.is_local_url("http://127.0.0.1:8000") and procmem.is_local_url("http://localhost:1")
    assert procmem.is_local_url("http://[::1]:8000")
    assert not procmem.is_local_url("http://10.0.0.5:8000") and not procmem.is_local_url("http://hall.example")
    assert procmem.server_pids("http://192.0.2.1:8000") == []


def test_listening_socket_holder_is_found() -> None:
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]
        pids = procmem.server_pids(f"http://127.0.0.1:{port}")
        if not pids:
            pytest.fail("/proc/net/tcp did not show our listening socket")
        assert pids == [os.getpid()]
        watch = procmem.MemoryWatch(f"http://127.0.0.1:{port}")
        for at in (0.0, 1.0, 2.0):
            assert watch.sample(at) is not None
        report: dict[str, Any] = watch.report(warmup_s=1.0)
        assert report["local"] is True and report["rss_end_mb"] > 10 and report["samples"] == 3
    assert procmem.server_pids(f"http://127.0.0.1:{port}") == []
