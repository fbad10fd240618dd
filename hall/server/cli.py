"""``main.py hall-server`` and ``main.py hall admin …`` handlers."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    uvicorn.Server(config).run()
    return 0


def admin(args: argparse.Namespace, settings: Settings) -> int:
    print(f"hall admin {args.admin_command}: not available in this build yet", file=sys.stderr)
    return 1
