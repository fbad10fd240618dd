"""Outside demo mode the connectors' stand-ins (log, file, twin) are refused — the server exits 2 with
one line naming the key — unless a test bench sets ``connectors.allow_twins``; real drivers and
``none`` pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.server.connectors.registry import Choice, ConnectorRefused, refuse_twins
from tests.rigs.hall_server import run_main
from tests.rigs.waiting import budget

REAL = {"sms": Choice("smpp"), "wechat": Choice("none"), "elicense": Choice("http"), "platform": Choice("http")}


@pytest.mark.parametrize(("kind", "stand_in"), [("sms", "log"), ("wechat", "log"), ("elicense", "file"),
                                                ("sms", "twin"), ("elicense", "twin"), ("platform", "log"),
                                                ("platform", "twin")])
def test_each_stand_in_is_refused_naming_its_key(kind: str, stand_in: str) -> None:
    with pytest.raises(ConnectorRefused) as info:
        refuse_twins({**REAL, kind: Choice(stand_in)}, demo_mode=False, allow_twins=False)
    assert f"connectors.{kind}.driver" in str(info.value) and "connectors.allow_twins" in str(info.value)
    refuse_twins({**REAL, kind: Choice(stand_in)}, demo_mode=False, allow_twins=True)
    refuse_twins({**REAL, kind: Choice(stand_in)}, demo_mode=True, allow_twins=False)


def test_real_drivers_and_none_pass() -> None:
    refuse_twins(REAL, demo_mode=False, allow_twins=False)


def test_a_kind_left_out_is_its_default_stand_in() -> None:
    with pytest.raises(ConnectorRefused, match=r"connectors\.sms\.driver"):
        refuse_twins({}, demo_mode=False, allow_twins=False)


def test_the_server_exits_2_naming_the_key(tmp_path: Path) -> None:
    done = run_main("--set", "server.demo_mode=false", "--set", 'kiosk.technician_pin="93572468"',
                    "--set", f"server.data_dir={tmp_path / 'd'}", "--set", 'connectors.sms.driver="smpp"',
                    "--set", 'connectors.wechat.driver="none"', "--set", 'connectors.platform.driver="none"',
                    "hall-server", "--db", f"sqlite:///{tmp_path / 'h.db'}", "--port", "1", timeout=budget(60))
    assert done.returncode == 2, done.stderr
    assert "connectors.elicense.driver" in done.stderr and "'file'" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
