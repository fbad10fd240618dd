"""A help call made while the hall server is unreachable waits in the real outbox, and the kiosk's
adapter reports it as queued (False) so the citizen is not told that staff are coming; online it is True."""

from __future__ import annotations

from pathlib import Path

from kiosk.adapters.terminal import TerminalAdapter
from offline_cache.factory import open_terminal
from tests.integration.offline_faults import terminal_settings
from tests.rigs import free_port
from tests.rigs.hall_server import HallServer


def test_offline_help_call_is_queued(tmp_path: Path) -> None:
    settings = terminal_settings(tmp_path, f"http://127.0.0.1:{free_port()}", "no-server-here")
    terminal = open_terminal(settings)
    try:
        delivered = TerminalAdapter(terminal, terminal_id="K1").help_call(reason="help")
        assert delivered is False
    finally:
        terminal.close()


def test_online_help_call_is_delivered(tmp_path: Path, hall_server: HallServer) -> None:
    settings = terminal_settings(tmp_path, hall_server.url, hall_server.tokens["terminal"])
    terminal = open_terminal(settings)
    try:
        assert TerminalAdapter(terminal, terminal_id="K1").help_call(reason="help") is True
    finally:
        terminal.close()
