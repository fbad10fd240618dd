"""The technician PIN's growing lockout (kiosk/flows/pin_lock.py): 3 free tries, then 30 s doubling to
1 h; the state survives a restart (a new PinLock on the same file) and a damaged file locks."""

from __future__ import annotations

from pathlib import Path

from kiosk.flows.pin_lock import LockFile, LockPolicy, PinLock


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _lock(path: Path, clock: Clock) -> PinLock:
    return PinLock(pin="2468", store=LockFile(path), clock=clock)


def test_three_free_tries_then_a_lock_that_doubles_to_an_hour(tmp_path: Path) -> None:
    clock, lock = Clock(), _lock(tmp_path / "lock.json", Clock())
    lock.clock = clock
    assert [lock.attempt("0000").outcome for _ in range(2)] == ["wrong", "wrong"]
    third = lock.attempt("0000")
    assert (third.outcome, third.misses, third.wait_s) == ("wrong", 3, 30.0)
    # While locked even the right PIN is not checked, and the miss count does not grow.
    held = lock.attempt("2468")
    assert (held.outcome, held.misses, held.wait_s) == ("locked", 3, 30.0)
    waits = []
    for _ in range(10):
        clock.now += lock.wait_s()
        waits.append(lock.attempt("1111").wait_s)
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]


def test_the_right_pin_clears_the_count(tmp_path: Path) -> None:
    clock = Clock()
    lock = _lock(tmp_path / "lock.json", clock)
    lock.attempt("1")
    lock.attempt("2")
    assert lock.attempt("2468").ok
    assert [lock.attempt("9").outcome for _ in range(2)] == ["wrong", "wrong"]
    assert lock.wait_s() == 0


def test_a_restart_keeps_the_lock(tmp_path: Path) -> None:
    clock = Clock()
    for _ in range(3):
        _lock(tmp_path / "lock.json", clock).attempt("0000")
    again = _lock(tmp_path / "lock.json", clock)  # the kiosk rebooted
    assert again.attempt("2468").outcome == "locked"
    clock.now += 30
    nxt = again.attempt("0000")
    assert (nxt.misses, nxt.wait_s) == (4, 60)


def test_a_damaged_lock_file_locks_rather_than_resets(tmp_path: Path) -> None:
    path = tmp_path / "lock.json"
    path.write_text("{not json", encoding="utf-8")
    clock = Clock()
    lock = PinLock(pin="2468", store=LockFile(path), clock=clock)
    first = lock.attempt("2468")
    assert first.outcome == "locked" and first.wait_s > 0


def test_a_clock_set_back_never_locks_longer_than_an_hour(tmp_path: Path) -> None:
    clock = Clock()
    lock = _lock(tmp_path / "lock.json", clock)
    for _ in range(3):
        lock.attempt("0000")
    clock.now -= 86_400  # the RTC lost a day
    assert lock.wait_s() == 3600


def test_no_pin_configured_refuses_everything(tmp_path: Path) -> None:
    lock = PinLock(pin="", store=LockFile(tmp_path / "lock.json"))
    assert lock.attempt("").outcome == "refused"
    assert not (tmp_path / "lock.json").exists()


def test_policy_numbers_are_the_documented_ones() -> None:
    p = LockPolicy()
    assert [p.lock_for(n) for n in range(1, 6)] == [0, 0, 30, 60, 120]


def test_a_lock_file_that_cannot_be_written_keeps_locking_in_memory(tmp_path: Path) -> None:
    """Writes refused (as on a full disk; here a folder stands where the temporary file goes): the attempt
    is still judged and the lock still holds."""
    (tmp_path / "lock.json.tmp").mkdir()
    clock = Clock()
    lock = PinLock(pin="2468", store=LockFile(tmp_path / "lock.json"), clock=clock)
    assert [lock.attempt("0").outcome for _ in range(3)] == ["wrong", "wrong", "wrong"]
    assert lock.attempt("2468").outcome == "locked"
    clock.now += 30
    assert lock.attempt("2468").ok
