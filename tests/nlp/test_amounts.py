"""Money amounts in Chinese and English, normalised to a number and an ISO currency."""

from __future__ import annotations

import pytest

from nlp.amounts import chinese_number, find_amounts


@pytest.mark.parametrize(
    ("text", "written", "value", "currency"),
    [
        ("设立了3300万元的协作资金", "3300万元", 33_000_000, "CNY"),
        ("a 32-million-yuan ranger programme", "32-million-yuan", 32_000_000, "CNY"),
        ("总投资2.1亿元", "2.1亿元", 210_000_000, "CNY"),
        ("首期5000万元到位", "5000万元", 50_000_000, "CNY"),
        ("a fund of RMB 33 million", "RMB 33 million", 33_000_000, "CNY"),
        ("worth $196 million in all", "$196 million", 196_000_000, "USD"),
        ("HK$1.2 billion was raised", "HK$1.2 billion", 1_200_000_000, "HKD"),
        ("3.5 billion yuan this year", "3.5 billion yuan", 3_500_000_000, "CNY"),
        ("人民币1.5亿元", "人民币1.5亿元", 150_000_000, "CNY"),
        ("达3,300万元", "3,300万元", 33_000_000, "CNY"),
        ("投入三千万元", "三千万元", 30_000_000, "CNY"),
        ("首期拨款3,000萬澳門元", "3,000萬澳門元", 30_000_000, "MOP"),
        ("港币42亿元", "港币42亿元", 4_200_000_000, "HKD"),
        ("RMB33m for roads", "RMB33m", 33_000_000, "CNY"),
        ("计划总投资1.2亿，", "1.2亿", 120_000_000, "CNY"),
    ],
)
def test_amounts(text: str, written: str, value: int, currency: str) -> None:
    (amount,) = find_amounts(text)
    assert (amount.text, amount.value, amount.currency) == (written, value, currency)
    assert text[amount.start : amount.end] == written


@pytest.mark.parametrize(
    "text",
    [
        "人口1.2亿",  # a number with a multiplier, but no money
        "2022年5月1日",
        "the road is 100 km long",
        "GDP grew 5%",
        "13300",
        "面积5平方公里",
    ],
)
def test_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_several_amounts_in_order() -> None:
    found = find_amounts("中山市安排500万元，澳门方面亦投入300万澳门元，合计约US$1.1 million。")
    assert [(a.value, a.currency) for a in found] == [
        (5_000_000, "CNY"),
        (3_000_000, "MOP"),
        (1_100_000, "USD"),
    ]


def test_chinese_numerals() -> None:
    assert chinese_number("三千三百") == 3300
    assert chinese_number("十二") == 12
    assert chinese_number("两万") is None  # 万 is a multiplier, handled by the amount pattern
    assert chinese_number("abc") is None


def test_start_lookahead_keeps_every_match() -> None:
    """The lookahead of first characters only speeds the scan up: without it, the pattern
    finds the same matches (currency words in any case, before and after numbers)."""
    import re

    from nlp.amounts import _START, PATTERN

    plain = re.compile(PATTERN.pattern.replace(_START, "", 1), PATTERN.flags)
    words = ["RMB", "rmb", "CNY", "renminbi", "yuan", "¥", "￥", "人民币", "US$", "usd",
             "U.S. $", "$", "美元", "HK$", "hkd", "港币", "MOP$", "mop", "澳门元", "€", "eur",
             "欧元"]  # fmt: skip
    text = " ".join(f"{w}{gap}{n}" for w in words for gap in ("", " ") for n in ("5", "三百"))
    text += " 3 million yuan, 2.1亿元, 5 m dollars, 投资1.2亿，x5 RMB, 4 euros. 1,200 HK dollars"
    assert [m.groupdict() for m in PATTERN.finditer(text)] == [
        m.groupdict() for m in plain.finditer(text)
    ]
    assert len(find_amounts(text)) > len(words)
