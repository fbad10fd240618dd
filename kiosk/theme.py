"""Look of the kiosk: colours, type sizes and the Qt style sheet, for standard and elderly mode.

Pure data (no Qt import) so sizes can be checked in tests. Elderly mode scales every text size by
1.5 and switches to a high-contrast palette (black on white, white on deep blue: ≥ 7:1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

FONT_FAMILY = "Noto Sans CJK SC"
# where the CJK font has no glyph: Tibetan (bo, fonts-tibetan-machine) and Uyghur in Arabic script
# (ug, Naskh from fonts-noto-core); both installed by `make`
FALLBACK_FAMILIES = ("Tibetan Machine Uni", "Noto Naskh Arabic")
# Those fonts' lines are taller than the CJK font's at the same pixel size (stacked Tibetan letters
# 1.38×, Arabic marks 1.17×): their text is set smaller so a line takes the room a Chinese line does
# and every screen still fits (elderly mode keeps its 1.5× on top).
SCRIPT_FIT: dict[str, float] = {"bo": 0.75, "ug": 0.85}
MIN_TOUCH_PX = 72
BUTTON_PADDING_PX = 2 * 28 + 6  # a button's side padding (style sheet below) and its borders
ELDERLY_SCALE = 1.5


@dataclass(frozen=True, slots=True)
class Theme:
    elderly: bool
    scale: float
    bg: str
    surface: str
    text: str
    muted: str
    primary: str
    primary_dark: str
    on_primary: str
    accent: str
    danger: str
    border: str
    banner_bg: str
    banner_text: str
    # base sizes in px before the elderly scale
    body_px: int = 26
    # small screens (1366×768) shrink text by this much; touch targets keep their minimum
    fit: float = 1.0
    # the script's line height (SCRIPT_FIT): 1.0 for Chinese and English
    script: float = 1.0

    def px(self, base: int) -> int:
        """A text size scaled for the mode, the screen and the script."""
        return round(base * self.scale * self.fit * self.script)

    @property
    def compact(self) -> bool:
        return self.fit < 1.0

    @property
    def touch_px(self) -> int:
        return max(MIN_TOUCH_PX, round(MIN_TOUCH_PX * (1.25 if self.elderly and not self.compact else 1.0)))


STANDARD = Theme(
    elderly=False, scale=1.0,
    bg="#EEF2F7", surface="#FFFFFF", text="#14213D", muted="#51607A",
    primary="#0B4EA2", primary_dark="#083A7A", on_primary="#FFFFFF", accent="#C8102E",
    danger="#B3261E", border="#D5DDE8", banner_bg="#FFF4D6", banner_text="#5C3D00",
)
ELDERLY = Theme(
    elderly=True, scale=ELDERLY_SCALE,
    bg="#FFFFFF", surface="#FFFFFF", text="#000000", muted="#1F1F1F",
    primary="#002E6D", primary_dark="#001C44", on_primary="#FFFFFF", accent="#A00000",
    danger="#8C0000", border="#000000", banner_bg="#FFE14D", banner_text="#000000",
)


COMPACT_FIT = 0.75  # text on a screen under 900 px high (1366×768): 768/1080, rounded up a little


def theme_for(*, elderly: bool, compact: bool = False, lang: str = "zh_CN") -> Theme:
    t = ELDERLY if elderly else STANDARD
    if compact:
        t = replace(t, fit=COMPACT_FIT)
    return replace(t, script=SCRIPT_FIT[lang]) if lang in SCRIPT_FIT else t


def stylesheet(t: Theme) -> str:
    """The whole app's Qt style sheet; widgets pick roles by objectName / dynamic properties."""
    bw = 3 if t.elderly else 1
    return f"""
    QWidget {{ font-family: "{FONT_FAMILY}"; color: {t.text}; font-size: {t.px(t.body_px)}px; }}
    #KioskRoot, #ScreenStack, #ScreenStack > QWidget {{ background: {t.bg}; }}
    #TopBar {{ background: {t.primary}; }}
    #TopBar QLabel {{ color: {t.on_primary}; }}
    #HallName {{ font-size: {t.px(34)}px; font-weight: 700; }}
    #HallNameSub {{ font-size: {t.px(18)}px; color: #DCE6F5; }}
    #Clock {{ font-size: {t.px(40)}px; font-weight: 700; }}
    #ClockDate {{ font-size: {t.px(18)}px; color: #DCE6F5; }}
    QPushButton#ChromeButton {{
        background: transparent; color: {t.on_primary}; border: 2px solid rgba(255,255,255,0.55);
        border-radius: 12px; padding: 0 22px; font-size: {t.px(24)}px; font-weight: 600;
        min-height: {t.touch_px}px; min-width: {t.touch_px}px; }}
    QPushButton#ChromeButton:checked {{ background: {t.on_primary}; color: {t.primary}; border-color: {t.on_primary}; }}
    #Welcome {{ font-size: {t.px(34)}px; font-weight: 700; color: {t.text}; }}
    QPushButton#Tile {{
        background: {t.surface}; border: {bw}px solid {t.border}; border-radius: 20px;
        min-height: {round(t.touch_px * (1.4 if t.compact else 2))}px; min-width: {t.touch_px * 2}px;
        text-align: left; }}
    QPushButton#Tile:pressed {{ background: #DCE8F8; }}
    QPushButton#Tile[primary="true"] {{ background: {t.primary}; border-color: {t.primary_dark}; }}
    QPushButton#Tile[primary="true"]:pressed {{ background: {t.primary_dark}; }}
    QPushButton#Tile[help="true"] {{ border: {bw + 1}px solid {t.accent}; }}
    #TileTitle {{ font-size: {t.px(40)}px; font-weight: 700; color: {t.text};
                  background: transparent; }}
    #TileSub {{ font-size: {t.px(21)}px; color: {t.muted}; background: transparent; }}
    QPushButton#Tile[primary="true"] #TileTitle {{ font-size: {t.px(48 if t.elderly else 64)}px;
                                                   color: {t.on_primary}; }}
    QPushButton#Tile[primary="true"] #TileSub {{ font-size: {t.px(26)}px; color: #DCE6F5; }}
    #QueueStrip {{ background: {t.surface}; border: {bw}px solid {t.border}; border-radius: 16px; }}
    #QueueTitle {{ font-size: {t.px(22)}px; font-weight: 700; color: {t.primary}; }}
    #QueueItem {{ font-size: {t.px(18 if t.elderly else 22)}px; color: {t.text}; }}
    #Footer {{ font-size: {t.px(20)}px; color: {t.muted}; }}
    #Banner {{ background: {t.banner_bg}; color: {t.banner_text}; font-size: {t.px(22)}px;
               font-weight: 600; padding: 10px 24px; }}
    #Title {{ font-size: {t.px(38)}px; font-weight: 700; color: {t.text}; }}
    #Prompt {{ font-size: {t.px(24)}px; color: {t.muted}; }}
    #Headline {{ font-size: {t.px(30)}px; font-weight: 600; color: {t.text}; }}
    #Body {{ font-size: {t.px(24)}px; color: {t.text}; }}
    #Muted, #Status {{ font-size: {t.px(21)}px; color: {t.muted}; }}
    #Section {{ font-size: {t.px(24)}px; font-weight: 700; color: {t.primary}; }}
    #Notice {{ font-size: {t.px(24)}px; color: #1B6B34; font-weight: 600; }}
    #Warn {{ font-size: {t.px(24)}px; color: {t.danger}; font-weight: 600; }}
    #Accent {{ font-size: {t.px(26)}px; color: {t.accent}; font-weight: 700; }}
    #Code {{ font-size: {t.px(34)}px; font-weight: 700; color: {t.primary}; }}
    #BigNumber {{ font-size: {t.px((60 if t.elderly else 72) if t.compact else 100)}px; font-weight: 800;
                  color: {t.primary}; }}
    #KeypadDisplay {{ font-size: {t.px(40)}px; font-weight: 700; background: {t.surface};
                      border: {bw + 1}px solid {t.border}; border-radius: 14px; padding: 4px 12px;
                      font-family: "Noto Sans Mono CJK SC", monospace; }}
    #FieldValue {{ font-size: {t.px(30)}px; font-weight: 600; background: {t.surface};
                   border: {bw}px solid {t.border}; border-radius: 10px; padding: 8px 16px; }}
    QLineEdit#TextEntry {{ font-size: {t.px(30)}px; font-weight: 600; background: {t.surface};
                           border: {bw + 1}px solid {t.primary}; border-radius: 10px; padding: 4px 16px; }}
    #Card, #MethodCard, #TicketCard, #Card_info, #Card_ok, #Material_missing, #Material_captured,
    #Material_elicense, #Material_waived {{
        background: {t.surface}; border: {bw}px solid {t.border}; border-radius: 18px; }}
    #Card_warn {{ background: #FFF8E6; border: {bw + 1}px solid #E0A800; border-radius: 18px; }}
    #Card_error {{ background: #FDECEA; border: {bw + 1}px solid {t.danger}; border-radius: 18px; }}
    #Material_elicense, #Material_captured {{ border-left: 10px solid #1B7F3B; }}
    #Material_missing {{ border-left: 10px solid {t.danger}; }}
    #Material_waived {{ border-left: 10px solid #E0A800; }}
    #MethodText {{ font-size: {t.px(26)}px; font-weight: 600; }}
    QPushButton {{ min-height: {t.touch_px}px; min-width: {t.touch_px}px; border-radius: 14px;
                   font-size: {t.px(26)}px; font-weight: 600; padding: 0 {(BUTTON_PADDING_PX - 6) // 2}px; }}
    QPushButton#Btn_primary {{ background: {t.primary}; color: {t.on_primary}; border: none; }}
    QPushButton#Btn_primary:pressed {{ background: {t.primary_dark}; }}
    QPushButton#Btn_secondary {{ background: {t.surface}; color: {t.primary}; border: {bw + 1}px solid {t.primary}; }}
    QPushButton#Btn_help {{ background: {t.accent}; color: white; border: none;
                            min-height: {t.touch_px + (6 if t.elderly else 0)}px; padding: 0 40px; }}
    QPushButton#Btn_choice {{ background: {t.surface}; color: {t.text}; border: {bw + 1}px solid {t.border};
                              text-align: left; padding: 16px 28px; font-size: {t.px(28)}px; }}
    QPushButton#Btn_choice:checked {{ background: {t.primary}; color: {t.on_primary}; border-color: {t.primary}; }}
    #ChoiceText {{ font-size: {t.px(28)}px; font-weight: 600; color: {t.text}; background: transparent; }}
    #ChoiceText[on="true"] {{ color: {t.on_primary}; }}
    #ChoiceText[full="true"] {{ color: #8A94A6; }}
    QPushButton#Btn_choice[full="true"] {{ color: #8A94A6; background: #F1F3F6; }}
    QPushButton#Btn_key {{ background: {t.surface}; color: {t.text}; border: {bw + 1}px solid {t.border};
                           font-size: {t.px(32)}px; padding: 0; min-height: {MIN_TOUCH_PX + (0 if t.compact else 8)}px;
                           min-width: {MIN_TOUCH_PX}px; }}
    QPushButton#Btn_key:pressed {{ background: #DCE8F8; }}
    QPushButton#FaceButton {{ background: {t.surface}; border: {bw + 1}px solid {t.border}; border-radius: 20px; }}
    #FaceText {{ font-size: {t.px(26)}px; font-weight: 700; background: transparent; }}
    QScrollArea {{ border: none; background: transparent; }}
    QScrollArea > QWidget > QWidget {{ background: transparent; }}
    #IdleOverlay {{ background: rgba(10, 20, 40, 0.72); }}
    #IdlePanel {{ background: {t.surface}; border-radius: 24px; }}
    #AttractOverlay {{ background: {t.primary}; }}
    #AttractOverlay QLabel {{ color: {t.on_primary}; }}
    #AttractBig {{ font-size: {t.px(64)}px; font-weight: 800; }}
    #AttractSmall {{ font-size: {t.px(32)}px; }}
    #A11yCaption {{ font-size: {t.px(44)}px; font-weight: 700; color: {t.on_primary}; background: {t.primary};
                    padding: 40px; }}
    #A11yFocus {{ background: transparent; border: 6px solid {t.accent}; border-radius: 18px; }}
    #A11yEdge {{ background: transparent; }}
    """
