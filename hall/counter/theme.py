"""Style sheet of the counter terminal and the evaluation pad: calm office colours, large type."""

# A window under this height (a 1366×768 screen, a 1280×1024 one less its taskbar) is compact: smaller type
# and lower buttons, still at least 14 px text and 40 px targets (tests/e2e/test_counter_fits_its_screen.py).
COMPACT_BELOW_PX = 960

COUNTER_QSS = """
QWidget { font-family: "Noto Sans CJK SC"; font-size: 17px; color: #1d2733; }
#counterRoot, #loginPanel { background: #eef2f7; }
#header { background: #0b2447; }
#header QLabel { color: #ffffff; font-size: 20px; }
#header #windowTitle { font-size: 26px; font-weight: bold; }
#header #onlineBadge[online="true"] { color: #9be29b; }
#header #onlineBadge[online="false"] { color: #ffcf70; }
#ticketPanel, #actionsPanel, #statsBar { background: #ffffff; border: 1px solid #d5dde8; border-radius: 10px; }
#bigNumber { font-size: 96px; font-weight: bold; color: #0b2447; }
#ticketStatus { font-size: 22px; color: #24528f; }
#fieldTitle { color: #6b7a90; }
#fieldValue { font-size: 19px; }
#sectionTitle { font-size: 19px; font-weight: bold; color: #0b2447; }
#deadline { color: #6d4700; font-weight: bold; } #deadlineOver { color: #c62828; font-weight: bold; }
#missingList { color: #a33b00; }
#materialTile { border: 1px solid #d5dde8; border-radius: 6px; }
#verdict_accepted { color: #2e7d32; } #verdict_missing { color: #c62828; }
QPushButton { padding: 8px 14px; border-radius: 6px; background: #e3e9f2; border: 1px solid #c3cedd; }
QPushButton:disabled { color: #9aa6b6; background: #f1f3f6; border-color: #e0e5ec; }
QPushButton.action { font-size: 22px; min-height: 50px; text-align: left; padding-left: 18px; }
QPushButton#act_call_next:enabled { background: #1f5fbf; color: white; border: none; font-weight: bold; }
QPushButton#act_finish:enabled { background: #2e7d32; color: white; border: none; }
QPushButton#act_no_show:enabled { background: #b35c00; color: white; border: none; }
QPushButton#act_alert { background: #c62828; color: white; border: none; font-weight: bold; }
QPushButton#act_alert:disabled { background: #e8b4b4; color: #fff; }
#statsBar QLabel { font-size: 18px; }
#statsBar #statValue { font-size: 24px; font-weight: bold; color: #0b2447; }
#message[level="ok"] { color: #2e7d32; } #message[level="info"] { color: #24528f; }
#message[level="warn"] { color: #a35a00; } #message[level="error"] { color: #c62828; }
#message { font-size: 19px; }
#dialogError { color: #c62828; }
#bookingsPanel { background: #ffffff; }
#bookingsHint[level="info"] { color: #24528f; } #bookingsHint[level="warn"] { color: #a35a00; font-weight: bold; }
#loginCard { background: #ffffff; border: 1px solid #d5dde8; border-radius: 12px; }
#submissionScroll, #submissionBox { background: #ffffff; }
#submissionBox { border-top: 1px solid #d5dde8; }
#loginTitle { font-size: 30px; font-weight: bold; color: #0b2447; }
#loginButton { font-size: 20px; min-height: 48px; background: #1f5fbf; color: white; border: none; }
QLineEdit, QComboBox, QSpinBox { font-size: 20px; padding: 6px; }
"""

# Compact: only sizes change, after the full sheet (later rules of the same selector win).
COMPACT_QSS = """
QWidget { font-size: 15px; }
#header QLabel { font-size: 17px; }
#header #windowTitle { font-size: 21px; }
#header QPushButton { padding: 4px 12px; min-height: 30px; }
#bigNumber { font-size: 60px; }
#ticketStatus { font-size: 19px; }
#fieldValue, #sectionTitle, #message { font-size: 16px; }
QPushButton { padding: 5px 12px; min-height: 28px; }
QPushButton.action { font-size: 18px; min-height: 32px; padding-top: 4px; padding-bottom: 4px; }
#statsBar QLabel { font-size: 15px; }
#statsBar #statValue { font-size: 20px; }
#loginTitle { font-size: 24px; }
QLineEdit, QComboBox, QSpinBox { font-size: 17px; padding: 4px; }
"""


def counter_qss(*, compact: bool) -> str:
    """The counter's style sheet; ``compact`` for a short screen."""
    return COUNTER_QSS + (COMPACT_QSS if compact else "")


PAD_QSS = """
QWidget { font-family: "Noto Sans CJK SC"; color: #1d2733; }
#padRoot { background: #f4f7fb; }
#padTitle { font-size: 40px; font-weight: bold; color: #0b2447; }
#padSub { font-size: 24px; color: #52627a; }
#padClerk { font-size: 34px; color: #0b2447; }
QPushButton.face { font-size: 22px; min-height: 150px; min-width: 150px; border-radius: 16px;
                   background: #ffffff; border: 2px solid #d5dde8; }
QPushButton.face:checked { border: 4px solid #1f5fbf; background: #e8f0fd; }
QPushButton.reason { font-size: 22px; min-height: 64px; border-radius: 10px; background: #ffffff;
                     border: 2px solid #d5dde8; }
QPushButton.reason:checked { border: 3px solid #c62828; background: #fdeaea; }
QPushButton#padSend { font-size: 26px; min-height: 70px; background: #1f5fbf; color: white; border: none;
                      border-radius: 10px; }
QPushButton#padSend:disabled { background: #9db6df; }
#padError { font-size: 22px; color: #c62828; }
"""
