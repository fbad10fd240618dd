"""docs/deploy.md "From zero to a live hall" is executable (issue 16 item 7): its ``sh`` blocks run, in
order, as one bash script in a scratch directory — server key and settings, database, catalogue and
holidays imported, staff tokens, the server started, lines and windows configured, terminals' tokens,
and a first ticket followed by SMS reaching the (twin) SMPP gateway when window 1 calls it.

Substitutions, and only these: ``/opt/hall`` is this checkout (its python the test's own), ``/etc/hall``
and ``/var/lib/hall`` move into the scratch directory, the ports 8700 and 2775 become free ones.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.rigs import free_port
from tests.rigs.waiting import budget

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"


def walk_blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## From zero to a live hall", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```", section, re.M | re.S)


def script(root: Path, http: int, smpp: int) -> str:
    body = "\n".join(walk_blocks())
    body = body.replace("/opt/hall/.venv/bin/python", sys.executable).replace("/opt/hall", str(ROOT))
    body = body.replace("/etc/hall", str(root / "etc/hall")).replace("/var/lib/hall", str(root / "var/lib/hall"))
    body = body.replace("8700", str(http)).replace("2775", str(smpp))
    return "set -euo pipefail\n" + body


def _stop(pidfile: Path) -> None:
    if pidfile.exists():
        pid = int(pidfile.read_text().strip())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(int(budget(20) * 10)):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            subprocess.run(["sleep", "0.1"], check=False)  # waiting on a process we cannot wait() for
        os.kill(pid, signal.SIGKILL)


def _processes_with(text: str) -> list[int]:
    """Live processes whose command line contains ``text``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and text in (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    errors="replace"):
                found.append(int(proc.name))
        except OSError:
            continue  # gone meanwhile
    return found


def test_the_walk_from_zero_to_a_live_hall_runs(tmp_path: Path) -> None:
    assert len(walk_blocks()) >= 6
    text = script(tmp_path, free_port(), free_port())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HALL_SERVER_KEY", None)
    var = tmp_path / "var/lib/hall"
    try:
        done = subprocess.run(["bash", "-c", text], capture_output=True, text=True, cwd=tmp_path, env=env,
                              timeout=budget(180), check=False)
    finally:
        _stop(var / "server.pid")
        _stop(var / "smsc.pid")
    log = (var / "server.log").read_text(errors="replace") if (var / "server.log").exists() else ""
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}\n{log[-3000:]}"
    # `kill $(cat server.pid)` (the walk's own way to end the rehearsal) leaves no server behind
    assert not _processes_with(str(tmp_path / "etc/hall/server.toml"))
    assert '"status":"ok"' in done.stdout.replace(" ", "")
    assert "请 H001 号到 1 号窗口办理" in (var / "smsc.log").read_text()
    assert "13800138000" not in log  # the recipient never reaches the server's log
    assert oct((tmp_path / "etc/hall/server.env").stat().st_mode & 0o777) == "0o600"
