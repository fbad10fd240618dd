"""Announcements one at a time through the real wav twin: twice by default, recalls again, no overlap."""

from __future__ import annotations

import itertools
import json
import logging
import threading
from pathlib import Path

import pytest

from devices.twins.voice.wav_writer import WavFileVoice
from hall.display.announcer import AnnouncementQueue, Announcer, Job
from hall.display.board import CallEntry
from tests.rigs.waiting import budget


def entry(number: str, window: int, *, recall: bool = False) -> CallEntry:
    return CallEntry(number=number, window=window, category=number[0], at=0.0, recall=recall)


def test_queue_hands_out_one_job_at_a_time() -> None:
    q = AnnouncementQueue()
    q.push(entry("A001", 1))
    q.push(entry("A002", 2))
    first = q.take()
    assert first is not None and first.call.number == "A001" and first.repeat == 2
    assert q.take() is None  # busy: never two at once
    q.finished()
    second = q.take()
    assert second is not None and second.call.number == "A002"


def test_backlog_drops_oldest_first_call_never_a_recall() -> None:
    q = AnnouncementQueue(max_pending=2)
    q.push(entry("A001", 1, recall=True))
    q.push(entry("A002", 2))
    q.push(entry("A003", 3))
    assert [j.call.number for j in q.pending] == ["A001", "A003"]
    assert q.dropped == 1 and q.skipped == 1


def test_backlog_keeps_the_latest_call_per_window_in_its_place_and_counts_each_skip(
        caplog: pytest.LogCaptureFixture) -> None:
    q = AnnouncementQueue()
    q.push(entry("A001", 1))
    assert q.take() is not None  # being said
    caplog.set_level(logging.WARNING, logger="hall.display.announcer")
    q.push(entry("B001", 3))
    q.push(entry("A002", 1))
    q.push(entry("B002", 3))
    q.push(entry("B003", 3))
    assert [(j.call.number, j.call.window) for j in q.pending] == [("B003", 3), ("A002", 1)]
    assert q.counts() == {"pending": 2, "merged": 2, "dropped": 0, "failed": 0, "skipped": 2}
    lines = [r.getMessage() for r in caplog.records]
    assert any("B001 at window 3" in x for x in lines) and any("B002 at window 3" in x for x in lines)


def test_a_recall_of_a_call_not_yet_said_is_said_once_as_a_first_call() -> None:
    q = AnnouncementQueue()
    q.push(entry("A001", 1))
    q.take()
    q.push(entry("C004", 2))
    q.push(entry("C004", 2, recall=True))
    (job,) = q.pending
    assert job.call.number == "C004" and not job.call.recall and q.merged == 1


def test_wav_twin_announces_twice_and_recall_again_without_overlap(tmp_path: Path) -> None:
    voice = WavFileVoice(output_dir=str(tmp_path), play=True, time_scale=20.0)
    voice.open()
    done: list[Job] = []
    all_done = threading.Event()

    def on_done(job: Job, _result: object, exc: BaseException | None) -> None:
        assert exc is None
        done.append(job)
        if len(done) == 3:
            all_done.set()

    announcer = Announcer(voice, repeat=2, on_done=on_done)
    try:
        announcer.push(entry("A023", 5))
        announcer.push(entry("B001", 3))
        announcer.push(entry("A023", 5, recall=True))
        assert all_done.wait(budget(30))
    finally:
        voice.close()
    records = [json.loads(line) for line in (tmp_path / "announcements.jsonl").read_text("utf-8").splitlines()]
    assert [r["text"] for r in records] == ["请 A023 号 到 5 号窗口 办理", "请 B001 号 到 3 号窗口 办理",
                                            "再次呼叫 请 A023 号 到 5 号窗口 办理"]
    assert all(r["repeat"] == 2 for r in records)
    for before, after in itertools.pairwise(records):
        assert after["started_at"] >= before["finished_at"]
