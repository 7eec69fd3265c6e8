"""Pairings from sentences: groups, lists, trios, qualifiers, direction of assistance."""

from __future__ import annotations

import re

import pytest

from nlp.relations import PlaceRef, find_pairings

PARENTS = {
    "440703": "440700", "440704": "440700", "440705": "440700", "440781": "440700",
    "440783": "440700", "440784": "440700", "440785": "440700", "440700": "440000",
    "440300": "440000", "441500": "440000", "440106": "440100", "441424": "441400",
}  # fmt: skip
NAMES = {
    "江门市": "440700", "新会区": "440705", "台山市": "440781", "鹤山市": "440784",
    "开平市": "440783", "蓬江区": "440703", "江海区": "440704", "恩平市": "440785",
    "深圳市": "440300", "汕尾市": "441500", "广州市": "440100", "天河区": "440106",
    "梅州市": "441400", "五华县": "441424", "Xinhui": "440705", "Taishan": "440781",
    "Heshan": "440784", "Kaiping": "440783", "Pengjiang": "440703", "Jianghai": "440704",
    "Enping": "440785", "Jiangmen": "440700", "Shenzhen": "440300", "Shanwei": "441500",
}  # fmt: skip


def is_parent(parent: str, child: str) -> bool:
    up = PARENTS.get(child)
    while up:
        if up == parent:
            return True
        up = PARENTS.get(up)
    return False


def pairs(sentence: str) -> set[tuple[tuple[str, ...], str, str | None, str | None]]:
    pattern = re.compile("|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)))
    places = [PlaceRef(NAMES[m.group(0)], m.start(), m.end()) for m in pattern.finditer(sentence)]
    return {
        (f.members, f.relation, f.source, f.target)
        for f in find_pairings(sentence, places, is_parent=is_parent)
    }


XT = ("440705", "440781")
HK = ("440783", "440784")
TRIO = ("440703", "440704", "440785")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("鹤山市与开平市签署结对合作框架协议。", {(HK, "pairing", None, None)}),
        ("开平市与东部的鹤山市近日签署结对协议。", {(HK, "pairing", None, None)}),
        (
            "新会区与台山市、蓬江区和江海区与恩平市分别签署结对合作协议。",
            {(XT, "pairing", None, None), (TRIO, "pairing", None, None)},
        ),
        ("蓬江区、江海区与恩平市的三方结对合作取得新进展。", {(TRIO, "pairing", None, None)}),
        (
            "The Pengjiang-Jianghai-Enping trio will co-build a park.",
            {(TRIO, "pairing", None, None)},
        ),
        (
            "With the Xinhui-Taishan and Pengjiang-Jianghai-Enping groups in place, the pairing "
            "scheme is complete.",
            {(XT, "pairing", None, None), (TRIO, "pairing", None, None)},
        ),
        (
            "Heshan has signed a pairing cooperation framework agreement with Kaiping.",
            {(HK, "pairing", None, None)},
        ),
        (
            "深圳市对口帮扶汕尾市，投入资金3亿元。",
            {(("440300", "441500"), "assistance", "440300", "441500")},
        ),
        ("汕尾市接受深圳市帮扶。", {(("440300", "441500"), "assistance", "440300", "441500")}),
        (
            "Shenzhen assists Shanwei in building factories.",
            {(("440300", "441500"), "assistance", "440300", "441500")},
        ),
        # a city in front of its own district only says where the district is
        (
            "广州市天河区则与梅州市五华县结对，援建五华县人民医院。",
            {(("440106", "441424"), "assistance", "440106", "441424")},
        ),
        ("江门市鹤山市与开平市签约。", {(HK, "cooperation", None, None)}),
    ],
)
def test_pairings(sentence: str, expected: set[object]) -> None:
    assert pairs(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Rain fell on Xinhui and Taishan.",  # no cooperation word
        "江门市新会区今年GDP增长5%。",  # one place
        "深圳今年安排资金，重点支持新会区和台山市的产业发展。",  # helped places, helper absent
    ],
)
def test_no_pairing(sentence: str) -> None:
    assert pairs(sentence) == set()
