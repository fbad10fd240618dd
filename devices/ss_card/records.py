"""Parse the SSSE records of a social-security card: TLV items, BCD padded with F, GBK padded with 00.

Every function here takes untrusted card bytes and returns a typed value or raises
:class:`RecordError` (a ProtocolError with a stable code) — never another exception.
"""

from __future__ import annotations

from datetime import date

from devices.errors import ProtocolError

# EF05 (issuer data) and EF06 (holder data) item tags, LD/T 32.5.
TAG_CARD_ID, TAG_CARD_TYPE, TAG_VERSION, TAG_INIT_ORG = 0x01, 0x02, 0x03, 0x04
TAG_ISSUE_DATE, TAG_EXPIRY_DATE, TAG_CARD_NUMBER = 0x05, 0x06, 0x07
TAG_ID_NUMBER, TAG_NAME, TAG_NAME_EXT, TAG_SEX = 0x08, 0x09, 0x4E, 0x0A
TAG_NATION, TAG_BIRTHPLACE, TAG_BIRTH_DATE = 0x0B, 0x0C, 0x0D

SEXES: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# GB/T 3304 nation codes (two BCD digits on the card), without the trailing 族.
NATIONS: dict[str, str] = dict(
    zip(
        [f"{i:02d}" for i in range(1, 57)] + ["97", "98"],
        "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
        "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
        "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 其他 外国血统中国籍人士".split(),
        strict=True,
    )
)


class RecordError(ProtocolError):
    """A card record does not follow LD/T 32.5 (bad TLV, BCD or text)."""

    code = "device.ss_card.record"


def parse_tlv(data: bytes, *, expect_tag: int | None = None) -> tuple[int, bytes]:
    """One ``tag len value`` item as returned by READ RECORD; trailing bytes are ignored."""
    if len(data) < 2:
        raise RecordError(f"record too short ({len(data)} bytes) for tag and length")
    tag, length = data[0], data[1]
    if expect_tag is not None and tag != expect_tag:
        raise RecordError(f"record tag {tag:02X} where {expect_tag:02X} was asked for")
    if length > len(data) - 2:
        raise RecordError(f"record {tag:02X} says {length} bytes but carries {len(data) - 2}")
    return tag, bytes(data[2 : 2 + length])


def parse_items(data: bytes) -> dict[int, bytes]:
    """A run of TLV items (a whole record file read by number): tag → value, first wins."""
    items: dict[int, bytes] = {}
    pos = 0
    while pos < len(data):
        if data[pos] in (0x00, 0xFF):  # padding after the last item
            pos += 1
            continue
        tag, value = parse_tlv(data[pos:])
        items.setdefault(tag, value)
        pos += 2 + len(value)
    return items


def decode_bcd(value: bytes, *, allow_hex: bool = False) -> str:
    """BCD digits right-padded with F: ``19 90 03 07`` → ``"19900307"``, ``12 3F`` → ``"123"``."""
    digits = value.hex().upper()
    digits = digits.rstrip("F")
    if "F" in digits:
        raise RecordError("F padding in the middle of a BCD item")
    if not allow_hex and not digits.isdigit() and digits:
        raise RecordError("non-decimal nibble in a BCD item")
    return digits


def decode_text(value: bytes) -> str:
    """GBK text right-padded with 00 (some issuers pad with spaces or FF): the trimmed string."""
    raw = value.split(b"\x00", 1)[0].rstrip(b"\xff")
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError as exc:
        raise RecordError("text item is not valid GBK") from exc
    if any(ord(c) < 0x20 for c in text):
        raise RecordError("control characters in a text item")
    return text.strip()


def decode_date(value: bytes) -> str | None:
    """4-byte BCD ``YYYYMMDD`` → ``YYYY-MM-DD``; all-F (not written) → None."""
    digits = decode_bcd(value)
    if not digits:
        return None
    if len(digits) != 8:
        raise RecordError(f"date item has {len(digits)} digits, expected 8")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
    except ValueError as exc:
        raise RecordError("date item is not a calendar date") from exc


def decode_card_id(value: bytes) -> str:
    """Card identification code (16 B): hex digits; the first six are the issuing region."""
    if len(value) != 16:
        raise RecordError(f"card identification code is {len(value)} bytes, expected 16")
    code = value.hex().upper()
    if not code[:6].isdigit():
        raise RecordError("card identification code does not start with a region code")
    return code


def decode_ascii(value: bytes, *, what: str) -> str:
    """Card number, version, ID number: printable ASCII padded with 00/20/FF."""
    raw = value.split(b"\x00", 1)[0].rstrip(b"\xff ")
    if not raw.isascii() or not all(0x21 <= b < 0x7F for b in raw):
        raise RecordError(f"{what} is not printable ASCII")
    return raw.decode("ascii")


def decode_version(value: bytes) -> str:
    """Spec version ``"1.00"`` / ``"2.00"`` / ``"3.00"``; some cards write it as BCD ``30 00``."""
    text = decode_ascii(value, what="card version") if value[:1].isdigit() else ""
    if text and text[0] in "123":
        return text
    digits = decode_bcd(value, allow_hex=True)
    if digits[:1] in ("1", "2", "3"):
        return f"{digits[0]}.{(digits[1:3] or '00').ljust(2, '0')}"
    raise RecordError("unknown card version")


def decode_sex(value: bytes) -> str:
    """'1' 男, '2' 女 (ASCII, as LD/T 32.5 writes it; a raw 0x01/0x02 byte is accepted too)."""
    if len(value) < 1:
        raise RecordError("empty sex item")
    code = chr(value[0]) if value[0] >= 0x30 else str(value[0])
    if code not in SEXES:
        raise RecordError("unknown sex code")
    return SEXES[code]


def decode_nation(value: bytes) -> str:
    """GB/T 3304 code in BCD → the nation's name."""
    digits = decode_bcd(value)
    if len(digits) == 1:
        digits = "0" + digits
    if digits not in NATIONS:
        raise RecordError("unknown nation code")
    return NATIONS[digits]


def full_name(name: bytes, extension: bytes | None) -> str:
    """Name (30 B) plus name extension (tag 4E, 20 B, cards 2.0+) for long minority names."""
    text = decode_text(name)
    if extension:
        text += decode_text(extension)
    if not text:
        raise RecordError("empty name")
    return text


def encode_bcd(digits: str, length: int) -> bytes:
    """For card models and tests: digits right-padded with F to ``length`` bytes."""
    return bytes.fromhex(digits.ljust(length * 2, "F"))


def encode_text(text: str, length: int) -> bytes:
    """For card models and tests: GBK text right-padded with 00."""
    raw = text.encode("gbk")
    if len(raw) > length:
        raise ValueError(f"{text!r} needs {len(raw)} bytes, the item has {length}")
    return raw.ljust(length, b"\x00")
