"""Every citizen-facing string lives in the translation tables, in both languages."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from kiosk.i18n import TABLES, tr

KIOSK = Path(__file__).resolve().parents[3] / "kiosk"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
KEY_CALL = re.compile(r"""\btr\(\s*(?:[a-z_.]+,\s*)?["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


KEY_LITERAL = re.compile(
    r"""["']((?:busy|error|identify|keypad|categories|take_number|refused|ticket|checkin|face|catalogue|submit"""
    r"""|guide|form|materials|material|capture|notice|signature|review|receipt|cases|query|rate|comment|help"""
    r"""|fallback|closed|print|home|action|idle|status|camera|tech)\.[a-z0-9_.]+)["']""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_tables_have_the_same_keys() -> None:
    zh, en = TABLES["zh_CN"], TABLES["en"]
    assert sorted(set(zh) - set(en)) == [], "keys missing in en"
    assert sorted(set(en) - set(zh)) == [], "keys missing in zh_CN"


def test_placeholders_match_and_no_empty_text() -> None:
    zh, en = TABLES["zh_CN"], TABLES["en"]
    for key in zh:
        assert zh[key].strip() and en[key].strip(), key
        if key != "clock.date":  # date formats legitimately use different parts
            assert _fields(zh[key]) == _fields(en[key]), key


def test_english_table_has_no_chinese_except_the_language_name() -> None:
    offenders = [k for k, v in TABLES["en"].items() if CJK.search(v) and k != "lang.zh"]
    assert offenders == []


def _sources() -> list[Path]:
    # screenshot_views.py holds sample data (names, seed items) for the gallery, not UI text
    return [p for p in KIOSK.rglob("*.py") if "i18n" not in p.parts and p.name != "screenshot_views.py"]


def test_every_literal_key_used_in_code_exists() -> None:
    missing = []
    for path in _sources():
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if key not in TABLES["zh_CN"]:
                missing.append(f"{path.name}: {key}")
    assert missing == []


def test_every_key_shaped_literal_in_code_exists() -> None:
    missing = sorted({f"{p.name}: {k}" for p in _sources() for k in KEY_LITERAL.findall(p.read_text("utf-8"))
                      if k not in TABLES["zh_CN"]})
    assert missing == []


def test_dynamic_keys_exist() -> None:
    from devices.camera.protocol import QualityReason
    from kiosk.flows.assist import PROBLEMS
    from kiosk.flows.checkin import REFUSALS
    from kiosk.flows.identify import METHODS
    from kiosk.flows.rate import COMMENTS, LEVELS, REASONS
    from kiosk.screens.home import TILES

    keys = [f"fallback.problem.{p}" for p in PROBLEMS] + [f"checkin.refused.{r}" for r in REFUSALS]
    keys += [f"identify.method.{m}" for m in METHODS] + [f"rate.reason.{r}" for r in REASONS]
    keys += [c for c in COMMENTS if c] + [f"rate.level.{n}" for n in LEVELS] + [q.value for q in QualityReason]
    keys += [f"identify.prompt.{p}" for p in ("priority", "checkin", "submit", "query")]
    keys += [f"home.tile.{t}" for t, _ in TILES] + [f"home.tile.{t}.sub" for t, _ in TILES]
    keys += [f"materials.status.{s}" for s in ("elicense", "captured", "missing", "waived")]
    keys += [f"weekday.{d}" for d in range(7)]
    assert [k for k in keys if k not in TABLES["zh_CN"]] == []


def _string_constants(tree: ast.AST) -> list[ast.Constant]:
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            docstrings.add(id(body[0].value))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def test_no_chinese_text_in_code_outside_the_tables() -> None:
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(KIOSK)}:{n.lineno}: {n.value!r}" for n in _string_constants(tree)
                      if CJK.search(str(n.value))]
    assert offenders == []


def test_missing_key_shows_the_key_not_a_crash() -> None:
    assert tr("en", "no.such.key") == "no.such.key"
    assert tr("zh_CN", "home.queue.item", code="A", name="综合", count=3) == "A 综合  等候 3 人"


def test_every_form_problem_and_form_control_has_text_in_every_kiosk_language() -> None:
    """hall.forms names a problem by code (the server's 422 too); each kiosk language shows it (bo and ug
    through their Chinese fallback), as it shows the form's own controls."""
    from hall.forms import APPLICANT_TYPES
    from hall.forms.rules import MESSAGES
    from kiosk.i18n import LANGS, has

    keys = [*MESSAGES, *(f"form.date.{p}" for p in ("year", "month", "day", "earlier", "later"))]
    keys += [f"applicant.{a}{sub}" for a in APPLICANT_TYPES for sub in ("", ".sub")]
    keys += [f"form.company.{s}" for s in ("found", "not_found", "unavailable")]
    assert [(lang, k) for lang in LANGS for k in keys if not has(lang, k)] == []
    assert [k for k in MESSAGES if k not in TABLES["zh_CN"] or k not in TABLES["en"]] == []
