"""Catalogue files: an ``.xlsx`` workbook (sheets 事项 and 材料, and optionally 表单), a ``.json`` file (an item
may carry its ``form``), or a folder holding 事项.csv and 材料.csv (and optionally 表单.csv; UTF-8, a BOM
allowed) — read into :class:`~hall.server.catalogue.sheet.Table`\\ s and written back from rows. Files only:
no SQL, no HTTP; every unreadable file is a :class:`CatalogueFile`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from hall.server.catalogue.errors import CatalogueCell, CatalogueFile, CatalogueRejected
from hall.server.catalogue.sheet import COLUMNS, FORM_COLUMNS, FORM_JSON_KEY, FORMS_TABLE, ITEMS, MATERIALS, Table
from hall.server.domain.errors import DomainError

Format = Literal["xlsx", "json", "csv"]
MAX_BYTES = 50 * 1024 * 1024
CSV_NAMES = {ITEMS: f"{ITEMS}.csv", MATERIALS: f"{MATERIALS}.csv"}
FORMS_CSV = f"{FORMS_TABLE}.csv"  # optional: items without a row ask the standard form


def format_of(path: Path) -> Format:
    """By the name: ``.xlsx``, ``.json``, else a folder of CSV files. Raises CatalogueFile."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".json"):
        return "xlsx" if suffix == ".xlsx" else "json"
    if suffix in ("", ".csv") or path.is_dir():
        return "csv"
    raise CatalogueFile.of("unknown_format", file=path.name)


def read(path: Path) -> tuple[Table, Table, Table]:
    """The 事项, 材料 and 表单 tables of ``path`` (表单 without rows when the file has none). Raises
    CatalogueFile or CatalogueRejected (cells of a row that has more cells than the header, JSON rows with
    unknown or missing keys)."""
    fmt = format_of(path)
    problems: list[DomainError] = []
    if fmt == "csv":
        items = _read_csv(path / CSV_NAMES[ITEMS], problems)
        materials = _read_csv(path / CSV_NAMES[MATERIALS], problems)
        forms = _read_csv(path / FORMS_CSV, problems) if (path / FORMS_CSV).is_file() else _no_forms(FORMS_CSV)
    else:
        data = _bytes(path)
        items, materials, forms = (_read_json if fmt == "json" else _read_xlsx)(data, path.name, problems)
    if problems:
        raise CatalogueRejected(problems[:50], more=max(0, len(problems) - 50))
    return items, materials, forms


def _no_forms(where: str) -> Table:
    return Table(where=where, columns=FORM_COLUMNS, rows=[])


def _bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CatalogueFile.of("too_large", file=path.name, max_mb=MAX_BYTES // 2**20)
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as e:
        raise CatalogueFile.of("missing_file", file=path.name) from e


def _table(where: str, header: Sequence[Any], records: Sequence[tuple[int, Sequence[Any]]],
           problems: list[DomainError]) -> Table:
    columns = [str(c).strip() if c is not None else "" for c in header]
    while columns and not columns[-1]:
        columns.pop()
    rows: list[tuple[int, dict[str, Any]]] = []
    for row, cells in records:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # blank lines, and the empty rows a spreadsheet keeps below its data
        extra = [i for i, c in enumerate(cells) if i >= len(columns) and c not in (None, "")]
        if extra:
            problems.append(CatalogueCell.of("unknown_column", file=where, row=row, column=f"#{extra[0] + 1}"))
        rows.append((row, {col: cells[i] if i < len(cells) else None for i, col in enumerate(columns) if col}))
    return Table(where=where, columns=tuple(columns), rows=rows)


def _read_csv(path: Path, problems: list[DomainError]) -> Table:
    try:
        text = _bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CatalogueFile.of("not_utf8", file=path.name) from e
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise CatalogueFile.of("bad_csv", file=path.name) from e
    if not lines:
        raise CatalogueCell.of("missing_column", file=path.name, row=1, column=COLUMNS[_kind(path)][0][0])
    return _table(path.name, lines[0], [(n, cells) for n, cells in enumerate(lines[1:], start=2)], problems)


def _kind(path: Path) -> str:
    return {CSV_NAMES[MATERIALS]: MATERIALS, FORMS_CSV: FORMS_TABLE}.get(path.name, ITEMS)


def _read_xlsx(data: bytes, name: str, problems: list[DomainError]) -> tuple[Table, Table, Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError) as e:
        raise CatalogueFile.of("bad_xlsx", file=name) from e
    try:
        tables = []
        for kind in (ITEMS, MATERIALS, FORMS_TABLE):
            if kind == FORMS_TABLE and kind not in book.sheetnames:
                tables.append(_no_forms(f"{name} [{kind}]"))
                continue
            if kind not in book.sheetnames:
                raise CatalogueFile.of("missing_sheet", file=name, sheet=kind)
            rows = list(book[kind].iter_rows(values_only=True))
            header = rows[0] if rows else ()
            tables.append(_table(f"{name} [{kind}]", header, list(enumerate(rows[1:], start=2)), problems))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as e:
        raise CatalogueFile.of("bad_xlsx", file=name) from e
    finally:
        book.close()
    return tables[0], tables[1], tables[2]


def _read_json(data: bytes, name: str, problems: list[DomainError]) -> tuple[Table, Table, Table]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise CatalogueFile.of("not_utf8", file=name) from e
    except json.JSONDecodeError as e:
        raise CatalogueFile.of("bad_json", file=name, line=e.lineno) from e
    if not isinstance(doc, dict) or not isinstance(doc.get(ITEMS), list) \
            or not isinstance(doc.get(MATERIALS, []), list) or set(doc) - {ITEMS, MATERIALS}:
        raise CatalogueFile.of("json_shape", file=name)
    # An item's "form" (its definition as an object) becomes a row of the 表单 table, named by the item's row.
    forms = [(n, {"实施编码": obj.get("实施编码"), FORM_JSON_KEY: obj[FORM_JSON_KEY]})
             for n, obj in enumerate(doc[ITEMS], start=1) if isinstance(obj, dict) and FORM_JSON_KEY in obj]
    items = [{k: v for k, v in obj.items() if k != FORM_JSON_KEY} if isinstance(obj, dict) else obj
             for obj in doc[ITEMS]]
    return (_json_table(items, f"{name} {ITEMS}", ITEMS, problems),
            _json_table(doc.get(MATERIALS, []), f"{name} {MATERIALS}", MATERIALS, problems),
            Table(where=f"{name} {ITEMS}", columns=("实施编码", FORM_JSON_KEY), rows=forms))


def _json_table(objects: list[Any], where: str, kind: str, problems: list[DomainError]) -> Table:
    """Rows count from 1 (the first object); every object names the required columns, maybe empty."""
    required, extra = COLUMNS[kind]
    rows: list[tuple[int, dict[str, Any]]] = []
    for n, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            raise CatalogueFile.of("json_shape", file=where)
        problems += [CatalogueCell.of("unknown_column", file=where, row=n, column=str(k)[:32])
                     for k in obj if k not in required and k not in extra]
        problems += [CatalogueCell.of("missing_column", file=where, row=n, column=k) for k in required if k not in obj]
        rows.append((n, dict(obj)))
    return Table(where=where, columns=required + tuple(c for c in extra if any(c in o for _, o in rows)), rows=rows)


def write(path: Path, items: list[dict[str, Any]], materials: list[dict[str, Any]], *,
          forms: list[dict[str, Any]] | None = None, fmt: Format | None = None) -> Path:
    """Write the rows in ``path``'s format (every column, the national ones first); answers what was written.
    ``forms``: ``{"实施编码", "表单定义"}`` rows with the definition as an object (JSON text in a cell, the
    item's ``form`` in a .json file); the 表单 table is always written, so no stale one stays behind."""
    fmt = fmt or format_of(path)
    by_code = {f["实施编码"]: f["表单定义"] for f in forms or []}
    if fmt == "json":
        rows = [{**r, FORM_JSON_KEY: by_code[r["实施编码"]]} if r["实施编码"] in by_code else r for r in items]
        path.write_text(json.dumps({ITEMS: rows, MATERIALS: materials}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        return path
    texts = [{"实施编码": code, "表单定义": json.dumps(form, ensure_ascii=False, separators=(",", ":"))}
             for code, form in by_code.items()]
    tables = {ITEMS: items, MATERIALS: materials, FORMS_TABLE: texts}
    if fmt == "xlsx":
        _write_xlsx(path, tables)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for kind, rows in tables.items():
            columns = COLUMNS[kind][0] + COLUMNS[kind][1]
            # A BOM, so that spreadsheet programs open the Chinese text as UTF-8.
            with (path / CSV_NAMES.get(kind, FORMS_CSV)).open("w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow(columns)
                out.writerows([r[c] for c in columns] for r in rows)
    return path


def _write_xlsx(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for first in list(book.worksheets):  # a new workbook comes with one empty sheet
        book.remove(first)
    for kind, rows in tables.items():
        sheet = book.create_sheet(kind)
        columns = COLUMNS[kind][0] + COLUMNS[kind][1]
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in rows:
            sheet.append([r[c] for c in columns])
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula stays text, never runs
        sheet.freeze_panes = "A2"
    book.save(path)
