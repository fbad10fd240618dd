"""Code tables and check digits: sex (GB/T 2261.1), nation (GB/T 3304), ID numbers (GB 11643)."""

from __future__ import annotations

SEXES: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# GB/T 3304-1991 民族代码, as printed on the card (without the trailing 族).
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉",
    "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米", "41": "塔吉克", "42": "怒",
    "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂", "47": "保安", "48": "裕固",
    "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲", "54": "门巴", "55": "珞巴",
    "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}

# Nationality codes on foreigners' permanent residence cards are ISO 3166-1 alpha-3. Only the
# countries a hall meets most often get a Chinese name here; any other code is shown as itself.
COUNTRIES: dict[str, str] = {
    "USA": "美国", "CAN": "加拿大", "GBR": "英国", "FRA": "法国", "DEU": "德国", "ITA": "意大利",
    "ESP": "西班牙", "RUS": "俄罗斯", "JPN": "日本", "KOR": "韩国", "PRK": "朝鲜", "SGP": "新加坡",
    "MYS": "马来西亚", "THA": "泰国", "VNM": "越南", "IDN": "印度尼西亚", "PHL": "菲律宾", "IND": "印度",
    "PAK": "巴基斯坦", "AUS": "澳大利亚", "NZL": "新西兰", "BRA": "巴西", "MEX": "墨西哥", "NLD": "荷兰",
    "SWE": "瑞典", "CHE": "瑞士", "MNG": "蒙古", "KAZ": "哈萨克斯坦", "MMR": "缅甸", "LAO": "老挝",
}

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"


def gb11643_check_char(first17: str) -> str:
    """The check character for the first 17 digits of an ID number (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def gb11643_valid(id_number: str) -> bool:
    """True when ``id_number`` is 17 digits plus a correct check character (``X`` allowed)."""
    s = id_number.strip().upper()
    if len(s) != 18 or not s[:17].isascii() or not s[:17].isdigit():
        return False
    return gb11643_check_char(s[:17]) == s[17]


def _mrz_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    return ord(c) - ord("A") + 10


def mrz_check_char(text: str) -> str:
    """ICAO 9303 7-3-1 check digit over digits and capital letters."""
    if not text.isascii() or not all(c.isdigit() or "A" <= c <= "Z" for c in text):
        raise ValueError("expected ASCII digits and capital letters")
    weights = (7, 3, 1)
    return str(sum(_mrz_value(c) * weights[i % 3] for i, c in enumerate(text)) % 10)


def foreign_permanent_valid(number: str) -> bool:
    """Check a foreigner's permanent residence number.

    The 2017 card has 15 characters (nationality alpha-3, region, YYMMDD, sequence) with an ICAO
    7-3-1 check digit last; the 2023 card has 18 digits starting with 9 and the GB 11643 check.
    """
    s = number.strip().upper()
    if len(s) == 18:
        return s.startswith("9") and gb11643_valid(s)
    if len(s) == 15 and s[:3].isascii() and s[:3].isalpha() and s[3:].isascii() and s[3:].isdigit():
        return mrz_check_char(s[:14]) == s[14]
    return False
