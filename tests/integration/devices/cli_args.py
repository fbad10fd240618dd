"""Command-line pieces shared by the device CLI tests."""

from __future__ import annotations

from devices import registry


def only_device(kind: str, *sets: str) -> list[str]:
    """``--set`` arguments that switch every device but ``kind`` off, plus ``sets`` (KEY=VALUE)."""
    args: list[str] = []
    for other in registry.KINDS:
        if other != kind:
            args += ["--set", f"devices.{other}.enabled=false"]
    for item in sets:
        args += ["--set", item]
    return args
