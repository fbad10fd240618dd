"""``config.privacy`` loads alone, so ``devices`` can mask with it without pulling in the suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WATCHED = ("config", "devices", "hall", "kiosk", "offline_cache", "pydantic")


def modules_after(statement: str) -> list[str]:
    """The suite's and pydantic's modules a fresh interpreter holds after ``statement``."""
    probe = (f"import json, sys\n{statement}\n"
             f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {WATCHED!r})))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    return list(json.loads(done.stdout))


def test_importing_config_privacy_loads_nothing_else() -> None:
    assert modules_after("import config.privacy") == ["config", "config.privacy"]


def test_device_records_and_layouts_reach_only_config_privacy() -> None:
    loaded = modules_after("import devices.id_card.record, devices.ss_card.protocol, devices.printer.layouts")
    outside = [m for m in loaded if not m.startswith("devices")]
    assert outside == ["config", "config.privacy"]


def test_config_names_still_load_on_first_use() -> None:
    import config

    assert config.Settings.__name__ == "Settings" and callable(config.load_settings)
    assert issubclass(config.ConfigError, Exception)
