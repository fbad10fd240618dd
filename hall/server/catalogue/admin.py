"""``hall admin import-catalogue PATH`` and ``export-catalogue PATH``: a hall's own 实施清单 in and out.

A bad file exits 2 and names the file, row and column of every problem found (first 50); nothing of it
is stored. See docs/catalogue.md.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from hall.server.catalogue import records as rows
from hall.server.catalogue import sheet, storage, transfer
from hall.server.catalogue.errors import CatalogueRejected
from hall.server.core.db import Database
from hall.server.domain.errors import DomainError

# The template's one example item (and what docs/catalogue.md shows); a real 实施编码 is longer.
EXAMPLE: dict[str, Any] = {
    "code": "H-001", "name_zh": "不动产登记资料查询", "name_en": "Real-estate register enquiry", "category": "H",
    "department": "区自然资源局", "item_type": "公共服务", "legal_basis": "《不动产登记资料查询暂行办法》",
    "conditions": "不动产权利人、利害关系人可以查询", "legal_days": 1, "promised_days": 0, "fees": "不收费",
    "location": "政务服务中心二楼不动产窗口", "hours": "周一至周五 9:00–12:00，13:30–17:00",
    "consult_phone": "010-12345678", "supervise_phone": "12345", "process": "申请—受理—查询—出具查询结果",
    "result": "不动产登记资料查询结果证明", "online": True, "online_url": "https://zwfw.example.gov.cn/item/H-001",
    "commitment_allowed": False, "materials": [
        {"key": "id_card", "name_zh": "居民身份证", "name_en": "Resident ID card", "form": "original", "copies": 1,
         "waivable": False, "elicense": "id_card", "formats": ["jpg", "png", "pdf"], "note": "查验原件"},
        {"key": "m2", "name_zh": "查询申请书", "name_en": "Application form", "form": "original", "copies": 1,
         "waivable": False, "elicense": None, "formats": ["pdf"], "note": "窗口可领取"},
    ],
    # The item's own application form (docs/forms.md), canonical as stored; the template's 表单.csv.
    "form": {"applicants": ["person"], "fields": [
        {"key": "name", "label": {"zh": "申请人", "en": "Applicant"}, "type": "text", "required": False,
         "prefill": "name", "locked": True},
        {"key": "id", "label": {"zh": "身份证号", "en": "ID number"}, "type": "id_number", "required": False,
         "prefill": "id_number", "locked": True},
        {"key": "phone", "label": {"zh": "联系电话", "en": "Mobile phone"}, "type": "mobile", "prefill": "phone"},
        {"key": "purpose", "label": {"zh": "查询身份", "en": "Enquiring as"}, "type": "choice", "options": [
            {"value": "owner", "label": {"zh": "不动产权利人", "en": "Owner"}},
            {"value": "interested", "label": {"zh": "利害关系人", "en": "Interested party"}}]},
        {"key": "relation", "label": {"zh": "利害关系说明", "en": "Interest in the property"}, "type": "text",
         "max_len": 200, "when": {"field": "purpose", "equals": "interested"}},
        {"key": "property", "label": {"zh": "不动产坐落", "en": "Property address"}, "type": "address"},
    ]},
}
TEMPLATE_LINES = {"H": "不动产登记"}


def read_catalogue(path: Path) -> tuple[sheet.Catalogue, str]:
    """Parse a file or folder; answers the catalogue and the SHA-256 of its bytes. Raises DomainError."""
    items, materials, forms = transfer.read(path)
    digest = hashlib.sha256()
    folder = [path / n for n in (*transfer.CSV_NAMES.values(), transfer.FORMS_CSV)]
    for part in ([path] if path.is_file() else [p for p in folder if p.is_file()]):
        digest.update(part.read_bytes())
    return sheet.parse(items, materials, forms), digest.hexdigest()


def import_catalogue(db: Database, path: Path) -> storage.Outcome:
    """Read, check and store ``path`` in one transaction. Raises DomainError (nothing stored)."""
    catalogue, sha = read_catalogue(path)
    return storage.store(db, catalogue, source=path.name, fmt=transfer.format_of(path), sha256=sha)


def export_catalogue(db: Database, path: Path, *, template: bool = False) -> int:
    """Write the active items (or the template's example) in ``path``'s format; answers how many items."""
    if template:
        records, lines = [EXAMPLE], TEMPLATE_LINES
    else:
        records, lines = storage.records(db)
    item_rows, material_rows = rows.to_rows(records, lines)
    transfer.write(path, item_rows, material_rows, forms=rows.form_rows(records))
    return len(item_rows)


def _problems(exc: DomainError) -> list[DomainError]:
    return list(exc.problems) if isinstance(exc, CatalogueRejected) else [exc]


def run_import(db: Database, args: argparse.Namespace) -> int:
    from hall.server.migrate import upgrade

    upgrade(db.engine)
    try:
        done = import_catalogue(db, Path(args.path))
    except DomainError as exc:
        print(f"import-catalogue: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        for p in _problems(exc):
            print(f"  {p.message_zh}\n    {p.message_en}", file=sys.stderr)
        return 2
    lines = f", new lines: {' '.join(done.lines_created)}" if done.lines_created else ""
    print(f"items: {done.created} new, {done.updated} changed (previous version kept), "
          f"{done.unchanged} unchanged{lines}")
    return 0


def run_export(db: Database, args: argparse.Namespace) -> int:
    from hall.server.migrate import upgrade

    path = Path(args.path)
    try:
        if not args.template:
            upgrade(db.engine)
        count = export_catalogue(db, path, template=args.template)
    except DomainError as exc:
        print(f"export-catalogue: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"export-catalogue: cannot write {path.name} ({exc.strerror or type(exc).__name__})", file=sys.stderr)
        return 1
    print(f"wrote {count} item(s) to {path}")
    return 0
