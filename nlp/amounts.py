"""Money amounts as written ("RMB 33 million", "2.1亿元") normalised to value and currency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_MULT = {
    "万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8, "千万": 10**7,
    "百万": 10**6, "万": 10**4, "千": 10**3,
    "萬億": 10**12, "億": 10**8, "千萬": 10**7, "百萬": 10**6, "萬": 10**4,
}  # fmt: skip
EN_MULT = {
    "trillion": 10**12,
    "tn": 10**12,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "million": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "m": 10**6,
    "thousand": 10**3,
    "k": 10**3,
}

# Currency words before or after a number, by ISO 4217 code.
PREFIX = {
    "CNY": r"RMB|CNY|Rmb|renminbi|yuan(?=\s\d)|¥|￥|人民币|人民幣",
    "USD": r"US\$|USD|U\.S\.\s?\$|\$|美元",
    "HKD": r"HK\$|HKD|港币|港幣|港元",
    "MOP": r"MOP\$?|MOP|澳门元|澳門元|澳门币|澳門幣",
    "EUR": r"€|EUR|欧元|歐元",
}
SUFFIX_ZH = {
    "元": "CNY",
    "块": "CNY",
    "人民币": "CNY",
    "人民幣": "CNY",
    "美元": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "港幣": "HKD",
    "澳门元": "MOP",
    "澳門元": "MOP",
    "欧元": "EUR",
    "歐元": "EUR",
}
SUFFIX_EN = {
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "hong kong dollars": "HKD",
    "hk dollars": "HKD",
    "patacas": "MOP",
    "pataca": "MOP",
    "euros": "EUR",
    "euro": "EUR",
    "dollars": "USD",
}

_NUM = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUMERALS = "零〇一二两兩三四五六七八九十百千"
_CN_NUM = f"[{_CN_NUMERALS}]+"
_ZH_MULT = "|".join(sorted(CN_MULT, key=len, reverse=True))
_EN_MULT = "|".join(sorted(EN_MULT, key=len, reverse=True))
_PREFIXES = "|".join(f"(?P<p_{code}>{pattern})" for code, pattern in PREFIX.items())
_ZH_SUFFIX = "|".join(sorted(map(re.escape, SUFFIX_ZH), key=len, reverse=True))
_EN_SUFFIX = "|".join(sorted(map(re.escape, SUFFIX_EN), key=len, reverse=True))
_NOT_BEFORE = r"(?<![0-9A-Za-z.$])"
# Words that make "1.2亿" money even without 元.
MONEY_CONTEXT = re.compile(
    r"(投资|投入|资金|基金|金额|拨付|出资|融资|预算|注资|资助|补助|经费|产值|营收|捐赠|捐款)[^，。；,;]{0,6}$"
)

# A match starts with a digit, a Chinese numeral or the first character of a currency word:
# looking ahead for those first lets the scan pass every other position quickly.
_FIRST = {alt.removeprefix("\\")[0] for words in PREFIX.values() for alt in words.split("|")}
_START = rf"(?=[{re.escape(''.join(sorted(_FIRST)))}\d{_CN_NUMERALS}])"

PATTERN = re.compile(
    rf"""
    {_START}{_NOT_BEFORE}(?:(?P<prefix>{_PREFIXES})\s?)?
    (?P<num>{_NUM}|{_CN_NUM})
    (?:\s?(?P<zmult>{_ZH_MULT})|[\s-]?(?P<emult>{_EN_MULT})\b)?
    (?:\s?(?P<zsuf>{_ZH_SUFFIX})|[\s-](?P<esuf>{_EN_SUFFIX})\b)?
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    """A money amount: the text as written, its character offsets, value and ISO currency."""

    text: str
    start: int
    end: int
    value: int | float
    currency: str

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "value": self.value, "currency": self.currency}


def chinese_number(text: str) -> int | None:
    """三千三百 -> 3300; 十二 -> 12; None when it is not a number."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (digit if digit is not None else 1) * CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def _number(raw: str) -> Decimal | None:
    if raw[0].isdigit():
        try:
            return Decimal(raw.replace(",", "").replace("，", ""))
        except InvalidOperation:
            return None
    value = chinese_number(raw)
    return Decimal(value) if value is not None else None


def _value(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def find_amounts(text: str) -> list[Amount]:
    """Every money amount in the text, in order.

    A number counts as money only with a currency (before or after it); a Chinese
    multiplier alone (1.2亿) is money when a currency word precedes it.
    """
    found = []
    for m in PATTERN.finditer(text):
        prefix = next((code for code in PREFIX if m.group(f"p_{code}")), None)
        zsuf, esuf = m.group("zsuf"), m.group("esuf")
        currency = prefix
        if zsuf:
            currency = currency or SUFFIX_ZH[zsuf]
        elif esuf:
            currency = currency or SUFFIX_EN[esuf.lower()]
        if currency is None and m.group("zmult") and MONEY_CONTEXT.search(text[: m.start()]):
            currency = "CNY"
        if currency is None:
            continue
        raw = m.group("num")
        if not raw[0].isdigit() and not (m.group("zmult") or zsuf):
            continue  # a bare Chinese numeral word after "RMB" is too doubtful
        number = _number(raw)
        if number is None:
            continue
        if m.group("zmult"):
            number *= CN_MULT[m.group("zmult")]
        elif m.group("emult"):
            mult = m.group("emult").lower()
            if mult in ("m", "b", "k") and not prefix:
                continue  # "5 m yuan" is rare; "5 m" is usually metres
            number *= EN_MULT[mult]
        start, end = m.span()
        span_text = text[start:end].strip()
        start += len(text[start:end]) - len(text[start:end].lstrip())
        found.append(Amount(span_text, start, start + len(span_text), _value(number), currency))
    return found
