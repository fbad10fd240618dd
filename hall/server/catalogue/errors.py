"""Refusals of the catalogue's routes."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class ItemNotFound(DomainError):
    code = "item.not_found"
    kind = "not_found"
    template_zh = "没有该事项"
    template_en = "No such service item"


class CodeMismatch(DomainError):
    code = "category.code_mismatch"
    template_zh = "路径与正文中的类别代码不一致"
    template_en = "Path and body codes differ"


class VersionNotFound(DomainError):
    code = "item.version_not_found"
    kind = "not_found"
    template_zh = "该事项没有这个版本"
    template_en = "No such version of this service item"


class ItemVersionConflict(DomainError):
    """The item is no longer the version the editor started from (``current``; 0 = it does not exist);
    ``expected`` 0 asked for a new item."""

    code = "item.version_conflict"
    kind = "conflict"
    template_zh = "该事项已被修改（现为第 {current} 版），请重新打开后再改"
    template_en = "The item was changed meanwhile (now version {current}); reopen it and edit again"


class ItemExists(ItemVersionConflict):
    """A new item (``expected`` 0) whose 实施编码 the hall already has."""

    template_zh = "已有实施编码为 {code} 的事项（第 {current} 版），请在列表中编辑它"
    template_en = "An item with code {code} exists (version {current}); edit it from the list"


# What is wrong with one cell (or a whole file) of a catalogue import: problem → (zh, en). The texts never
# repeat the cell's value (a file may hold anything); they say what the column expects instead.
PROBLEMS: dict[str, tuple[str, str]] = {
    "required": ("不能为空", "must not be empty"),
    "too_long": ("超过 {max} 个字符", "is longer than {max} characters"),
    "not_text": ("应为文本或数字", "must be text or a number"),
    "control_chars": ("含有不可见的控制字符", "holds invisible control characters"),
    "days": ("应为工作日数：0–{max} 的整数（可写“即办”或“15个工作日”）",
             "must be a number of working days, a whole number 0–{max} (即办 or 15个工作日 are read too)"),
    "promised_over_legal": ("承诺办结时限不能超过法定办结时限", "the promised limit may not exceed the legal limit"),
    "yes_no": ("应为“是”或“否”", "must be 是 or 否"),
    "form": ("应为 原件、复印件、原件和复印件、电子 之一", "must be one of 原件, 复印件, 原件和复印件, 电子"),
    "copies": ("应为 1–{max} 的整数", "must be a whole number 1–{max}"),
    "code": ("只能包含字母、数字和 - _ .，最长 {max} 个字符",
             "may hold only letters, digits and - _ ., at most {max} characters"),
    "duplicate": ("与第 {other} 行重复", "repeats row {other}"),
    "unknown_item": ("“事项”中没有这个实施编码", "names an 实施编码 that is not in 事项"),
    "category": ("应为业务类别字母（如 A），或字母加名称（如“A 社会保险”）",
                 "must be a line's letter (A) or a letter and a name (A 社会保险)"),
    "unknown_category": ("大厅没有这个业务类别；写成“字母 名称”（如“H 不动产登记”）即可新建",
                         "the hall has no such line; write a letter and a name (H 不动产登记) to create it"),
    "url": ("应为 http:// 或 https:// 开头的地址", "must be an http:// or https:// address"),
    "formats": ("应为逗号分隔的文件格式：{allowed}", "must be file formats separated by commas: {allowed}"),
    "missing_column": ("缺少这一列", "this column is missing"),
    "unknown_column": ("不是目录的列（列名见 docs/catalogue.md）", "is not a catalogue column (see docs/catalogue.md)"),
    "duplicate_column": ("这一列出现了两次", "this column appears twice"),
    "too_many_rows": ("行数超过上限 {max}", "has more than {max} rows"),
    "no_items": ("没有任何事项", "holds no service item"),
    "not_utf8": ("不是 UTF-8 编码，请另存为“CSV UTF-8”", "is not UTF-8; save it as CSV UTF-8"),
    "missing_file": ("找不到该文件", "is missing"),
    "missing_sheet": ("缺少工作表“{sheet}”", "has no sheet named {sheet}"),
    "bad_xlsx": ("不是可读的 xlsx 工作簿", "is not a readable xlsx workbook"),
    "bad_json": ("不是有效的 JSON（第 {line} 行附近）", "is not valid JSON (near line {line})"),
    "json_shape": ("应为 {{\"事项\": [...], \"材料\": [...]}}，每行一个对象",
                   "must be {{\"事项\": [...], \"材料\": [...]}} with one object per row"),
    "bad_csv": ("不是可读的 CSV 文件", "is not a readable CSV file"),
    "unknown_format": ("应为 .xlsx 或 .json 文件，或含 事项.csv 和 材料.csv 的文件夹",
                       "must be an .xlsx or .json file, or a folder holding 事项.csv and 材料.csv"),
    "too_large": ("超过 {max_mb} MB", "is larger than {max_mb} MB"),
    "form_json": ("应为表单定义的 JSON 文本（至多 {max} 个字符；格式见 docs/forms.md）",
                  "must be the JSON text of a form definition (at most {max} characters; see docs/forms.md)"),
    "form_definition": ("表单定义有误：{path}：{reason_zh}", "the form definition is wrong at {path}: {reason_en}"),
}


def _detail(problem: str, params: dict[str, object]) -> tuple[str, str]:
    zh, en = PROBLEMS[problem]
    return zh.format(**params), en.format(**params)


class CatalogueCell(DomainError):
    """One bad cell: ``file`` (and sheet), ``row`` as the spreadsheet numbers it (the header is row 1; a JSON
    file's rows count from 1), ``column``, ``problem`` (a key of :data:`PROBLEMS`) and its texts."""

    code = "catalogue.cell"
    template_zh = "{file} 第 {row} 行，“{column}”列：{detail_zh}"
    template_en = "{file}, row {row}, column {column}: {detail_en}"

    @classmethod
    def of(cls, problem: str, *, file: str, row: int, column: str, **params: object) -> CatalogueCell:
        zh, en = _detail(problem, params)
        return cls(file=file, row=row, column=column, problem=problem, detail_zh=zh, detail_en=en, **params)


class CatalogueFile(DomainError):
    """A file that cannot be read as a catalogue at all (encoding, sheets, JSON syntax, format)."""

    code = "catalogue.file"
    template_zh = "{file}：{detail_zh}"
    template_en = "{file}: {detail_en}"

    @classmethod
    def of(cls, problem: str, *, file: str, **params: object) -> CatalogueFile:
        zh, en = _detail(problem, params)
        return cls(file=file, problem=problem, detail_zh=zh, detail_en=en, **params)


class CatalogueRejected(DomainError):
    """The whole import refused: ``problems`` lists the first bad cells or files; nothing was stored."""

    code = "catalogue.rejected"
    template_zh = "目录有 {count} 处错误，未导入任何内容"
    template_en = "{count} problem(s) in the catalogue; nothing was imported"

    def __init__(self, problems: list[DomainError], *, more: int = 0) -> None:
        self.problems = tuple(problems)
        super().__init__(count=len(problems) + more, problems=[p.to_dict() for p in problems])
