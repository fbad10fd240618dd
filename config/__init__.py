"""Suite settings: TOML file + ``--set a.b.c=value`` overrides, validated once at start-up."""

from config.loader import ConfigError, load_settings
from config.settings import Settings

__all__ = ["ConfigError", "Settings", "load_settings"]
