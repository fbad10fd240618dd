"""What a calling announcement says, as pure functions: a call or a text in, spoken words out.

Ticket numbers are read digit by digit as halls do (``A023`` → "A 零 二 三"; "023" would otherwise
be read 二十三); an offline number keeps its kiosk prefix and loses the dash (``K1-D005`` → "K 一 D 零
零 五", shown as ``K1-D005``), so the citizen hears what the receipt says; window numbers up to 99
are read as numbers (12 → 十二). The result is a token list
that the clip driver maps to recorded clips and the espeak driver turns into tone-numbered pinyin.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from devices.voice.protocol import BadAnnouncement, Call, Utterance

DIGITS_ZH = "零一二三四五六七八九"
DIGITS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PAUSE = "，"  # a short pause token (a clip of silence, a comma for espeak)
# words with their own recorded clip, longest first so "号窗口" wins over "号"
WORDS_ZH: tuple[str, ...] = ("号窗口", "窗口", "办理", "再次", "呼叫", "请", "号", "到", "十")
WORDS_EN: tuple[str, ...] = ("en:number", "en:please go to window", "en:again")

# A023, A1000; offline K1-D005 (the kiosk's offline prefix, a dash, the number).
_NUMBER_RE = re.compile(r"^(?:[A-Za-z0-9]{1,8}-[A-Za-z]{1,3}|[A-Za-z]{0,3})\d{1,6}$")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_EN_PIECE_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d|[,.;:!?]")


def spell(number: str) -> list[str]:
    """``A023`` → ``["A", "零", "二", "三"]``: letters by name, digits one by one."""
    return [DIGITS_ZH[int(c)] if c.isdigit() else c.upper() for c in number if c.isalnum()]


def window_words(window: int | str) -> list[str]:
    """Window numbers 1–99 as numbers (十二), longer ones digit by digit."""
    s = str(window).strip()
    if not s.isdigit():
        raise BadAnnouncement(f"window must be a number, got {window!r}")
    n = int(s)
    if not 0 < n < 100:
        return spell(s)
    tens, ones = divmod(n, 10)
    words = ([] if tens == 0 else ["十"] if tens == 1 else [DIGITS_ZH[tens], "十"])
    return words + ([DIGITS_ZH[ones]] if ones else [])


def call_utterance(call: Call, *, english: bool = False) -> Utterance:
    """The call "请 A023 号 到 5 号窗口 办理" and its tokens; English line when asked."""
    number = call.number.strip().upper()
    if not _NUMBER_RE.match(number):
        raise BadAnnouncement("ticket number must look like A023 or K1-A023 (letters then digits), "
                              f"got {call.number!r}")
    window = str(call.window).strip()
    lead = ["再次", "呼叫", PAUSE] if call.recall else []
    tokens = [*lead, "请", *spell(number), "号", "到", *window_words(window), "号窗口", "办理"]
    text = ("再次呼叫 " if call.recall else "") + f"请 {number} 号 到 {window} 号窗口 办理"
    if not english:
        return Utterance(text, tuple(tokens))
    en_number = [f"en:{c}" for c in number if c.isalnum()]
    en_tokens = [*(["en:again"] if call.recall else []), "en:number", *en_number, PAUSE,
                 "en:please go to window", *(f"en:{c}" for c in window)]
    english_text = ("Again, number " if call.recall else "Number ") + f"{number}, please go to window {window}."
    return Utterance(text, tuple(tokens), english_text, tuple(en_tokens))


def text_utterance(text: str) -> Utterance:
    """Free text ("请A023号到5号窗口办理"): known words kept whole, digits and letters spelled.

    A sentence with English words and no Chinese ("Please choose a service") is said in English:
    its tokens are ``en:``-prefixed words, letters and digits."""
    clean = " ".join(text.split())
    if not clean:
        raise BadAnnouncement("nothing to say")
    if not _CJK_RE.search(clean) and _WORD_RE.search(clean):
        return Utterance(clean, _english_tokens(clean))
    tokens: list[str] = []
    i = 0
    while i < len(clean):
        word = next((w for w in WORDS_ZH if clean.startswith(w, i)), None)
        if word is not None:
            tokens.append(word)
            i += len(word)
            continue
        ch = clean[i]
        if ch.isdigit() and ch.isascii():
            tokens.append(DIGITS_ZH[int(ch)])
        elif ch.isascii() and ch.isalpha():
            tokens.append(ch.upper())
        elif ch == "-" and tokens and clean[i + 1:i + 2].isalnum():
            pass  # the dash of an offline number (K1-D005) is not read out
        elif ch in " ，,。.；;：:！!？?、":
            if tokens and tokens[-1] != PAUSE:
                tokens.append(PAUSE)
        else:
            tokens.append(ch)
        i += 1
    while tokens and tokens[-1] == PAUSE:
        tokens.pop()
    return Utterance(clean, tuple(tokens))


def _english_tokens(clean: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for piece in _EN_PIECE_RE.findall(clean):
        if piece in ",.;:!?":
            if tokens and tokens[-1] != PAUSE:
                tokens.append(PAUSE)
        elif piece.isdigit() or len(piece) == 1:
            tokens.append(f"en:{piece.upper()}")  # digits and letters have clips of their own
        else:
            tokens.append(f"en:{piece.lower()}")
    while tokens and tokens[-1] == PAUSE:
        tokens.pop()
    if not tokens:
        raise BadAnnouncement("nothing to say")
    return tuple(tokens)


def pinyin(tokens: tuple[str, ...]) -> str:
    """Tokens as input for espeak-ng's ``cmn-latn-pinyin`` voice: tone-numbered pinyin.

    Given Chinese characters that voice guesses readings (银行 → yin xing); pypinyin knows words.
    Letters stay capitals, which the voice reads by name.
    """
    out: list[str] = []
    chinese = ""
    for tok in (*tokens, ""):
        if tok and not tok.isascii() and tok != PAUSE:
            chinese += tok
            continue
        if chinese:
            out += lazy_pinyin(chinese, style=Style.TONE3, neutral_tone_with_five=True)
            chinese = ""
        if tok == PAUSE:
            out.append(",")
        elif tok:
            out.append(tok)
    return " ".join(out).replace(" ,", ",")


def english_text(tokens: tuple[str, ...]) -> str:
    """English tokens as words for espeak-ng's ``en`` voice (digits as words, letters by name)."""
    words: list[str] = []
    for tok in tokens:
        word = tok.removeprefix("en:")
        if tok == PAUSE:
            words.append(",")
        elif word.isdigit():
            words.append(DIGITS_EN[int(word)])
        else:
            words.append(word)
    return " ".join(words).replace(" ,", ",")
