"""Clean shutdown (issue 17 item 10): SIGTERM leaves no process behind.

The real kiosk runs offscreen on the demo's twins; its social-security card twin starts a real pcscd as
its child (private socket and vpcd ports, so the machine's pcscd is never touched). SIGTERM to the kiosk
stops that pcscd, also when it comes while the devices are still opening; SIGTERM to the session script
(deploy/kiosk/kiosk-session, as `systemctl stop` or xinit sends it) reaches the kiosk, its watchdog and
unclutter, and the script waits for them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.twins.ss_card.pcscd import can_isolate, missing_tools, pcscd_alive
from tests.rigs import free_port, rig_missing
from tests.rigs.pcsc import _free_port_pair
from tests.rigs.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
SESSION = ROOT / "deploy" / "kiosk" / "kiosk-session"
STARTUP_S = 90.0  # a loaded machine (2 cores, 6 engineers) may take long to bring the kiosk up
STOP_S = 30.0


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) from /proc, None when the process is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Exists and is not a zombie (an exited child its parent has not reaped yet is dead)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return ""


def descendants(pid: int) -> dict[int, str]:
    """Every live process below ``pid`` → its command line."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None and stat[0] != "Z":
            parents[int(entry.name)] = stat[1]
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found[child] = cmdline(child)
                frontier.append(child)
    return found


def wait_for(check: Callable[[], object], *, seconds: float, what: str) -> None:
    wait_until(check, timeout_s=seconds, what=what)


def pcscd_below(pid: int) -> int | None:
    return next((p for p, cmd in descendants(pid).items() if "pcscd" in cmd.split(" ", 1)[0]), None)


@pytest.fixture
def pcscd_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a kiosk whose pcscd is private: its own socket and vpcd ports."""
    reason = missing_tools()
    if reason:
        rig_missing(reason)
    if not can_isolate():
        rig_missing("mount namespaces (root, util-linux unshare) for a private pcscd")
    run = tmp_path / "pcscd-run"
    run.mkdir()
    return {"PCSCLITE_CSOCK_NAME": str(run / "pcscd.comm"), "HALL_VPCD_PORT": str(_free_port_pair())}


@pytest.fixture
def kiosk_config(tmp_path: Path) -> Path:
    """The demo settings (twins) with the outbox in tmp_path and no hall server (it works offline)."""
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    text = text.replace('server_url = "http://127.0.0.1:8700"', f'server_url = "http://127.0.0.1:{free_port()}"')
    for key, name in (("db_path", "outbox.db"), ("attachments_dir", "outbox-files"), ("key_file", "outbox.key")):
        text = text.replace(f'{key} = "var/{name}"', f'{key} = "{tmp_path / name}"')
    assert str(tmp_path / "outbox.db") in text
    path = tmp_path / "terminal.toml"
    path.write_text(text, encoding="utf-8")
    return path


def kiosk_command(config: Path) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "--config", str(config), "kiosk", "--windowed"]


def kiosk_env(pcscd_env: dict[str, str], **extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **pcscd_env, **extra}


@contextlib.contextmanager
def owned(proc: subprocess.Popen[bytes], pids: set[int]) -> Iterator[None]:
    """Whatever happens in the test, nothing it started outlives it."""
    try:
        yield
    finally:
        for pid in [*descendants(proc.pid), *pids]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


@pytest.mark.parametrize("when", ["running", "opening"])
def test_sigterm_to_the_kiosk_stops_its_pcscd(tmp_path: Path, pcscd_env: dict[str, str], kiosk_config: Path,
                                              when: str) -> None:
    """``running``: after the twin's card reader is up; ``opening``: as soon as pcscd exists, while the
    kiosk is still opening its devices."""
    log = tmp_path / "kiosk.log"
    with log.open("wb") as out:
        kiosk = subprocess.Popen(kiosk_command(kiosk_config), env=kiosk_env(pcscd_env), stdout=out,
                                 stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True)
    seen: set[int] = set()
    with owned(kiosk, seen):
        wait_for(lambda: pcscd_below(kiosk.pid), seconds=STARTUP_S, what="the kiosk's pcscd")
        pcscd = pcscd_below(kiosk.pid)
        assert pcscd is not None
        seen.add(pcscd)
        if when == "running":
            wait_for(lambda: "ss_card status ok" in log.read_text(errors="replace"), seconds=STARTUP_S,
                     what="the social-security card twin")
            assert pcscd_alive(pcscd_env["PCSCLITE_CSOCK_NAME"])
        os.kill(kiosk.pid, signal.SIGTERM)
        assert kiosk.wait(STOP_S) == 0, log.read_text(errors="replace")[-2000:]
        assert not alive(pcscd), f"pcscd {pcscd} survived the kiosk"
    assert not pcscd_alive(pcscd_env["PCSCLITE_CSOCK_NAME"])
    assert "SIGTERM received: quitting" in log.read_text(errors="replace")


def stand_in_unclutter(tmp_path: Path) -> dict[str, str]:
    """unclutter itself where installed; otherwise a stand-in by that name that runs until killed, so the
    session starts one background helper more either way (the trap must stop it too)."""
    if shutil.which("unclutter"):
        return {}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "unclutter").write_text("#!/bin/sh\nexec sleep 600\n")
    (bin_dir / "unclutter").chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_sigterm_to_the_session_script_leaves_nothing_running(
        tmp_path: Path, xvfb: str, pcscd_env: dict[str, str], kiosk_config: Path) -> None:
    log = tmp_path / "kiosk.log"
    env = kiosk_env(pcscd_env, DISPLAY=xvfb, HALL_KIOSK_LOG=str(log), HALL_WATCHDOG_STARTUP_S="600",
                    HALL_KIOSK_CMD=" ".join(kiosk_command(kiosk_config)), **stand_in_unclutter(tmp_path))
    session = subprocess.Popen([str(SESSION)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               cwd=tmp_path, start_new_session=True)
    seen: set[int] = set()
    with owned(session, seen):
        wait_for(lambda: "ss_card status ok" in (log.read_text(errors="replace") if log.exists() else ""),
                 seconds=STARTUP_S, what="the kiosk with its card reader twin")
        running = descendants(session.pid)
        seen.update(running)
        commands = list(running.values())
        assert any("main.py" in c and " kiosk" in c for c in commands), commands
        assert any("kiosk_watchdog.py" in c for c in commands), commands
        assert any("unclutter" in c or c.startswith("sleep 600") for c in commands), commands
        assert any(c.split(" ", 1)[0].endswith("pcscd") for c in commands), commands
        os.kill(session.pid, signal.SIGTERM)  # the script alone, as systemd's stop or xinit would
        status = session.wait(STOP_S)
        survivors = {pid: cmd for pid, cmd in running.items() if alive(pid)}
        assert survivors == {}, survivors
    text = log.read_text(errors="replace")
    assert status == 0, text[-2000:]
    assert "kiosk session: SIGTERM received" in text and "SIGTERM received: quitting" in text
    assert "kiosk session stopped (kiosk status 0)" in text
    assert not pcscd_alive(pcscd_env["PCSCLITE_CSOCK_NAME"])
