"""Server memory when the server runs on this machine: the processes holding its listening socket.

Linux only, from /proc: the socket's inode from /proc/net/tcp{,6}, its holders from /proc/*/fd,
their resident set size from /proc/PID/status. Anything unreadable means "not local" (None).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

PROC = Path("/proc")
_LISTEN = "0A"


def is_local_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listening_inodes(port: int, *, proc: Path = PROC) -> set[str]:
    """Inodes of sockets listening on ``port`` (any address, IPv4 or IPv6)."""
    inodes: set[str] = set()
    for name in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != _LISTEN:
                continue
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def socket_holders(inodes: set[str], *, proc: Path = PROC) -> list[int]:
    """PIDs with an open file descriptor on one of ``inodes``."""
    wanted = {f"socket:[{i}]" for i in inodes}
    pids = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = os.listdir(entry / "fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(entry / "fd" / fd) in wanted:
                    pids.append(int(entry.name))
                    break
            except OSError:
                continue
    return sorted(pids)


def rss_bytes(pid: int, *, proc: Path = PROC) -> int | None:
    try:
        for line in (proc / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pid: int, *, proc: Path = PROC) -> float | None:
    """User + system CPU time the process has used so far."""
    try:
        fields = (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def server_pids(url: str) -> list[int]:
    """PIDs serving ``url`` if it is on this machine, else []."""
    if not is_local_url(url):
        return []
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return socket_holders(listening_inodes(port))


class MemoryWatch:
    """RSS samples of one local server (sum over the processes holding its socket)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pids = server_pids(url)
        self.samples: list[tuple[float, int]] = []
        self.cpu: list[tuple[float, float]] = []

    @property
    def local(self) -> bool:
        return bool(self.pids)

    def sample(self, at: float) -> int | None:
        if not self.pids:
            return None
        values = [rss_bytes(pid) for pid in self.pids]
        if any(v is None for v in values):
            return None  # a holder exited (restart): keep the samples we have
        total = sum(v for v in values if v is not None)
        self.samples.append((at, total))
        cpu = [cpu_seconds(pid) for pid in self.pids]
        if all(c is not None for c in cpu):
            self.cpu.append((at, sum(c for c in cpu if c is not None)))
        return total

    def report(self, warmup_s: float) -> dict[str, object]:
        """Start, after warm-up, end and peak RSS in MB, and growth after the warm-up in percent."""
        if not self.samples:
            return {"local": self.local, "pids": self.pids}
        after = [rss for at, rss in self.samples if at >= warmup_s] or [self.samples[-1][1]]
        base, end = after[0], after[-1]
        mb = 1024 * 1024
        return {"local": True, "pids": self.pids, "host": socket.gethostname(),
                "rss_start_mb": round(self.samples[0][1] / mb, 1), "rss_after_warmup_mb": round(base / mb, 1),
                "rss_end_mb": round(end / mb, 1), "rss_max_mb": round(max(r for _, r in self.samples) / mb, 1),
                "rss_growth_pct": round((end - base) / base * 100, 2), "samples": len(self.samples),
                "rss_trend_mb": [round(after[min(len(after) - 1, i * len(after) // 10)] / mb, 1) for i in range(11)],
                "cpu_pct_of_one_core": self._cpu_pct(warmup_s)}

    def _cpu_pct(self, warmup_s: float) -> float | None:
        after = [(at, c) for at, c in self.cpu if at >= warmup_s]
        if len(after) < 2 or after[-1][0] <= after[0][0]:
            return None
        return round((after[-1][1] - after[0][1]) / (after[-1][0] - after[0][0]) * 100, 1)
