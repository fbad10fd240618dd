"""``main.py hall-server`` and ``main.py hall admin …`` handlers."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

    from config import Settings

log = logging.getLogger(__name__)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT; uvicorn drains open requests, then we exit 0."""
    import uvicorn

    from hall.server.app import create_app

    db_url = args.db or settings.server.db
    host = args.host or settings.server.host
    port = args.port or settings.server.port
    app = create_app(db_url=db_url)
    log.info("hall server listening on http://%s:%s (dashboard at /dashboard)", host, port)
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                            timeout_graceful_shutdown=10)
    _run_draining(config)
    return 0


def _run_draining(config: uvicorn.Config) -> None:
    """Run uvicorn, stopping on SIGTERM/SIGINT after draining.

    uvicorn re-raises the signal after a graceful shutdown (exit status -15); a hall server that
    drained cleanly must exit 0 so systemd and the tests see a clean stop.
    """
    import contextlib
    import signal

    import uvicorn

    class DrainingServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[no-untyped-def]
            def stop(signum: int, frame: object) -> None:
                self.should_exit = True

            previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    DrainingServer(config).run()


def admin(args: argparse.Namespace, settings: Settings) -> int:
    print(f"hall admin {args.admin_command}: not available in this build yet", file=sys.stderr)
    return 1
