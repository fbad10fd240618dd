"""The field guide is executable (issue 17 item 9): its install commands run, in order, in a scratch root.

Every ```sh block of docs/field-guide.md is a command a technician types as root on the terminal. Here
paths below /etc, /var, /usr/local and /opt/hall are moved into a scratch root (the suite is this
checkout), `sudo -u kiosk` is dropped, and the commands run for real — install.sh with `--root`, `cp`,
`hall …` through the installed /usr/local/bin/hall. The two that change the machine itself are
checked instead: `apt-get install` is resolved by apt (`-s`, nothing installed) and must name every
package the deploy scripts and the guide rely on; `timedatectl set-timezone` must name an installed zone,
the one the settings use. A new kind of command in the guide fails this test until it is handled here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.rigs import rig_missing
from tests.rigs.waiting import budget

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "field-guide.md"
EXAMPLE = ROOT / "config" / "production.example.toml"

# What the terminal runs or the guide tells the technician to run, by the Debian package that has it.
NEEDED_PACKAGES = {
    "xinit": "xinit (the session)", "xserver-xorg": "X", "xserver-xorg-legacy": "X started by the kiosk user",
    "x11-xserver-utils": "xset in kiosk-session", "x11-xkb-utils": "setxkbmap in kiosk-session",
    "xdotool": "the watchdog's window check", "unclutter": "hides a service mouse", "python3": "the watchdog",
    "logrotate": "log rotation", "rsync": "§6 carrying files", "curl": "§7 server check", "tzdata": "time zone",
    "pcscd": "PC/SC daemon", "pcsc-tools": "pcsc_scan lists reader names (§4)", "fonts-noto-cjk": "Chinese",
    "espeak-ng": "voice", "libzbar0": "scanner", "python3-venv": "make venv", "gcc": "pyscard build",
    "swig": "pyscard build", "libpcsclite-dev": "pyscard build",
}


def guide_blocks(lang: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return [textwrap_dedent(b) for b in re.findall(rf"^[ \t]*```{lang}\n(.*?)^[ \t]*```", text, re.M | re.S)]


def textwrap_dedent(block: str) -> str:
    lines = block.splitlines()
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


def commands() -> list[str]:
    """The guide's shell commands in order, continuation lines joined."""
    out: list[str] = []
    for block in guide_blocks("sh"):
        out += [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]
    return out


def substitute(text: str, root: Path) -> str:
    text = text.replace("/opt/hall", str(ROOT))
    return re.sub(r"(?<![\w./-])/(etc|var|usr/local)/", lambda m: f"{root}/{m.group(1)}/", text)


def apply_edits(config: Path, snippet: str) -> None:
    """Edit ``config`` as the technician does: each key of the snippet replaces the line of that key in
    its table, or is added right under the table's header."""
    wanted: dict[tuple[str, str], str] = {}
    table = ""
    for line in snippet.splitlines():
        if m := re.match(r"\[([\w.]+)\]", line.strip()):
            table = m.group(1)
        elif m := re.match(r"(\w+)\s*=", line.strip()):
            wanted[(table, m.group(1))] = line.strip()
    lines, table = config.read_text(encoding="utf-8").splitlines(), ""
    headers: dict[str, int] = {}
    for i, line in enumerate(lines):
        if m := re.match(r"\[([\w.]+)\]", line.strip()):
            table = m.group(1)
            headers[table] = i
        elif (m := re.match(r"(\w+)\s*=", line.strip())) and (table, m.group(1)) in wanted:
            lines[i] = wanted.pop((table, m.group(1)))
    missing_tables = {t for t, _ in wanted if t not in headers}
    assert not missing_tables, f"the guide edits tables the example does not have: {missing_tables}"
    for (t, _), line in sorted(wanted.items(), key=lambda kv: -headers[kv[0][0]]):
        lines.insert(headers[t] + 1, line)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_marked_keys() -> set[tuple[str, str]]:
    """(table, key) of every line of the production example marked EDIT."""
    marked, table = set(), ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"\[([\w.]+)\]", line.strip()):
            table = m.group(1)
        elif (m := re.match(r"(\w+)\s*=", line.strip())) and "# EDIT" in line:
            marked.add((table, m.group(1)))
    return marked


def snippet_keys(snippet: str) -> set[tuple[str, str]]:
    return {(t, k) for t, values in tomllib.loads(snippet).items() for k in values}


def check_packages(command: str) -> None:
    words = shlex.split(command)
    packages = [w for w in words[2:] if not w.startswith("-")]
    assert set(NEEDED_PACKAGES) <= set(packages), sorted(set(NEEDED_PACKAGES) - set(packages))
    apt = shutil.which("apt-get")
    if apt is None or not any(Path("/var/lib/apt/lists").glob("*Packages*")):
        rig_missing("apt-get with package lists (apt-get update) to resolve the guide's package list")
    sim = subprocess.run([apt, "install", "-s", "--no-install-recommends", *packages], capture_output=True,
                         text=True, timeout=budget(300), check=False)
    assert sim.returncode == 0, sim.stderr[-2000:]


def check_timezone(command: str, snippet: str) -> None:
    zone = shlex.split(command)[-1]
    if not Path("/usr/share/zoneinfo/UTC").exists():
        rig_missing("tzdata (/usr/share/zoneinfo)")
    assert (Path("/usr/share/zoneinfo") / zone).is_file(), zone
    assert tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["hall"]["timezone"] == zone
    assert tomllib.loads(snippet)["hall"]["timezone"] == zone


def test_the_settings_snippet_covers_every_line_marked_edit() -> None:
    """Outside the devices (whose lines are §3's table) every line marked EDIT is in §1's snippet."""
    snippet = guide_blocks("toml")[0]
    marked = edit_marked_keys()
    general = {(t, k) for t, k in marked if not t.startswith("devices.")}
    assert general <= snippet_keys(snippet), sorted(general - snippet_keys(snippet))
    assert ("hall", "name_en") in snippet_keys(snippet)
    swaps = GUIDE.read_text(encoding="utf-8").split("## 3.")[1].split("## 4.")[0]
    for table, key in marked - general:
        assert f"`[{table}]`" in swaps and f"`{key} = " in swaps, (table, key)


def test_install_commands_run_in_a_scratch_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    snippet = guide_blocks("toml")[0]
    env = {**os.environ, "HALL_HOME": str(ROOT), "HALL_PYTHON": sys.executable,
           "HALL_CONFIG": str(root / "etc/hall/terminal.toml"), "PYTHONPATH": str(ROOT),
           "PATH": f"{root}/usr/local/bin:{os.environ['PATH']}"}
    ran: list[str] = []
    for command in commands():
        command = command.removeprefix("sudo -u kiosk ")  # as root here: the scratch root is ours
        head = command.split()[0]
        if head == "apt-get":
            check_packages(command)
        elif head == "timedatectl":
            check_timezone(command, snippet)
        else:
            line = substitute(command, root)
            if line.endswith("/deploy/kiosk/install.sh"):
                line += f" --root {root}"  # without it the script also makes users and enables units
            assert head in {"cp", "hall"} or "install.sh" in head, f"the test does not know how to run: {command}"
            done = subprocess.run(["bash", "-c", line], env=env, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=budget(120), check=False)
            assert done.returncode == 0, (command, done.stdout[-1500:], done.stderr[-1500:])
            if "terminal.toml" in line and head == "cp":
                apply_edits(root / "etc/hall/terminal.toml", substitute(snippet, root))
        ran.append(head)
    assert ran == ["timedatectl", "apt-get", "/opt/hall/deploy/kiosk/install.sh", "cp", "hall", "hall"], ran
    assert (root / "usr/local/bin/hall").is_file() and (root / "var/lib/hall/outbox.db").is_file()
    settings = tomllib.loads((root / "etc/hall/terminal.toml").read_text(encoding="utf-8"))
    assert settings["hall"]["name_en"] and settings["cache"]["db_path"].startswith(str(root))
    assert settings["server"]["demo_mode"] is False


def test_the_hall_command_uses_the_terminal_settings(tmp_path: Path) -> None:
    """/usr/local/bin/hall runs the suite with /etc/hall/terminal.toml: a bad value there is refused,
    naming the key, with exit status 2."""
    subprocess.run(["bash", str(ROOT / "deploy/kiosk/install.sh"), "--root", str(tmp_path)], check=True,
                   capture_output=True, timeout=budget(60))
    config = tmp_path / "terminal.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace("baudrate = 115200", "baudrate = 12"),
                      encoding="utf-8")
    env = {**os.environ, "HALL_HOME": str(ROOT), "HALL_PYTHON": sys.executable, "HALL_CONFIG": str(config)}
    done = subprocess.run([str(tmp_path / "usr/local/bin/hall"), "devices", "list"], env=env, capture_output=True,
                          text=True, timeout=budget(120), check=False)
    assert done.returncode == 2 and "devices.id_card.baudrate" in done.stderr, done.stderr
