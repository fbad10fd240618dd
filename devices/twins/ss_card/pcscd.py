"""Run the real pcscd as a child we own (foreground, SIGTERM to stop), for the twin and the test rig.

pcscd 1.9 always listens on ``/run/pcscd/pcscd.comm`` while its clients honour
``PCSCLITE_CSOCK_NAME``. When that variable points elsewhere, we start pcscd in a private mount
namespace with its own directory bind-mounted on /run/pcscd and its own reader.conf.d (vpcd on
``HALL_VPCD_PORT``), so a test session never disturbs, or is disturbed by, the system's pcscd.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from devices.errors import DeviceOffline

DEFAULT_SOCKET = "/run/pcscd/pcscd.comm"
DEFAULT_VPCD_PORT = 35963
VPCD_LIB = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"


def socket_path() -> str:
    return os.environ.get("PCSCLITE_CSOCK_NAME") or DEFAULT_SOCKET


def vpcd_port() -> int:
    """The vpcd port of the card slot (the PSAM slot is the next one)."""
    return int(os.environ.get("HALL_VPCD_PORT") or DEFAULT_VPCD_PORT)


def pcscd_alive(path: str | None = None) -> bool:
    """True when something accepts connections on the pcscd socket."""
    path = path or socket_path()
    if not os.path.exists(path):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        try:
            s.connect(path)
        except OSError:
            return False
    return True


def port_listening(port: int) -> bool:
    """Is a TCP port in LISTEN state? Read from /proc: connecting to vpcd would insert a card."""
    want = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                cols = line.split()
                if len(cols) > 3 and cols[1].endswith(want) and cols[3] == "0A":
                    return True
    return False


def missing_tools() -> str | None:
    """A technician-readable reason why we cannot run pcscd with vpcd here, or None."""
    if shutil.which("pcscd") is None and not os.path.exists("/usr/sbin/pcscd"):
        return "pcscd is not installed (apt-get install pcscd)"
    if not os.path.exists(VPCD_LIB):
        return "the vpcd reader driver is not installed (apt-get install vsmartcard-vpcd)"
    return None


class PcscDaemon:
    """One pcscd process we started; ``stop()`` sends SIGTERM (it exits in milliseconds)."""

    def __init__(self, *, socket: str | None = None, port: int | None = None, log_path: str | None = None):
        self.socket = socket or socket_path()
        self.port = port or vpcd_port()
        self.isolated = self.socket != DEFAULT_SOCKET
        self._log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None
        self._workdir: str | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _command(self) -> list[str]:
        pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
        base = [pcscd, "--foreground", "--apdu", "--info"]
        if not self.isolated:
            return base
        conf = Path(self._workdir or tempfile.mkdtemp(prefix="hall-pcscd-"), "reader.conf.d")
        conf.mkdir(exist_ok=True)
        (conf / "vpcd").write_text(
            f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x{self.port:04X}\n'
            f"LIBPATH      {VPCD_LIB}\nCHANNELID    0x{self.port:04X}\n"
        )
        run_dir = str(Path(self.socket).parent)
        script = 'mkdir -p /run/pcscd && mount --bind "$0" /run/pcscd && exec "$@"'
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, run_dir,
                *base, "--config", str(conf)]

    def start(self, *, timeout_s: float = 5.0) -> None:
        """Start and wait until the socket answers and vpcd listens. Raises DeviceOffline."""
        reason = missing_tools()
        if reason:
            raise DeviceOffline(reason)
        if pcscd_alive(self.socket):
            raise DeviceOffline(f"another pcscd already serves {self.socket}")
        self._workdir = tempfile.mkdtemp(prefix="hall-pcscd-")
        if self.isolated:
            Path(self.socket).parent.mkdir(parents=True, exist_ok=True)
        log_path = self._log_path or os.path.join(self._workdir, "pcscd.log")
        with open(log_path, "ab") as log_file:
            # stdout to a file: with --apdu pcscd writes a lot and a full pipe would stall it
            self._proc = subprocess.Popen(self._command(), stdout=log_file, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout_s
        while not (pcscd_alive(self.socket) and port_listening(self.port)):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                tail = Path(log_path).read_text(errors="replace")[-400:]
                self.stop()
                raise DeviceOffline(f"pcscd did not come up on {self.socket}: {tail.strip()}")
            time.sleep(0.01)

    def stop(self) -> None:
        atexit.unregister(self.stop)
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def can_isolate() -> bool:
    """Mount namespaces need root (CAP_SYS_ADMIN) and util-linux's unshare."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    try:
        done = subprocess.run(["unshare", "--mount", "true"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0
