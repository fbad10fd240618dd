"""``python main.py demo`` (what ``make run`` starts) opens the device panel and stops on Ctrl+C with
everything it started — the kiosk, its devices (the demo's pcscd among them) and the hall server —
and exits 0 (issue 14.11). A real process, offscreen Qt."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.rigs import free_port
from tests.rigs.waiting import budget, wait_until

ROOT = Path(__file__).resolve().parents[2]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` now (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_the_demo_and_everything_it_started(tmp_path: Path) -> None:
    sets = [f"server.port={free_port()}", f'server.db="sqlite:///{tmp_path / "hall.db"}"',
            f'server.data_dir="{tmp_path / "data"}"', f'cache.db_path="{tmp_path / "outbox.db"}"',
            f'cache.attachments_dir="{tmp_path / "files"}"', f'cache.key_file="{tmp_path / "outbox.key"}"']
    args = [sys.executable, "main.py", "demo", *(a for s in sets for a in ("--set", s))]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        wait_until(lambda: any(line.startswith("device panel:") for line in lines), timeout_s=60,
                   what="the demo's device panel")
        if shutil.which("pcscd"):  # the social-security card twin runs its own pcscd: it must go too
            wait_until(lambda: any(name(p) == "pcscd" for p in descendants(proc.pid)), timeout_s=30,
                       what="the demo's pcscd")
        started = descendants(proc.pid)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=budget(30)) == 0, "".join(lines[-20:])
        wait_until(lambda: not any(alive(p) for p in started), timeout_s=10, what="the demo's children to end")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
