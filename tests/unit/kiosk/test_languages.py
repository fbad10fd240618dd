"""Languages (issue 14.7): the hall's language comes back for the next citizen, Tibetan (bo) and Uyghur
(ug, right to left) screens with a per-string fallback to Chinese, the ``kiosk.language`` contract, the
two-way wrong-language scan, and catalogue search by characters, full pinyin and initials."""

from __future__ import annotations

import logging
import re
import string

import pytest

from config import load_settings
from config.loader import ConfigError
from kiosk.flows.catalogue import Catalogue
from kiosk.flows.machine import KioskMachine, settle
from kiosk.flows.ports import ServiceItem
from kiosk.i18n import TABLES, has, pick, tr, untranslated
from kiosk.screen_fit import wrong_language
from tests.unit.kiosk.fakes import make_context

TIBETAN = re.compile(r"[\u0f00-\u0fff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LANG_NAMES = {"lang.zh", "lang.en", "lang.bo", "lang.ug"}  # each language names itself in its own script


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def machine(default_lang: str = "zh_CN") -> tuple[KioskMachine, Clock]:
    clock = Clock()
    ctx = make_context()
    ctx.lang = default_lang
    return KioskMachine(ctx, idle_timeout_s=60, idle_countdown_s=10, monotonic=clock,
                        default_lang=default_lang), clock


# -- the next citizen starts in the hall's language -------------------------------------------------
@pytest.mark.parametrize("leave", ["home", "done"])
def test_the_end_of_a_visit_brings_back_the_hall_language(leave: str) -> None:
    m, _ = machine()
    m.set_language("en")
    settle(m, m.choose("take_number"))
    settle(m, m.input("category", "A"))
    settle(m, m.input("skip"))
    assert m.view.screen == "ticket" and m.ctx.lang == "en"
    settle(m, m.input(leave))
    assert m.view.screen == "home" and m.ctx.lang == "zh_CN"


def test_english_left_on_the_home_screen_goes_back_to_chinese_when_idle() -> None:
    m, clock = machine()
    clock.t += 500  # the kiosk stood idle a long time before this citizen came
    m.set_language("en")
    for _ in range(3):
        clock.t += 22  # 66 s: the idle time and its countdown are not over yet
        m.tick()
        assert m.ctx.lang == "en" and m.countdown is None  # kept, and no "are you there?" at rest
    clock.t += 5
    m.tick()
    assert m.ctx.lang == "zh_CN" and m.last_home_reason == "idle"


def test_a_uyghur_hall_returns_to_uyghur_not_chinese() -> None:
    m, clock = machine("ug")
    m.set_language("zh_CN")
    clock.t += 71  # the idle time and its countdown
    m.tick()
    assert m.ctx.lang == "ug"


def test_a_technician_visit_keeps_the_language() -> None:
    m, _ = machine()
    m.set_language("en")
    m.go_home("technician")
    assert m.ctx.lang == "en"


# -- Tibetan and Uyghur tables ---------------------------------------------------------------------
def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(("lang", "script"), [("bo", TIBETAN), ("ug", ARABIC)])
def test_tibetan_and_uyghur_tables_are_in_their_script_with_the_same_placeholders(lang: str, script) -> None:
    zh, table = TABLES["zh_CN"], TABLES[lang]
    assert set(table) <= set(zh), "a key zh_CN does not have"
    assert len(table) >= 60  # home, chrome, take-a-number and the shared buttons at least
    for key, text in table.items():
        if key in LANG_NAMES:
            continue
        words = re.sub(r"\{[a-z_]+\}", "", text)  # placeholders are filled in later
        assert not HAN.search(words) and not re.search(r"[A-Za-z]{2,}", words), (key, text)
        if not key.startswith("clock.date"):
            assert script.search(text), (key, text)
            assert _fields(text) == _fields(zh[key]), key


@pytest.mark.parametrize("lang", ["bo", "ug"])
def test_an_untranslated_string_is_shown_in_chinese_with_one_warning(lang: str, caplog) -> None:
    key = "refused.quota"
    assert key in untranslated(lang) and has(lang, key)
    with caplog.at_level(logging.WARNING, logger="kiosk.i18n"):
        first = tr(lang, key)
        again = tr(lang, key)
    assert first == again == tr("zh_CN", key)
    warnings = [r for r in caplog.records if key in r.getMessage()]
    assert len(warnings) <= 1  # once per string, whichever test met it first
    assert tr(lang, "home.tile.take_number") != tr("zh_CN", "home.tile.take_number")


def test_names_from_data_are_english_only_on_english_screens() -> None:
    assert pick("en", "社会保障卡", "Social security card") == "Social security card"
    assert [pick(lang, "社会保障卡", "Social security card") for lang in ("zh_CN", "bo", "ug")] == ["社会保障卡"] * 3
    assert pick("en", "社会保障卡", "") == "社会保障卡"


# -- settings contract -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh_CN", "en", "bo", "ug"])
def test_kiosk_language_accepts_the_four_languages(lang: str) -> None:
    assert load_settings(overrides=[f'kiosk.language="{lang}"']).kiosk.language == lang


def test_an_unknown_kiosk_language_is_refused_naming_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"kiosk\.language.*'zh_CN', 'en', 'bo' or 'ug'"):
        load_settings(overrides=['kiosk.language="fr"'])


# -- the wrong-language scan itself ----------------------------------------------------------------
def test_the_scan_finds_chinese_on_english_and_english_on_the_others() -> None:
    assert wrong_language(["Fee: 不收费"], "en") != []
    assert wrong_language(["Fee: free", "A001", "GJJ-002"], "en") == []
    for lang in ("zh_CN", "bo", "ug"):
        assert wrong_language(["收费：Free"], lang) != []
        assert wrong_language(["号码 A001 · QR · ID", "事项 GJJ-002"], lang) == []  # codes and acronyms
    assert wrong_language(["搜索：shebao"], "zh_CN", allowed=["shebao"]) == []


# -- catalogue search ------------------------------------------------------------------------------
ITEMS = [
    ServiceItem("SB-001", "社会保险参保登记", "Social insurance registration", "A"),
    ServiceItem("SB-002", "社保卡补办", "Replace a social security card", "A"),
    ServiceItem("HJ-001", "户口迁移", "Household registration transfer", "B"),
    ServiceItem("GJJ-002", "住房公积金提取", "Housing fund withdrawal", "C"),
    ServiceItem("LV-001", "旅馆业特种行业许可", "Hotel trade licence", "D"),
]


def codes(query: str) -> list[str]:
    return [i.code for i in Catalogue(ITEMS).search(query)]


@pytest.mark.parametrize(("query", "first"), [
    ("户口", "HJ-001"),               # characters
    ("公积金", "GJJ-002"),
    ("hukouqianyi", "HJ-001"),        # full pinyin
    ("hu kou", "HJ-001"),             # full pinyin with a space
    ("zhufang gongjijin", "GJJ-002"),
    ("hkqy", "HJ-001"),               # initials
    ("gjj", "GJJ-002"),
    ("shebao", "SB-002"),             # 社保 itself before 社会保险's abbreviation
    ("shehuibaoxian", "SB-001"),
    ("shbx", "SB-001"),               # initials and syllables mixed
    ("gongjij", "GJJ-002"),           # a syllable typed half-way
    ("lvguan", "LV-001"),             # ü typed as v
    ("GJJ-002", "GJJ-002"),           # item code
])
def test_catalogue_search_by_characters_full_pinyin_and_initials(query: str, first: str) -> None:
    assert codes(query)[0] == first


def test_an_abbreviation_of_a_longer_name_is_found_after_the_exact_one() -> None:
    assert codes("shebao")[:2] == ["SB-002", "SB-001"]  # 社保 = 社(会)保(险)
    assert codes("xyz") == []


# -- on screen -------------------------------------------------------------------------------------
def test_uyghur_screens_read_right_to_left_and_switch_back(qtbot, cjk_fonts, script_fonts) -> None:
    from PySide6.QtCore import Qt

    from kiosk.app import build_window

    win = build_window(load_settings(overrides=['kiosk.language="ug"']))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert list(win.top.lang_buttons) == ["zh_CN", "en", "ug"]  # a bilingual hall offers its own language
    assert win.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert win.home.tiles["take_number"].title.text() == "نومۇر ئېلىش"
    # the first tile sits at the right edge of a right-to-left screen
    first = win.home.tiles["take_number"].mapTo(win, win.rect().topLeft()).x()
    assert first > win.width() // 2
    win.top.lang_buttons["zh_CN"].click()
    assert win.layoutDirection() == Qt.LayoutDirection.LeftToRight and win.ui.lang == "zh_CN"


def test_a_chinese_hall_offers_chinese_and_english_only(qtbot, cjk_fonts) -> None:
    from kiosk.app import build_window

    win = build_window(load_settings())
    qtbot.addWidget(win)
    assert list(win.top.lang_buttons) == ["zh_CN", "en"]
    assert win.top.hall_sub.text() == "政务服务自助终端"  # no English name under the Chinese one


@pytest.mark.parametrize("lang", ["bo", "ug"])
def test_elderly_prompts_on_tibetan_and_uyghur_screens_are_read_in_chinese(lang: str) -> None:
    m, _ = machine(lang)
    m.set_elderly(True)
    m.spoken.clear()
    settle(m, m.choose("take_number"))
    assert m.spoken == [tr("zh_CN", "categories.prompt")]  # the voice speaks Chinese and English only
