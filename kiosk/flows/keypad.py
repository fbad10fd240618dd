"""Accessible mode (无障碍, issue 14.8) as plain Python: keypad keys in, what to say and do out.

A citizen without sight drives the kiosk with a USB numeric keypad (or the touch screen's edges). The
Qt layer (``kiosk.screens.accessible``) lists the page's controls by their spoken labels, hands every
key to :class:`KeypadNavigator` and carries out the :class:`Outcome`: say a text through the voice
device, press a control, type a digit on the page's keypad, change the voice's volume.

Keys (names used by the Qt layer; a numeric keypad with Num Lock off sends arrows for 8/2/4/6):

=================  ==============================================================
``up``/``left``    previous control (wraps round)
``down``/``right`` next control (wraps round)
``enter``          press the focused control
``plus``/``minus`` voice louder / quieter (levels 1..10)
``star``           say the page's prompt and the focused control again
``digit:N``        a page with a digit keypad (ID number): type N; elsewhere focus control N
``backspace``      a page with a digit keypad: delete the last digit
=================  ==============================================================

The screen's edges act as keys too: left edge ``left``, right edge ``right``, bottom edge ``enter``,
top edge ``star``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n import tr

VOLUME_MIN, VOLUME_MAX = 1, 10
EDGE_KEYS = {"edge_left": "left", "edge_right": "right", "edge_bottom": "enter", "edge_top": "star"}
KEYS = frozenset({"up", "down", "left", "right", "enter", "plus", "minus", "star", "backspace",
                  *(f"digit:{d}" for d in "0123456789"), *EDGE_KEYS})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one key asks for; empty fields mean nothing of that kind."""

    say: str = ""
    press: int | None = None  # index of the control to press
    type_digit: str = ""  # the digit to type on the page's keypad
    delete: bool = False  # delete the last typed digit
    volume: int | None = None  # the new voice level


class KeypadNavigator:
    """The focus on the current page and the voice level; one instance per kiosk."""

    def __init__(self, *, lang: str = "zh_CN", volume: int = VOLUME_MAX) -> None:
        self.lang = lang
        self.labels: tuple[str, ...] = ()
        self.index = 0
        self.typing = False  # the page has a digit keypad (typed ID number)
        self.prompt = ""  # the page's prompt, said again by ``star``
        self.volume = max(VOLUME_MIN, min(VOLUME_MAX, volume))

    @property
    def focused(self) -> str:
        return self.labels[self.index] if self.labels else ""

    def page(self, labels: list[str] | tuple[str, ...], *, prompt: str = "", typing: bool = False) -> str:
        """A new page: focus its first control; returns what to say (prompt, then the control)."""
        self.labels, self.index, self.typing, self.prompt = tuple(labels), 0, typing, prompt
        return self._join(prompt, self._item())

    def refresh(self, labels: list[str] | tuple[str, ...]) -> None:
        """Same page, controls changed (a list grew, a label changed): keep the focus on its label."""
        keep = self.focused
        self.labels = tuple(labels)
        self.index = self.labels.index(keep) if keep in self.labels else min(self.index, max(len(labels) - 1, 0))

    def key(self, name: str) -> Outcome:
        """The outcome of one key; an unknown key does nothing."""
        name = EDGE_KEYS.get(name, name)
        if name in ("up", "left", "down", "right"):
            return self._move(-1 if name in ("up", "left") else 1)
        if name == "enter":
            return Outcome(press=self.index) if self.labels else Outcome(say=tr(self.lang, "a11y.nothing"))
        if name in ("plus", "minus"):
            self.volume = max(VOLUME_MIN, min(VOLUME_MAX, self.volume + (1 if name == "plus" else -1)))
            return Outcome(say=tr(self.lang, "a11y.volume", level=self.volume), volume=self.volume)
        if name == "star":
            return Outcome(say=self._join(self.prompt, self._item()))
        if name == "backspace":
            return Outcome(delete=True) if self.typing else Outcome()
        if name.startswith("digit:") and name[6:].isdigit():
            return self._digit(name[6:])
        return Outcome()

    def typed(self, count: int, *, digit: str = "") -> str:
        """What to say after the page's field changed: the digit just typed (none: one was deleted)
        and how many there are now. The whole number is never read out in the hall."""
        if not count:
            return tr(self.lang, "a11y.empty")
        if digit:
            return tr(self.lang, "a11y.typed", digit=digit, count=count)
        return tr(self.lang, "a11y.deleted", count=count)

    def _digit(self, digit: str) -> Outcome:
        if self.typing:
            return Outcome(type_digit=digit)
        n = int(digit)
        if not 1 <= n <= len(self.labels):
            return Outcome(say=self._item())
        self.index = n - 1
        return Outcome(say=self._item())

    def _move(self, step: int) -> Outcome:
        if not self.labels:
            return Outcome(say=tr(self.lang, "a11y.nothing"))
        self.index = (self.index + step) % len(self.labels)
        return Outcome(say=self._item())

    def _item(self) -> str:
        if not self.labels:
            return tr(self.lang, "a11y.nothing")
        return tr(self.lang, "a11y.item", n=self.index + 1, total=len(self.labels), label=self.focused)

    @staticmethod
    def _join(*parts: str) -> str:
        return " ".join(p for p in parts if p)  # a space is a pause for the voice
