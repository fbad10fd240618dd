"""Hostile config files: random TOML (real keys with wrong values, unknown keys, odd types, broken
syntax) and random ``--set`` overrides give either valid Settings or one ConfigError line naming the
key — never another exception and never a multi-line message (technicians read it on a console)."""

from __future__ import annotations

import json
import math
from datetime import date, time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from config import ConfigError, Settings, load_settings


def _leaf_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.extend(_leaf_paths(ann, (*prefix, name)))
        else:
            out.append((*prefix, name))
    return out


LEAVES = _leaf_paths(Settings)
DRIVERS = ["ga467-emulator", "ga467", "pcsc", "pcsc-emulator", "capture", "file", "simulated", "wav", "espeak",
           "usb", "network", "nope", ""]


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # JSON escapes are TOML basic-string escapes (mostly)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int | date | time):
        return v.isoformat() if isinstance(v, date | time) else str(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_str(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


scalars = st.one_of(
    st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=True), st.text(max_size=30),
    st.sampled_from(DRIVERS), st.dates(), st.datetimes(), st.times(),
    st.sampled_from(["/dev/ttyUSB0", "socket://127.0.0.1:1", "spy:///dev/null", "loop://", "../../etc/passwd",
                     "http://x", "https://", "sqlite:///:memory:", "246810", "x" * 5000]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) |
                      st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
keys = st.one_of(st.sampled_from(LEAVES), st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=3)
                 .map(tuple))
documents = st.dictionaries(keys, values, max_size=8)


def _render(doc: dict[tuple[str, ...], Any]) -> str:
    tables: dict[tuple[str, ...], list[str]] = {}
    for path, value in doc.items():
        tables.setdefault(path[:-1], []).append(f"{_toml_str(path[-1])} = {_toml_value(value)}")
    lines: list[str] = []
    for table, rows in tables.items():
        if table:
            lines.append("[" + ".".join(_toml_str(p) for p in table) + "]")
        lines.extend(rows)
    return "\n".join(lines) + "\n"


def _check(call: Any) -> None:
    try:
        result = call()
    except ConfigError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message, message
        assert exc.code == "config.invalid"
        return
    assert isinstance(result, Settings)


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


@FUZZ
@given(documents)
def test_random_toml_documents(tmp_path: Path, doc: dict[tuple[str, ...], Any]) -> None:
    path = tmp_path / "hall.toml"
    try:
        path.write_text(_render(doc), encoding="utf-8", errors="surrogatepass")
    except (UnicodeEncodeError, ValueError):
        return
    _check(lambda: load_settings(path))


@FUZZ
@given(st.binary(max_size=400), st.binary(max_size=60))
def test_random_bytes_and_broken_syntax(tmp_path: Path, noise: bytes, tail: bytes) -> None:
    path = tmp_path / "hall.toml"
    path.write_bytes(noise)
    _check(lambda: load_settings(path))
    path.write_bytes((Path(__file__).parents[2] / "config" / "default.toml").read_bytes() + tail)
    _check(lambda: load_settings(path))


@FUZZ
@given(st.lists(st.one_of(
    st.builds(lambda k, v: ".".join(k) + "=" + v, st.sampled_from(LEAVES), st.text(max_size=20)),
    st.builds(lambda k, v: ".".join(k) + "=" + _toml_value(v), st.sampled_from(LEAVES), values),
    st.text(max_size=30)), max_size=4))
def test_random_set_overrides(overrides: list[str]) -> None:
    _check(lambda: load_settings(None, overrides))


def test_file_that_is_a_directory_or_missing(tmp_path: Path) -> None:
    _check(lambda: load_settings(tmp_path))
    _check(lambda: load_settings(tmp_path / "missing.toml"))
    (tmp_path / "deep.toml").write_text("a = " + "[" * 3000 + "]" * 3000 + "\n")
    _check(lambda: load_settings(tmp_path / "deep.toml"))
    _check(lambda: load_settings(None, ["kiosk.language=" + "[" * 3000 + "]" * 3000]))
    _check(lambda: load_settings(None, ["a\nb.c=1", "hall.name_zh=\u202e<script>"]))
    (tmp_path / "dt.toml").write_text("[server]\nport = 1979-05-27T07:32:00Z\n")
    _check(lambda: load_settings(tmp_path / "dt.toml"))
