"""``python main.py devices …``: list, diagnose and exercise the terminal's devices. JSON on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from devices import registry

if TYPE_CHECKING:
    from config import Settings


def _emit(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def main(args: argparse.Namespace, settings: Settings) -> int:
    action = args.devices_command
    if action == "list":
        return _list(settings)
    print(json.dumps({"error": {"code": "not_available", "message": f"devices {action}: not in this build"}}),
          file=sys.stderr)
    return 1


def _list(settings: Settings) -> int:
    table = {
        kind: {
            "configured": getattr(settings.devices, kind).driver,
            "enabled": getattr(settings.devices, kind).enabled,
            "drivers": drivers,
        }
        for kind, drivers in registry.all_drivers().items()
    }
    _emit(table)
    return 0
