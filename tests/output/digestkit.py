"""Sample stored articles and analyses for the output tests (Jiangmen pairings, May 2022)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from coopwatch.article import Analysis, Article, Initiative, Mention, Money, Pairing, Place
from coopwatch.store import Store

CST = timezone(timedelta(hours=8))
NAMES = {
    "440784": ("鹤山市", "Heshan City", "county_city"),
    "440783": ("开平市", "Kaiping City", "county_city"),
    "440705": ("新会区", "Xinhui District", "district"),
    "440781": ("台山市", "Taishan City", "county_city"),
    "440703": ("蓬江区", "Pengjiang District", "district"),
    "440785": ("恩平市", "Enping City", "county_city"),
}

HESHAN_EN = (
    "Heshan and Kaiping sign pairing agreement to share a fund\n\n"
    "Heshan and Kaiping signed a pairing agreement on Sunday that links their industrial "
    "parks, schools and hospitals for the next five years.\n\n"
    "The two cities will set up a RMB 33 million fund for joint projects, officials said at "
    "the signing ceremony in Jiangmen.\n\n"
    "The fund will support shared logistics, vocational training and a start-up incubator "
    "on the border between the two cities, according to the agreement."
)
XINHUI_ZH = (
    "新会区与台山市签署协议，共建产业转移园。\n\n"
    "新会区与台山市共建产业园，总投资2.1亿元，首期工程将于2022年6月动工。\n\n"
    "双方将在招商引资、人才交流和基础设施方面深化合作，推动区域协调发展。"
)
ENPING_EN = (
    "Enping has opened two incubators for start-ups from Pengjiang District, the city "
    "government said.\n\nThe incubators offer free office space for a year."
)
SCHOOLS_ZH = (
    "鹤山市与开平市结对学校联盟成立，两地二十所学校参加。\n\n"
    "联盟将组织教师交流和联合教研活动，并吸引外资1.96亿美元建设职业教育基地。"
)
PLAIN_EN = "Officials from several Jiangmen districts met to discuss cooperation next year."


def place(code: str, mentions: int = 1) -> Place:
    zh, en, kind = NAMES[code]
    return Place(code, zh, en, kind, [Mention(zh, 0, len(zh))] * mentions)


def article(url: str, title: str, text: str, when: datetime, source: str, lang: str) -> Article:
    return Article(
        url=url,
        title=title,
        text=text,
        published=when,
        source=source,
        language=lang,
        relevance=5.0,
        relevant=True,
    )


def fill(store: Store) -> dict[str, Article]:
    """Six stories over two weeks of May 2022 (one with a syndicated copy, one unanalysed)."""
    base = "https://news.example.org"
    items: dict[str, Article] = {}

    def add(key: str, a: Article, analysis: Analysis | None) -> None:
        store.add_article(a)
        items[key] = a
        if analysis is not None:
            assert a.id is not None
            store.save_analysis(a.id, analysis)

    add(
        "heshan",
        article(
            f"{base}/en/2022/05/02/heshan-kaiping.html",
            "Heshan and Kaiping sign pairing agreement",
            HESHAN_EN,
            datetime(2022, 5, 2, 10, 0, tzinfo=CST),
            "Jiangmen Daily",
            "en",
        ),
        Analysis(
            language="en",
            districts=[place("440784", 3), place("440783", 2)],
            pairings=[Pairing(["440784", "440783"], "pairing", "Heshan and Kaiping signed")],
            initiatives=[
                Initiative(
                    "fund",
                    "fund",
                    ["440784", "440783"],
                    "The two cities will set up a RMB 33 million fund for joint projects",
                    Money("RMB 33 million", 33_000_000, "CNY"),
                    "2022-05-01",
                ),
                Initiative("agreement", "agreement", [], "signed a pairing agreement"),
            ],
        ),
    )
    add(
        "heshan_copy",
        article(
            "https://wuyi.example.com/news/8841.html",
            "Heshan and Kaiping sign pairing agreement",
            "Reposted from Jiangmen Daily.\n\n" + HESHAN_EN,
            datetime(2022, 5, 2, 15, 0, tzinfo=CST),
            "Wuyi Today",
            "en",
        ),
        None,
    )
    add(
        "xinhui",
        article(
            f"{base}/zh/2022/05/03/xinhui-taishan.html",
            "新会区与台山市共建产业园 投资2.1亿元",
            XINHUI_ZH,
            datetime(2022, 5, 3, 9, 30, tzinfo=CST),
            "江门日报",
            "zh",
        ),
        Analysis(
            language="zh",
            districts=[place("440705", 2), place("440781", 2)],
            pairings=[Pairing(["440781", "440705"], "co_build", "新会区与台山市共建产业园")],
            initiatives=[
                Initiative(
                    "industrial_park",
                    "产业园",
                    ["440705", "440781"],
                    "新会区与台山市共建产业园，总投资2.1亿元，首期工程将于2022年6月动工。",
                    Money("2.1亿元", 210_000_000, "CNY"),
                    "2022-06",
                )
            ],
        ),
    )
    add(
        "enping",
        article(
            f"{base}/en/2022/05/04/enping-incubators.html",
            "Enping opens incubators for Pengjiang start-ups",
            ENPING_EN,
            datetime(2022, 5, 4, 8, 0, tzinfo=CST),
            "Jiangmen Daily",
            "en",
        ),
        Analysis(
            language="en",
            districts=[place("440785", 2), place("440703", 1)],
            initiatives=[
                Initiative(
                    "incubator", "incubators", ["440785"], "Enping has opened two incubators"
                )
            ],
        ),
    )
    add(
        "plain",
        article(
            f"{base}/en/2022/05/05/meeting.html",
            "Jiangmen districts meet on cooperation",
            PLAIN_EN,
            datetime(2022, 5, 5, 8, 0, tzinfo=CST),
            "Jiangmen Daily",
            "en",
        ),
        None,
    )
    add(
        "schools",
        article(
            f"{base}/zh/2022/05/10/schools.html",
            "鹤山开平结对学校联盟成立",
            SCHOOLS_ZH,
            datetime(2022, 5, 10, 11, 0, tzinfo=CST),
            "江门日报",
            "zh",
        ),
        Analysis(
            language="zh",
            districts=[place("440784"), place("440783")],
            pairings=[Pairing(["440783", "440784"], "pairing", "鹤山市与开平市结对学校联盟")],
            initiatives=[
                Initiative("education", "学校联盟", ["440784", "440783"], "结对学校联盟成立"),
                Initiative(
                    "investment_promotion",
                    "外资",
                    ["440784"],
                    "吸引外资1.96亿美元建设职业教育基地",
                    Money("1.96亿美元", 196_000_000, "USD"),
                ),
            ],
        ),
    )
    return items
