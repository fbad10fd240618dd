"""``python main.py demo``: the whole hall on one laptop.

An in-process hall server on a SQLite file (schema migrated, demo hall seeded, tokens made once and
kept under ``var/``), then the kiosk with simulated devices talking to it over real HTTP.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import uvicorn

    from config import Settings

log = logging.getLogger(__name__)

# The demo's tokens, bound as in a hall (docs/security.md): name → (role, bound to the kiosk's id?, window).
DEMO_ROLES: dict[str, tuple[str, bool, int | None]] = {
    "kiosk": ("kiosk", True, None), "counter": ("counter", False, 1), "display": ("display", False, None),
    "manager": ("manager", False, None), "admin": ("admin", False, None)}


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    data_dir = Path(settings.server.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    tokens = prepare_hall(settings.server.db, data_dir / "demo-tokens.json", terminal=settings.terminal.id)
    server, thread = start_server_thread(settings)
    base = f"http://{settings.server.host}:{settings.server.port}"
    print(f"hall server: {base}/api/v1/health", flush=True)
    print(f"dashboard:   {base}/dashboard  (manager token: {tokens['manager']})", flush=True)
    print(f"counter:     python main.py counter --window 1 --set counter.token={tokens['counter']}", flush=True)
    print(f"display:     python main.py display --set terminal.token={tokens['display']}", flush=True)
    kiosk_settings = settings.model_copy(update={
        "terminal": settings.terminal.model_copy(update={"token": tokens["kiosk"]}),
        "hall": settings.hall.model_copy(update={"server_url": base}),
    })
    control = DemoServer(settings, server, thread)
    try:
        from kiosk.app import run_kiosk

        return run_kiosk(argparse.Namespace(windowed=True, exit_after_paint=False, screenshot=None),
                         kiosk_settings, on_started=lambda controller: open_panel(controller, control, base, tokens))
    finally:
        control.stop()


class DemoServer:
    """The in-process hall server, stopped and started again from the device panel (issue 14.11)."""

    def __init__(self, settings: Settings, server: uvicorn.Server, thread: threading.Thread) -> None:
        self.settings, self.server, self.thread = settings, server, thread
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        with self._lock:
            self.server.should_exit = True
            self.thread.join(15)

    def start(self) -> None:
        with self._lock:
            if not self.thread.is_alive():
                self.server, self.thread = start_server_thread(self.settings)


def open_panel(controller: Any, server: DemoServer, base: str, tokens: dict[str, str]) -> Callable[[], object]:
    """The device panel beside the kiosk, readers empty so a newcomer presents the first card;
    returns what closes it."""
    from hall.demo_examples import DemoExamples
    from kiosk.demo_panel import DemoPanel

    drivers = controller.services.devices.drivers
    panel = DemoPanel(drivers, run=controller.runner.submit, server=server, base_url=base,
                      examples=DemoExamples(base, tokens))
    empty_readers(controller, drivers)
    panel.resize(420, 640)
    screen = panel.screen().availableGeometry()
    panel.move(screen.right() - 440, screen.top() + 40)
    panel.show()
    print("device panel: the window 'Demo devices' (insert cards, scan codes, paper, stop/start the server)",
          flush=True)
    return panel.close


def empty_readers(controller: Any, drivers: dict[str, Any], *, tries: int = 150) -> None:
    """Once the devices are open (a background job), take the twins' start-up cards off the readers."""
    from PySide6.QtCore import QTimer

    if "id_card" not in drivers and tries > 0:
        QTimer.singleShot(200, lambda: empty_readers(controller, drivers, tries=tries - 1))
        return
    for kind in ("id_card", "ss_card"):
        driver = drivers.get(kind)
        if driver is not None and hasattr(driver, "remove_card"):
            controller.runner.fire(driver.remove_card)


def prepare_hall(db_url: str, token_file: Path, *, terminal: str = "K1") -> dict[str, str]:
    """Migrate and seed the demo database once; make one token per role (the kiosk's bound to
    ``terminal``) and remember them."""
    from hall.server.cli import create_token
    from hall.server.core.db import Database
    from hall.server.migrate import upgrade
    from hall.server.seed import seed_demo

    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db = Database(db_url)
    try:
        upgrade(db.engine)
        tokens: dict[str, str] = {}
        if token_file.exists():
            tokens = json.loads(token_file.read_text(encoding="utf-8"))
        if set(tokens) != set(DEMO_ROLES):
            seed_demo(db)
            tokens = {key: create_token(db, role=role, name=f"demo-{key}-{int(time.time())}",
                                        terminal=terminal if bound else None, window=window)
                      for key, (role, bound, window) in DEMO_ROLES.items()}
            token_file.write_text(json.dumps(tokens), encoding="utf-8")
            token_file.chmod(0o600)
        return tokens
    finally:
        db.dispose()


def start_server_thread(settings: Settings) -> tuple[uvicorn.Server, threading.Thread]:
    """Serve the hall server in a background thread of this process; returns once it is healthy."""
    import uvicorn

    from hall.server.app import create_app
    from hall.server.cli import KEEP_ALIVE_S, options_from

    app = create_app(db_url=settings.server.db, options=options_from(settings))
    config = uvicorn.Config(app, host=settings.server.host, port=settings.server.port, log_config=None,
                            access_log=False, timeout_keep_alive=KEEP_ALIVE_S)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="hall-server", daemon=True)
    thread.start()
    url = f"http://{settings.server.host}:{settings.server.port}/api/v1/health"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=0.5).status_code == 200:
                return server, thread
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"the in-process hall server did not answer at {url}")
