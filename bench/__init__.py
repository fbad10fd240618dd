"""Repeatable benchmarks: ``python -m bench NAME [options]`` prints one JSON object.

Each benchmark is a module ``bench/<name>.py`` with a one-line docstring and
``main(argv: list[str]) -> dict[str, object]``. Keys are flat and carry a unit suffix
(``_s``, ``_ms``, ``_mb``, ``per_s``, ``fps``); the keys an issue names are contracts.
"""
