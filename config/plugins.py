"""Plug-ins found through entry points, grouped by kind: device drivers and server connectors alike.

Standard library only, so every package may import it (devices import nothing else of the suite but
the masking module). An entry point is named ``<kind>.<name>`` and points at ``module:Class``.
"""

from __future__ import annotations

from collections.abc import Collection
from importlib.metadata import entry_points


def targets_by_kind(group: str, kinds: Collection[str]) -> dict[str, dict[str, str]]:
    """``{kind: {name: "module:Class"}}`` for the entry points of ``group`` whose kind is known."""
    found: dict[str, dict[str, str]] = {}
    for ep in entry_points(group=group):
        kind, _, name = ep.name.partition(".")
        if kind in kinds and name:
            found.setdefault(kind, {})[name] = ep.value
    return found
