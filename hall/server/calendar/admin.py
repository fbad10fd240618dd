"""``hall admin import-holidays FILE``: a year's 法定节假日 and 调休 from a CSV file (docs/catalogue.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hall.server.calendar.service import store
from hall.server.core.db import Database
from hall.server.domain.errors import DomainError
from hall.server.domain.holidays import parse_holiday_csv

MAX_BYTES = 256 * 1024


def run_import(db: Database, args: argparse.Namespace) -> int:
    from hall.server.migrate import upgrade

    path = Path(args.path)
    try:
        if path.stat().st_size > MAX_BYTES:
            print(f"import-holidays: {path}: 文件过大 / the file is larger than {MAX_BYTES // 1024} KB",
                  file=sys.stderr)
            return 2
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        print(f"import-holidays: {path}: 无法读取 / cannot read it ({exc.strerror})", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"import-holidays: {path}: 不是 UTF-8 文本 / not UTF-8 text (save it as CSV UTF-8)", file=sys.stderr)
        return 2
    try:
        days = parse_holiday_csv(text)
    except DomainError as exc:
        print(f"import-holidays: {path}: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    upgrade(db.engine)
    years = store(db, days)
    off = sum(1 for d in days if not d.working)
    print(f"holidays: {off} days off, {len(days) - off} make-up working days for {', '.join(map(str, years)) or '-'}")
    return 0
