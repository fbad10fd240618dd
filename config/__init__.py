"""Suite settings: TOML file + ``--set a.b.c=value`` overrides, validated once at start-up.

The names below load on first use (PEP 562), so ``import config.privacy`` stays stdlib-only:
``devices`` imports it, and the settings tree imports ``devices`` (and pydantic).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.loader import ConfigError, load_settings
    from config.settings import Settings

__all__ = ["ConfigError", "Settings", "load_settings"]

_LAZY = {"ConfigError": "config.loader", "load_settings": "config.loader", "Settings": "config.settings"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
