"""Pairings from sentences: groups, lists, trios, qualifiers, direction of assistance."""

from __future__ import annotations

import re

import pytest

from nlp.givers import direct_by_givers, find_givers
from nlp.relations import PlaceRef, find_pairings

PARENTS = {
    "440703": "440700", "440704": "440700", "440705": "440700", "440781": "440700",
    "440783": "440700", "440784": "440700", "440785": "440700", "440700": "440000",
    "440300": "440000", "441500": "440000", "440106": "440100", "441424": "441400",
    "440309": "440300", "440303": "440300", "441581": "441500", "441521": "441500",
    "120103": "120000", "623001": "623000", "330106": "330100", "440404": "440400",
    "321204": "321200",
}  # fmt: skip
NAMES = {
    "江门市": "440700", "新会区": "440705", "台山市": "440781", "鹤山市": "440784",
    "开平市": "440783", "蓬江区": "440703", "江海区": "440704", "恩平市": "440785",
    "深圳市": "440300", "汕尾市": "441500", "广州市": "440100", "天河区": "440106",
    "梅州市": "441400", "五华县": "441424", "Xinhui": "440705", "Taishan": "440781",
    "Heshan": "440784", "Kaiping": "440783", "Pengjiang": "440703", "Jianghai": "440704",
    "Enping": "440785", "Jiangmen": "440700", "Shenzhen": "440300", "Shanwei": "441500",
    "Longhua District": "440309", "Lufeng City": "441581", "Luohu District": "440303",
    "Haifeng County": "441521", "天津市": "120000", "河西区": "120103", "甘南州": "623000",
    "合作市": "623001", "Hangzhou": "330100", "Xihu District": "330106",
    "Jingning County": "331127", "Jinwan district": "440404", "Macao": "820000",
    "Zhuhai": "440400", "Taizhou": "321200", "Ankang": "610900", "Jiangyan district": "321204",
    "济南市": "370100", "临夏州": "622900", "北京": "110000", "深圳": "440300",
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
        # a group counted by the sentence is one group, not the pair the link words make
        (
            "An incubator brought in by Pengjiang and Jianghai has opened in Enping, the first "
            "result of the three-way partnership.",
            {(TRIO, "pairing", None, None)},
        ),
        # a group whose own clause says how it relates, after a helper's clause
        (
            "Shenzhen's Longhua District will help Lufeng City build a park, while Luohu "
            "District has been paired with Haifeng County to develop tourism.",
            {
                (("440309", "441581"), "assistance", "440309", "441581"),
                (("440303", "441521"), "pairing", None, None),
            },
        ),
        (
            "在天津市对口支援甘南州的框架下，天津市河西区与甘南州首府合作市已结对多年。",
            {
                (("120000", "623000"), "assistance", "120000", "623000"),
                (("120103", "623001"), "pairing", None, None),
            },
        ),
        # what is in brackets repeats a name and does not stop "of Hangzhou" qualifying it
        (
            "Xihu District (西湖) of Hangzhou and Jingning County opened a shared park to "
            "co-build industry.",
            {(("330106", "331127"), "co_build", None, None)},
        ),
        ("汕尾市由深圳市对口帮扶。", {(("440300", "441500"), "assistance", "440300", "441500")}),
        # where people come from is no pair
        ("The aid team, drawn from Shenzhen and Shanwei, will help.", set()),
        # an aside between commas after the subject does not stop "signed … with"
        (
            "Zhuhai's Jinwan district, home to the city's airport, signed a tourism "
            "cooperation agreement with Macao.",
            {(("440404", "820000"), "cooperation", None, None)},
        ),
        # a part of a member named after "in" is where something is, not a member
        (
            "Taizhou and Ankang opened an enclave industrial park, jointly built by the two "
            "cities, in Taizhou's Jiangyan district.",
            {(("321200", "610900"), "co_build", None, None)},
        ),
        # asides after a place describe it; the places in them are no party
        (
            "Shenzhen, capital of the tech industry, and Shanwei in Guangdong signed a "
            "friendship-city agreement.",
            {(("440300", "441500"), "sister_city", None, None)},
        ),
        (
            "Heshan, at the foot of a hill, and Kaiping, which lies east of Jiangmen, were "
            "twinned as friendship cities in 2019.",
            {(HK, "sister_city", None, None)},
        ),
        (
            "Luohu District, another Shenzhen district, has helped Haifeng County build a road.",
            {(("440303", "441521"), "assistance", "440303", "441521")},
        ),
        # an aside that states the relation is kept
        (
            "Shenzhen, which has been paired to assist Shanwei, opened a school.",
            {(("440300", "441500"), "assistance", "440300", "441500")},
        ),
        # a list is no aside
        (
            "Xinhui, Taishan and Kaiping signed a cooperation agreement.",
            {(("440705", "440781", "440783"), "cooperation", None, None)},
        ),
        # "与X相邻的Y": X only says where Y is
        (
            "与新会区相邻的台山市由深圳市对口支援。",
            {(("440300", "440781"), "assistance", "440300", "440781")},
        ),
        ("与开平市隔江相望的鹤山市也参加了协作座谈会。", set()),
        ("蓬江区与恩平市结为友好县区。", {(("440703", "440785"), "sister_city", None, None)}),
        # "位于X的Y": X only locates Y
        ("新会区与位于江门市东部的鹤山市结对。", {(("440705", "440784"), "pairing", None, None)}),
        # the group's subject gives when the sentence names the helped place again
        (
            "新会区与台山市结对以来，已累计向台山市投入帮扶资金1.2亿元。",
            {(XT, "assistance", "440705", "440781")},
        ),
        # the helped place is in the helping verb's own clause, not the next clause's subject
        (
            "新会区与台山市签署新一轮结对帮扶协议，新会区承诺每年投入帮扶资金。",
            {(XT, "assistance", None, None)},
        ),
        (
            "Under the programme, Xinhui will also help Taishan build a tea centre.",
            {(XT, "assistance", "440705", "440781")},
        ),
        # places a cooperation will reach (等县), a border named after two provinces
        (
            "北京与深圳的协作将拓展至新会区、台山市等县。",
            {(("110000", "440300"), "cooperation", None, None)},
        ),
        (
            "Xinhui and Taishan will co-build a park straddling the Shenzhen-Shanwei border.",
            {(XT, "co_build", None, None)},
        ),
        # "A, which B assists": B helps A
        (
            "Neighbouring Taishan, which Xinhui also assists, opened a plant built by a firm.",
            {(XT, "assistance", "440705", "440781")},
        ),
        # where goods come from (来自), and a share of the money for a county
        ("在新会区一家消费帮扶馆里，来自台山市的香菇摆满了货架。", set()),
        ("今年深圳市安排协作资金3.2亿元，支持江门市发展，其中7600万元定向投入台山市。", set()),
        (
            "Xinhui, Taishan and Kaiping, three neighbours near the river, launched a joint "
            "tourism alliance.",
            {(("440705", "440781", "440783"), "cooperation", None, None)},
        ),
        # a venue, places listed as objects, places that only say where: no pair
        ("鹤山市对口帮扶工作推进会日前在开平市召开。", set()),
        (
            "新会区向台山市提供协作资金，用于开平市、鹤山市两市的饮水工程。",
            {(XT, "cooperation", None, None)},
        ),
        ("开幕当天，开平市、鹤山市签约的项目合计148亿元。", set()),
        (
            "江门市鹤山市、开平市两市结成对口合作城市以来，落地项目40余个。",
            {(HK, "cooperation", None, None)},
        ),
        (
            "三市将在新会区、台山市和开平市交界地带携手建设合作区。",
            set(),
        ),
        # an event named after its places is not their pair
        ("The memorandum was signed during the Shenzhen-Shanwei Week.", set()),
        # a list after the pair named before, and places where work is done, are no pair
        ("明年两市合作将延伸至新会区、台山市的稻米加工。", set()),
        ("两市下辖的新会区与台山市亦签署了治理协议。", {(XT, "cooperation", None, None)}),
        ("深圳市援疆工作队将在新会区、台山市等地开展支援工作。", set()),
        (
            "The three cities of Xinhui, Taishan and Kaiping jointly launched a joint fund.",
            {(("440705", "440781", "440783"), "cooperation", None, None)},
        ),
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


def givers(sentence: str) -> list[tuple[str, str | None]]:
    pattern = re.compile("|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)))
    places = [PlaceRef(NAMES[m.group(0)], m.start(), m.end()) for m in pattern.finditer(sentence)]
    return find_givers(sentence, places, is_parent)


def test_who_gives_money_or_people_to_whom() -> None:
    assert givers("河西区累计投入帮扶资金6800万元。") == [("120103", None)]
    assert givers("Heshan will send rural specialists to villages in Kaiping.") == [
        ("440784", "440783")
    ]
    assert givers("Shenzhen will channel 1.8 billion yuan into projects in Shanwei.") == [
        ("440300", "441500")
    ]
    # a place after 向 receives what the place before it gives
    assert givers("济南市今年向临夏州安排财政援助资金4.2亿元。") == [("370100", "622900")]
    # where the help goes: the place a sentence opens on, or beside the helper's phrase
    assert givers("在汕尾市，深圳市援建的学校开学。") == [("440300", "441500")]
    assert givers("在深圳市的支持下，汕尾市的产业园投产。") == [("440300", "441500")]
    assert givers("A park opened in Shanwei, built with 38 million yuan from Shenzhen.") == [
        ("440300", "441500")
    ]
    # a share of the money, a list of places and firms' origin say nothing of a receiver
    assert givers("深圳市安排资金3亿元，其中1亿元投向汕尾市。") == []
    assert givers("深圳市投入帮扶资金，在新会区、台山市和开平市布局产业。") == [("440300", None)]
    assert givers("而在汕尾市，深圳市帮助建成的基地开始向广州市供货。") == [("440300", "441500")]
    assert givers("A farm fair in Shanwei sponsored by Shenzhen opens today.") == [
        ("440300", "441500")
    ]
    assert givers("深圳市派出招商小分队赴汕尾市。") == []
    assert givers("Shenzhen sent a further 15 doctors.") == [("440300", None)]
    # receiving is not giving, and money of no aid with no receiver says nothing
    assert givers("汕尾市获得深圳市支持。") == []
    assert givers("深圳市今年安排资金3亿元。") == []
    # an aid team arriving is help sent; money received from a place is that place's giving
    assert givers("深圳市第十批援疆干部人才近日抵达汕尾市。") == [("440300", "441500")]
    assert givers("Shanwei will receive 15 million yuan from Shenzhen's Luohu District.") == [
        ("440303", "441500")
    ]
    assert givers("Shenzhen has earmarked 38 million yuan for Shanwei.") == [("440300", "441500")]
    assert givers("Shenzhen will put 52 million yuan into Shanwei.") == [("440300", "441500")]
    # the possessor of the aid money helps; people sent to learn are not help
    assert givers("In Shanwei, a park built with Shenzhen's aid money has opened.") == [
        ("440300", "441500")
    ]
    assert givers("Shanwei has sent 20 village cadres to Shenzhen for training.") == []
    assert givers("汕尾市也派出15名干部到深圳市跟岗学习。") == []
    assert givers("深圳市选派15名干部到汕尾市挂职。") == [("440300", "441500")]
    # the place a "where" clause attaches to receives; a place that only locates does not
    assert givers("Money will go to Shanwei, where Shenzhen also funded a plant.") == [
        ("440300", "441500")
    ]
    assert givers("Lufeng City in Shanwei will receive 310 million yuan from Shenzhen.") == [
        ("440300", "441581")
    ]


def covers(outer: str, inner: str) -> bool:
    return outer == inner or is_parent(outer, inner)


def test_a_co_building_pair_is_directed_only_by_its_own_giving() -> None:
    claims: list[tuple[str, str | None]] = [("120000", "623000")]  # Tianjin helps Gannan
    pair = [(("120103", "623001"), None)]
    assert direct_by_givers(pair, claims, covers, ["co_build"]) == [None]
    assert direct_by_givers(pair, claims, covers, ["pairing"]) == [("120103", "623001")]
    own: list[tuple[str, str | None]] = [("120103", None)]  # the district itself gives
    assert direct_by_givers(pair, own, covers, ["co_build"]) == [("120103", "623001")]


def test_a_pair_is_directed_by_the_articles_giving_statements() -> None:
    pairings = [(HK, None), (XT, None), (("120103", "623001"), None), (TRIO, None)]
    claims: list[tuple[str, str | None]] = [
        ("440784", "440783"),  # Heshan gives to Kaiping
        ("440705", None),  # Xinhui gives aid money
        ("440781", None),  # and so does Taishan: no direction
        ("120000", "623000"),  # Tianjin helps Gannan: its district helps Gannan's city
        ("440703", "440785"),  # trios have no direction
    ]
    assert direct_by_givers(pairings, claims, covers) == [
        ("440784", "440783"),
        None,
        ("120103", "623001"),
        None,
    ]
