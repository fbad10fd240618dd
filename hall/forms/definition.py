"""The form definition format: what an item's ``form`` JSON may say, parsed into frozen dataclasses.

A definition is small on purpose (a hall's staff write it in the admin screen or a catalogue file):
``{"applicants": [...], "fields": [{"key", "label", "type", ...}]}``. Anything unknown or inconsistent is
refused with the path of the offending part and a reason in Chinese and English, so an import names the
row and the admin screen the field.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found]  # sre_constants, undeprecated
import re._parser as sre_parser  # type: ignore[import-not-found]  # sre_parse, undeprecated (no stubs)
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

ApplicantType = Literal["person", "legal_person"]
APPLICANT_TYPES: tuple[ApplicantType, ...] = ("person", "legal_person")
# The form value that says who applies (absent = a person).
APPLICANT_KEY = "applicant_type"

FieldType = Literal["text", "digits", "number", "mobile", "date", "choice", "id_number", "credit_code", "address"]
FIELD_TYPES: tuple[FieldType, ...] = ("text", "digits", "number", "mobile", "date", "choice", "id_number",
                                      "credit_code", "address")
# Where a prefilled value comes from: the applicant's card (一号申请) or, for a legal person, the business
# licence found by its credit code (营业执照 e-licence).
PREFILL_SOURCES = frozenset({"name", "id_number", "phone", "address", "sex", "company_name",
                             "legal_representative", "credit_code"})
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
RESERVED_KEYS = frozenset({APPLICANT_KEY})
MAX_FIELDS = 40
MAX_OPTIONS = 30  # buttons on one kiosk page; a longer list belongs in several questions
MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class Text:
    """A label in Chinese and English (English falls back to Chinese)."""

    zh: str
    en: str = ""

    def get(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") or not self.en else self.en


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: Text
    type: FieldType = "text"
    required: bool = True
    options: tuple[Option, ...] = ()
    prefill: str = ""
    # When the citizen may not change a prefilled value (what a card says is not typed over).
    locked: bool = False
    min_len: int = 0
    max_len: int = 0
    minimum: int | None = None
    maximum: int | None = None
    pattern: str = ""
    hint: Text | None = None
    when: tuple[str, str] | None = None  # (field, value): asked only when that field has that value
    applicant: ApplicantType | None = None  # asked only of this kind of applicant


@dataclass(frozen=True, slots=True)
class FormDefinition:
    fields: tuple[Field, ...] = ()
    applicants: tuple[ApplicantType, ...] = ("person",)

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON of this definition (what is stored and exported; parses back equal)."""
        return {"applicants": list(self.applicants), "fields": [_field_json(f) for f in self.fields]}


@dataclass
class FormDefinitionError(ValueError):
    """A definition that cannot be used: ``path`` names the part (``fields[2].options``)."""

    path: str
    reason_zh: str
    reason_en: str
    details: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason_en}"


def _text_json(t: Text) -> dict[str, str] | str:
    return {"zh": t.zh, "en": t.en} if t.en else t.zh


def _field_json(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"key": f.key, "label": _text_json(f.label), "type": f.type}
    if not f.required:
        out["required"] = False
    if f.options:
        out["options"] = [{"value": o.value, "label": _text_json(o.label)} for o in f.options]
    for name in ("prefill", "pattern"):
        if getattr(f, name):
            out[name] = getattr(f, name)
    if f.locked:
        out["locked"] = True
    for name in ("min_len", "max_len"):
        if getattr(f, name):
            out[name] = getattr(f, name)
    if f.minimum is not None:
        out["min"] = f.minimum
    if f.maximum is not None:
        out["max"] = f.maximum
    if f.hint is not None:
        out["hint"] = _text_json(f.hint)
    if f.when is not None:
        out["when"] = {"field": f.when[0], "equals": f.when[1]}
    if f.applicant is not None:
        out["applicant"] = f.applicant
    return out


def _nested_repeat(items: Any, inside: bool = False) -> bool:
    """Whether a parsed pattern repeats something that itself repeats or alternates — ``(a+)+``, ``(a|ab)*``:
    the shapes that make Python's backtracking matcher take exponential time on a crafted answer. The
    pattern comes from a hall's admin or catalogue file and runs on every citizen's answer, on the kiosk
    and the server alike, so it must not be able to hang either."""
    for op, arg in items:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            _low, high, body = arg
            if inside and high > 1:
                return True
            if _nested_repeat(body, inside or high > 1):
                return True
        elif op is sre_constants.BRANCH:
            if inside:
                return True
            if any(_nested_repeat(b, inside) for b in arg[1]):
                return True
        elif op is sre_constants.SUBPATTERN:
            if _nested_repeat(arg[3], inside):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _nested_repeat(arg[1], inside):
                return True
    return False


def _fail(path: str, zh: str, en: str) -> FormDefinitionError:
    return FormDefinitionError(path, zh, en)


def _text(raw: Any, path: str, *, required: bool = True) -> Text:
    if isinstance(raw, str):
        raw = {"zh": raw}
    if not isinstance(raw, Mapping) or set(raw) - {"zh", "en"}:
        raise _fail(path, "应为文字或 {\"zh\", \"en\"}", 'must be text or {"zh", "en"}')
    zh, en = raw.get("zh", ""), raw.get("en", "")
    if not isinstance(zh, str) or not isinstance(en, str):
        raise _fail(path, "应为文字", "must be text")
    zh, en = zh.strip(), en.strip()
    if required and not zh:
        raise _fail(path, "须有中文名称", "needs a Chinese label")
    if len(zh) > MAX_TEXT or len(en) > MAX_TEXT:
        raise _fail(path, f"不得超过 {MAX_TEXT} 字", f"at most {MAX_TEXT} characters")
    return Text(zh, en)


def _int(raw: Mapping[str, Any], name: str, path: str, *, low: int, high: int) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(f"{path}.{name}", f"应为 {low}–{high} 的整数", f"must be a whole number from {low} to {high}")
    return value


def _bool(raw: Mapping[str, Any], name: str, path: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise _fail(f"{path}.{name}", "应为 true 或 false", "must be true or false")
    return value


_FIELD_KEYS = frozenset({"key", "label", "type", "required", "options", "prefill", "locked", "min_len", "max_len",
                         "min", "max", "pattern", "hint", "when", "applicant"})


def _field(raw: Any, path: str) -> Field:
    if not isinstance(raw, Mapping):
        raise _fail(path, "应为对象", "must be an object")
    unknown = sorted(set(raw) - _FIELD_KEYS)
    if unknown:
        raise _fail(f"{path}.{unknown[0]}", "不认识的设置", "unknown setting")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        raise _fail(f"{path}.key", "应为小写字母开头的英文标识（字母、数字、下划线，至多 32 个）",
                    "must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 32)")
    if key in RESERVED_KEYS:
        raise _fail(f"{path}.key", "此标识为系统保留", "this key is reserved")
    kind = raw.get("type", "text")
    if kind not in FIELD_TYPES:
        raise _fail(f"{path}.type", "应为 " + "、".join(FIELD_TYPES) + " 之一",
                    "must be one of " + ", ".join(FIELD_TYPES))
    options: list[Option] = []
    raw_options = raw.get("options", [])
    if not isinstance(raw_options, Sequence) or isinstance(raw_options, str):
        raise _fail(f"{path}.options", "应为列表", "must be a list")
    if len(raw_options) > MAX_OPTIONS:
        raise _fail(f"{path}.options", f"至多 {MAX_OPTIONS} 个选项", f"at most {MAX_OPTIONS} options")
    for i, o in enumerate(raw_options):
        opath = f"{path}.options[{i}]"
        if not isinstance(o, Mapping) or not isinstance(o.get("value"), str) or not o["value"].strip():
            raise _fail(opath, "应为 {\"value\", \"label\"}", 'must be {"value", "label"}')
        options.append(Option(o["value"].strip(), _text(o.get("label", o["value"]), f"{opath}.label")))
    if kind == "choice" and not options:
        raise _fail(f"{path}.options", "选择项至少要有一个选项", "a choice needs at least one option")
    if kind != "choice" and options:
        raise _fail(f"{path}.options", "只有选择项（choice）有选项", "only a choice has options")
    if len({o.value for o in options}) != len(options):
        raise _fail(f"{path}.options", "选项值重复", "option values repeat")
    prefill = raw.get("prefill", "")
    if prefill and prefill not in PREFILL_SOURCES:
        raise _fail(f"{path}.prefill", "应为 " + "、".join(sorted(PREFILL_SOURCES)) + " 之一",
                    "must be one of " + ", ".join(sorted(PREFILL_SOURCES)))
    pattern = raw.get("pattern", "")
    if not isinstance(pattern, str) or len(pattern) > 200:
        raise _fail(f"{path}.pattern", "应为正则表达式（至多 200 字）", "must be a regular expression (at most 200)")
    if pattern:
        try:
            re.compile(pattern)
            parsed = sre_parser.parse(pattern)
        except re.error as exc:
            raise _fail(f"{path}.pattern", "正则表达式有误", "is not a valid regular expression") from exc
        if _nested_repeat(parsed.data):
            raise _fail(f"{path}.pattern", "不能重复一个本身含重复或“或”的部分（如 (a+)+），这类表达式可能极慢",
                        "may not repeat a part that itself repeats or alternates (like (a+)+): such a "
                        "pattern can take exponential time")
    when = None
    if (raw_when := raw.get("when")) is not None:
        if (not isinstance(raw_when, Mapping) or not isinstance(raw_when.get("field"), str)
                or not isinstance(raw_when.get("equals"), str)):
            raise _fail(f"{path}.when", "应为 {\"field\", \"equals\"}", 'must be {"field", "equals"}')
        when = (raw_when["field"], raw_when["equals"])
    applicant = raw.get("applicant")
    if applicant is not None and applicant not in APPLICANT_TYPES:
        raise _fail(f"{path}.applicant", "应为 person 或 legal_person", "must be person or legal_person")
    min_len = _int(raw, "min_len", path, low=0, high=MAX_TEXT) or 0
    max_len = _int(raw, "max_len", path, low=0, high=MAX_TEXT) or 0
    if max_len and min_len > max_len:
        raise _fail(f"{path}.min_len", "不得大于 max_len", "must not exceed max_len")
    minimum = _int(raw, "min", path, low=-10**9, high=10**9)
    maximum = _int(raw, "max", path, low=-10**9, high=10**9)
    if minimum is not None and maximum is not None and minimum > maximum:
        raise _fail(f"{path}.min", "不得大于 max", "must not exceed max")
    hint = _text(raw["hint"], f"{path}.hint") if raw.get("hint") else None
    return Field(key=key, label=_text(raw.get("label"), f"{path}.label"), type=cast(FieldType, kind),
                 required=_bool(raw, "required", path, True), options=tuple(options), prefill=prefill,
                 locked=_bool(raw, "locked", path, False), min_len=min_len, max_len=max_len, minimum=minimum,
                 maximum=maximum, pattern=pattern, hint=hint, when=when,
                 applicant=cast(ApplicantType | None, applicant))


def parse_form(raw: Any) -> FormDefinition:
    """``raw`` (the parsed JSON of a definition) as a :class:`FormDefinition`; :class:`FormDefinitionError`
    names what is wrong. ``None`` or ``{}`` is an empty definition (the item asks nothing)."""
    if raw is None:
        return FormDefinition()
    if not isinstance(raw, Mapping):
        raise _fail("form", "应为对象 {\"applicants\", \"fields\"}", 'must be an object {"applicants", "fields"}')
    unknown = sorted(set(raw) - {"applicants", "fields"})
    if unknown:
        raise _fail(unknown[0], "不认识的设置", "unknown setting")
    applicants = raw.get("applicants", ["person"])
    if (not isinstance(applicants, Sequence) or isinstance(applicants, str) or not applicants
            or any(a not in APPLICANT_TYPES for a in applicants) or len(set(applicants)) != len(applicants)):
        raise _fail("applicants", "应为 person、legal_person 中的一个或两个", "must list person and/or legal_person")
    raw_fields = raw.get("fields", [])
    if not isinstance(raw_fields, Sequence) or isinstance(raw_fields, str):
        raise _fail("fields", "应为列表", "must be a list")
    if len(raw_fields) > MAX_FIELDS:
        raise _fail("fields", f"至多 {MAX_FIELDS} 项", f"at most {MAX_FIELDS} fields")
    fields = tuple(_field(f, f"fields[{i}]") for i, f in enumerate(raw_fields))
    keys = [f.key for f in fields]
    for i, f in enumerate(fields):
        if keys.index(f.key) != i:
            raise _fail(f"fields[{i}].key", f"标识 {f.key} 重复", f"key {f.key} repeats")
        if f.when is not None:
            target = next((g for g in fields[:i] if g.key == f.when[0]), None)
            if target is None or target.type != "choice":
                raise _fail(f"fields[{i}].when", "应指向前面的一个选择项", "must name a choice field before it")
            if f.when[1] not in {o.value for o in target.options}:
                raise _fail(f"fields[{i}].when.equals", "不是该选择项的选项", "is not an option of that choice")
        if f.applicant is not None and f.applicant not in applicants:
            raise _fail(f"fields[{i}].applicant", "此类申请人不能申请本事项", "this item takes no such applicant")
    return FormDefinition(fields=fields, applicants=tuple(cast(list[ApplicantType], list(applicants))))
