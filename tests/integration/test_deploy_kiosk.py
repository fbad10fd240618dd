"""deploy/kiosk: the systemd units verify and carry the settings a months-long kiosk needs; the X session
really turns blanking off and its watchdog pings systemd only while the kiosk is healthy; logrotate
really rotates the kiosk log under a process that keeps writing."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.rigs import rig_missing
from tests.rigs.waiting import budget, wait_for_text, wait_until

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / "deploy" / "kiosk"
UNITS = ("hall-kiosk.service", "hall-kiosk-nightly.service", "hall-kiosk-nightly.timer", "hall-logrotate.service",
         "hall-logrotate.timer")


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """systemd's ini dialect: repeated keys accumulate, comments start with # or ;."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def one(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, (section, key, values)
    return values[0]


def test_kiosk_unit_restarts_forever_with_a_watchdog() -> None:
    unit = parse_unit(KIOSK / "hall-kiosk.service")
    assert one(unit, "Unit", "StartLimitIntervalSec") == "0"
    assert "getty@tty1.service" in one(unit, "Unit", "Conflicts")
    svc = unit["Service"]
    assert one(unit, "Service", "Restart") == "always" and float(one(unit, "Service", "RestartSec")) <= 10
    watchdog = int(one(unit, "Service", "WatchdogSec"))
    assert 30 <= watchdog <= 300 and one(unit, "Service", "NotifyAccess") == "all"
    assert one(unit, "Service", "User") == "kiosk" and one(unit, "Service", "PAMName") == "login"
    assert one(unit, "Service", "TTYPath") == "/dev/tty1" and one(unit, "Service", "KillMode") == "control-group"
    exec_start = one(unit, "Service", "ExecStart").split()
    assert exec_start[0] == "/usr/bin/xinit" and exec_start[1] == "/opt/hall/deploy/kiosk/kiosk-session"
    server_flags = exec_start[exec_start.index("--") + 1:]
    for flag in ("-nocursor", "-dpms", "-novtswitch", "-nolisten", "-noreset"):
        assert flag in server_flags, flag
    assert server_flags[server_flags.index("-s") + 1] == "0"  # screen saver timeout: never
    assert "dialout" in svc["SupplementaryGroups"][0] and int(one(unit, "Service", "OOMScoreAdjust")) < 0
    assert one(unit, "Install", "WantedBy") == "graphical.target"


def test_nightly_restart_window() -> None:
    timer = parse_unit(KIOSK / "hall-kiosk-nightly.timer")
    assert one(timer, "Timer", "OnCalendar") == "*-*-* 03:30:00"
    assert one(timer, "Timer", "Unit") == "hall-kiosk-nightly.service"
    assert one(timer, "Timer", "Persistent") == "false" and one(timer, "Install", "WantedBy") == "timers.target"
    service = parse_unit(KIOSK / "hall-kiosk-nightly.service")
    assert one(service, "Service", "Type") == "oneshot"
    assert one(service, "Service", "ExecStart") == "/bin/systemctl try-restart hall-kiosk.service"


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    """`systemd-analyze verify` in a scratch root holding the stock units and stand-ins for our commands."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        rig_missing("systemd-analyze (apt package systemd)")
    stock = Path("/usr/lib/systemd/system")
    if not (stock / "sysinit.target").exists():
        rig_missing("systemd's stock units in /usr/lib/systemd/system")
    root = tmp_path / "root"
    shutil.copytree(stock, root / "usr/lib/systemd/system", symlinks=True)
    target = root / "etc/systemd/system"
    target.mkdir(parents=True)
    for name in UNITS:
        shutil.copy(KIOSK / name, target / name)
        for command in parse_unit(KIOSK / name)["Service"].get("ExecStart", []) if name.endswith("service") else []:
            stub = root / command.split()[0].lstrip("/")
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text("#!/bin/sh\n")
            stub.chmod(0o755)
    proc = subprocess.run([analyze, "verify", "--man=no", f"--root={root}", *UNITS], capture_output=True,
                          text=True, timeout=budget(60), check=False)
    assert proc.returncode == 0 and proc.stderr.strip() == "" and proc.stdout.strip() == "", proc.stderr


def test_install_script_places_every_file(tmp_path: Path) -> None:
    proc = subprocess.run(["bash", str(KIOSK / "install.sh"), "--root", str(tmp_path)], capture_output=True,
                          text=True, timeout=budget(30), check=False)
    assert proc.returncode == 0, proc.stderr
    for rel in ("etc/systemd/system/hall-kiosk.service", "etc/systemd/system/hall-kiosk-nightly.timer",
                "etc/logrotate.d/hall-kiosk", "etc/systemd/journald.conf.d/hall.conf", "etc/hall/kiosk.env",
                "etc/X11/Xwrapper.config", "etc/systemd/system/hall-logrotate.timer", "usr/local/bin/hall"):
        assert (tmp_path / rel).is_file(), rel
    assert oct((tmp_path / "etc/hall/kiosk.env").stat().st_mode & 0o777) == "0o600"
    assert os.access(tmp_path / "usr/local/bin/hall", os.X_OK)


def test_log_size_is_checked_every_hour() -> None:
    timer = parse_unit(KIOSK / "hall-logrotate.timer")
    assert one(timer, "Timer", "OnCalendar") == "hourly" and one(timer, "Install", "WantedBy") == "timers.target"
    service = parse_unit(KIOSK / "hall-logrotate.service")
    assert one(service, "Service", "ExecStart") == "/usr/sbin/logrotate /etc/logrotate.d/hall-kiosk"
    assert "maxsize 50M" in (KIOSK / "hall-kiosk.logrotate").read_text()


def test_an_hourly_run_rotates_a_log_past_maxsize_before_the_day_is_over(tmp_path: Path) -> None:
    """The hourly run (no -f) rotates a log past 50 MB although the daily rotation happened this hour;
    a small log beside it waits for the next day."""
    logrotate = shutil.which("logrotate") or ("/usr/sbin/logrotate" if Path("/usr/sbin/logrotate").exists() else None)
    if logrotate is None:
        rig_missing("logrotate (apt package logrotate)")
    logs = tmp_path / "log"
    logs.mkdir()
    conf = (KIOSK / "hall-kiosk.logrotate").read_text().replace("/var/log/hall", str(logs))
    (tmp_path / "rotate.conf").write_text(conf.replace("su kiosk kiosk", "su root root"))
    state = tmp_path / "state"
    big, small = logs / "kiosk.log", logs / "other.log"
    for path in (big, small):
        path.write_text("line\n")
    run = [logrotate, "-s", str(state), str(tmp_path / "rotate.conf")]
    forced = subprocess.run([*run[:1], "-f", *run[1:]], capture_output=True, timeout=budget(30))
    assert forced.returncode == 0  # today's
    for path in (big, small):
        path.write_text("line\n")
    with big.open("r+b") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: past maxsize without filling the disk
    proc = subprocess.run(run, capture_output=True, text=True, timeout=budget(60), check=False)
    assert proc.returncode == 0, proc.stderr
    assert big.stat().st_size == 0 and (logs / "kiosk.log.1").exists()  # rotated by size within the day
    assert small.read_text() == "line\n"  # not due: daily already done today


def test_logrotate_copytruncate_under_a_live_writer(tmp_path: Path) -> None:
    logrotate = shutil.which("logrotate") or ("/usr/sbin/logrotate" if Path("/usr/sbin/logrotate").exists() else None)
    if logrotate is None:
        rig_missing("logrotate (apt package logrotate)")
    logs = tmp_path / "log"
    logs.mkdir()
    conf = (KIOSK / "hall-kiosk.logrotate").read_text().replace("/var/log/hall", str(logs))
    conf = conf.replace("su kiosk kiosk", "su root root")  # the kiosk user exists only on a terminal
    (tmp_path / "rotate.conf").write_text(conf)
    writer = subprocess.Popen([sys.executable, "-u", "-c", (
        "import sys,time\nf=open(sys.argv[1],'a',buffering=1)\n"
        "for i in range(100000):\n f.write(f'line {i}\\n'); time.sleep(0.002)\n"), str(logs / "kiosk.log")])
    log = logs / "kiosk.log"
    try:
        wait_for_text(log, "line 10\n")  # the writer is writing
        proc = subprocess.run([logrotate, "-f", "-s", str(tmp_path / "state"), str(tmp_path / "rotate.conf")],
                              capture_output=True, text=True, timeout=budget(30), check=False)
        assert proc.returncode == 0, proc.stderr
        # the writer goes on in the truncated file: wait for a few whole lines there
        wait_until(lambda: log.read_bytes().count(b"\n") >= 5, what="lines written after the rotation")
    finally:
        writer.kill()
        writer.wait()
    rotated = (logs / "kiosk.log.1").read_text().splitlines()
    current = (logs / "kiosk.log").read_bytes()
    assert rotated and rotated[0] == "line 0"
    # The writer went on at the start of the truncated file: no hole of NUL bytes, numbering continues.
    assert b"\0" not in current and current.startswith(b"line ")
    assert int(current.split(b"\n")[0].split()[1]) >= int(rotated[-1].split()[1])


STAND_IN = """
import os, signal, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("kiosk stand-in")
w.resize(400, 300)
w.show()
wanted = {"visible": True}
signal.signal(signal.SIGUSR1, lambda *_: wanted.update(visible=False))
signal.signal(signal.SIGUSR2, lambda *_: wanted.update(visible=True))
timer = QTimer()
timer.timeout.connect(lambda: w.setVisible(wanted["visible"]))
timer.start(100)
open(sys.argv[1], "w").write(str(os.getpid()))
app.exec()
"""


def _datagrams(sock: socket.socket, done: Callable[[list[str]], bool], timeout_s: float, what: str) -> list[str]:
    """The watchdog's datagrams, collected until ``done(collected)`` holds."""
    out: list[str] = []

    def more() -> bool:
        with contextlib.suppress(TimeoutError):
            out.append(sock.recv(4096).decode())
        return done(out)

    wait_until(more, timeout_s=timeout_s, what=what, interval_s=0.001, max_interval_s=0.001)
    return out


def _pinged(out: list[str]) -> bool:
    return any("WATCHDOG=1" in m for m in out)


def _then(status: str, quiet_s: float = 1.0) -> Callable[[list[str]], bool]:
    """``status`` was sent, and then ``quiet_s`` passed (the watchdog checks every 0.3 s; it sends a
    status once, on the change, and then nothing while unhealthy — silence is what is checked)."""
    seen: list[float] = []

    def done(out: list[str]) -> bool:
        if status not in out:
            return False
        if not seen:
            seen.append(time.monotonic())
        return time.monotonic() - seen[0] >= quiet_s

    return done


def test_session_blanking_off_and_watchdog(xvfb: str, tmp_path: Path) -> None:
    (tmp_path / "stand_in.py").write_text(STAND_IN)
    pid_file = tmp_path / "kiosk.pid"
    notify_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify_path))
    sock.settimeout(0.2)
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb", "NOTIFY_SOCKET": str(notify_path),
           "WATCHDOG_USEC": "900000", "HALL_WATCHDOG_STARTUP_S": "0", "HALL_KIOSK_LOG": str(tmp_path / "kiosk.log"),
           "HALL_KIOSK_CMD": f"{sys.executable} {tmp_path / 'stand_in.py'} {pid_file}"}
    session = subprocess.Popen([str(KIOSK / "kiosk-session")], env=env, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        kiosk_pid = int(wait_until(lambda: pid_file.exists() and pid_file.read_text().strip(), timeout_s=30,
                                   what="the kiosk stand-in's pid file"))
        xset = subprocess.run(["xset", "q"], env=env, capture_output=True, text=True, timeout=budget(10)).stdout
        assert "timeout:  0" in xset and "prefer blanking:  no" in xset
        # Xvfb has no DPMS extension; on a terminal's Xorg the session switches it off.
        assert "DPMS is Disabled" in xset or "does not have the DPMS Extension" in xset
        _datagrams(sock, _pinged, 3.0, "a WATCHDOG=1 ping")
        os.kill(kiosk_pid, signal.SIGUSR1)  # the kiosk's window is gone (crashed GUI, lost full screen)
        hidden = "STATUS=unhealthy: kiosk window is not on screen"
        after_hide = _datagrams(sock, _then(hidden), 4.0, "the hidden window reported, then a quiet second")
        assert not any("WATCHDOG=1" in m for m in after_hide[after_hide.index(hidden):]), after_hide
        os.kill(kiosk_pid, signal.SIGUSR2)
        _datagrams(sock, _pinged, 2.0, "a WATCHDOG=1 ping once the window is back")
        os.kill(kiosk_pid, signal.SIGSTOP)  # a hung kiosk: the pings stop, systemd would restart
        stopped = "STATUS=unhealthy: kiosk process is stopped"
        after_stop = _datagrams(sock, _then(stopped), 4.0, "the stopped kiosk reported, then a quiet second")
        assert not any("WATCHDOG=1" in m for m in after_stop[after_stop.index(stopped):]), after_stop
        os.kill(kiosk_pid, signal.SIGCONT)
        _datagrams(sock, _pinged, 2.0, "a WATCHDOG=1 ping once the kiosk runs again")
        os.kill(kiosk_pid, signal.SIGTERM)  # the kiosk ends: the session ends with it
        assert session.wait(budget(15)) != 0
    finally:
        # The session's own group: the stand-in and the watchdog go with it (as KillMode=control-group does).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(session.pid, signal.SIGKILL)
        _, err = session.communicate(timeout=budget(10))
        sock.close()
    assert "kiosk exited with status" in err
    assert "kiosk session starting" in (tmp_path / "kiosk.log").read_text()
