"""Every program explains itself with --help."""

from __future__ import annotations

import pytest

from tests.rigs.hall_server import run_main

COMMANDS = [[], ["hall-server"], ["hall", "admin"], ["kiosk"], ["devices"], ["devices", "read"], ["demo"],
            ["counter"], ["evaluator"], ["display"], ["cache"], ["loadgen"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_help_explains_the_command(command: list[str]) -> None:
    result = run_main(*command, "--help", timeout=30)
    assert result.returncode == 0, result.stderr
    assert "usage: main.py" in result.stdout
    assert "--config" in result.stdout or not command


def test_devices_list_prints_the_registry_as_json() -> None:
    import json

    result = run_main("devices", "list")
    assert result.returncode == 0, result.stderr
    table = json.loads(result.stdout)
    assert table["id_card"]["drivers"]["ga467"].startswith("devices.id_card.")
    assert table["id_card"]["configured"] == "ga467-emulator"
    assert set(table) == {"id_card", "ss_card", "camera", "code_scanner", "doc_camera", "printer", "voice",
                          "face_verifier"}
