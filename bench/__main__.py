"""``python -m bench NAME [options]`` / ``python -m bench list``."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path

import bench


def _names() -> list[str]:
    here = str(Path(bench.__file__).parent)
    return sorted(m.name for m in pkgutil.iter_modules([here]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m bench NAME [options] | python -m bench list", file=sys.stderr)
        return 2
    name, rest = argv[0], argv[1:]
    if name == "list":
        listing = {n: (importlib.import_module(f"bench.{n}").__doc__ or "").strip().splitlines()[0]
                   for n in _names()}
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return 0
    if name not in _names():
        print(f"unknown benchmark {name!r}; expected one of {', '.join(_names())}", file=sys.stderr)
        return 2
    result = importlib.import_module(f"bench.{name}").main(rest)
    print(json.dumps({"benchmark": name, **result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
