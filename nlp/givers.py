"""Who gives whom money or people: the sentences that say one place helps another.

They create assistance pairings of their own (facts.PairingFinder) and give undirected
pairings of the article a direction (pipeline._finish), as the gold guide has it: money given
by one side for the other is assistance, and its giver is the helper.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nlp.relations import (
    CHINESE,
    CLAUSE_END,
    FROM_BEFORE,
    PART_OF,
    SENTENCE_PUNCT,
    TO_ZH,
    PlaceRef,
    fold_qualifiers,
)

# Giving money or people to the other side says who helps whom, in any sentence of the
# article: "白云区累计投入帮扶资金", "Heshan will send specialists to Kaiping", "Shenzhen will
# channel 1.8 billion yuan into projects in Shanwei".
GIVING = re.compile(
    r"投入|安排(?![，,。下])|拨付|援建|出资|资助|捐赠|选派|派出|派驻|输送|支持|支援|帮扶|援助|帮助|协助|"
    r"下达|下達|划拨|劃撥|追加|"
    r"\b(?:sends?|sent|will send|channels?|channelled|channeled|put up|puts up|provides?|"
    r"provided|donates?|donated|finances?|financed|funded|supports?|supported|"
    r"helps?|helped|assists?|assisted|earmark(?:s|ed)?|allocat(?:es?|ed)|sets? aside|"
    r"pledge[sd]?|commit(?:s|ted)|will spend|spends?|spent|"
    r"puts?(?=\s[^.;]{0,40}?\byuan\b))\b|"
    # "山东省第十一批援疆干部人才近日抵达喀什地区": an aid team arriving is help sent
    r"(?:援[疆藏青]|帮扶|支援|援派|援助)[^，,。；]{0,10}?(?:抵达|抵達|到达|到達|进驻|進駐)",
    re.IGNORECASE,
)
# What is given when the sentence does not name who receives it: aid money or aid staff.
AID_OBJECT = re.compile(
    r"帮扶资金|援助资金|协作资金|援[疆藏青]资金|财政帮扶|对口支援资金|帮扶干部|援派|挂职干部|"
    r"医生|教师|干部|专家|技术人员|"
    r"\b(?:aid|assistance funds?|support funds?|doctors|teachers|officials|experts|"
    r"specialists|aid workers)\b",
    re.IGNORECASE,
)
NO_GIVING_BEFORE = re.compile(r"(?:接受|获得|得到|受|received?|from)\s*$", re.IGNORECASE)


def find_givers(
    sentence: str,
    places: list[PlaceRef],
    is_parent: Callable[[str, str], bool] = lambda parent, child: False,
) -> list[tuple[str, str | None]]:
    """(giver, receiver or None) for each place the sentence says gives money or help.

    The giver is the place that is the subject of a giving verb: the nearest place before it
    in its clause, or the place the sentence opens with. The receiver is the first other
    place after the verb; without one, only aid money or aid staff makes a claim."""
    # "广州市天河区", "新疆喀什地区": the district, not the city in front of it, gives or receives
    ordered = fold_qualifiers(sentence, sorted(places, key=lambda p: p.start), is_parent)
    out: list[tuple[str, str | None]] = _helped_by(sentence, ordered, is_parent)
    # "在和政县，济南援建的…": a place the sentence opens on is where the help goes
    opening = FRONT_LOCATION.match(sentence)
    fronted = next((p for p in ordered if opening and p.end == opening.end(1)), None)
    for verb in GIVING.finditer(sentence):
        if NO_GIVING_BEFORE.search(sentence, 0, verb.start()):
            continue
        if BUSINESS_OBJECT.match(sentence, verb.end()):
            continue  # "派出招商小分队赴徐州": courting business, not help
        stop_at = CLAUSE_END.search(sentence, verb.end())
        if TO_LEARN.search(sentence, verb.end(), stop_at.start() if stop_at else len(sentence)):
            continue  # people sent to learn are not help given
        clause = max((m.end() for m in CLAUSE_END.finditer(sentence, 0, verb.start())), default=0)
        before = [p for p in ordered if clause <= p.start and p.end <= verb.start()]
        if (
            not before
            and ordered
            and ordered[0].start == 0
            and ordered[0].end <= verb.start()
            and not CHINESE.search(sentence, 0, verb.start())
        ):
            before = [ordered[0]]  # "Yuexiu District, which is paired with Libo, has put up…"
        if not before:
            continue
        # "济南市今年向临夏州安排资金": a place after 向/对/为/给 receives, the one before gives
        receivers = [p for p in before if TO_ZH.search(sentence, 0, p.start)]
        givers_ = [p for p in before if p not in receivers]
        if not givers_:
            continue
        giver = givers_[-1].code
        if receivers and receivers[-1].start > givers_[-1].start:
            out.append((giver, receivers[-1].code))
            continue
        stop = SENTENCE_PUNCT.search(sentence, verb.end())
        end = stop.start() if stop else len(sentence)
        part = PART_OF.search(sentence, verb.end(), end)  # "其中4.2亿元投向…": a share
        end = part.start() if part else end
        after = [
            p.code
            for p in ordered
            if verb.end() <= p.start < end
            and p.code != giver
            and not FROM_BEFORE.search(sentence, 0, p.start)
            # a list of places (在巴宜区、米林市和察隅县) is where a programme runs
            and not LISTED.match(sentence, p.end)
            and not LISTED_BEFORE.search(sentence, 0, p.start)
        ]
        where = WHERE_CLAUSE.search(sentence, max(0, clause - 1), verb.start())
        if fronted is not None and fronted.code != giver:
            out.append((giver, fronted.code))  # "在温泉县，宜昌市帮助建成的…"
        elif not after and where is not None:
            # "…will go to Gyantse County, where Shanghai also funded a plant"
            place = next((p for p in reversed(ordered) if p.end <= where.start()), None)
            if place is not None and place.code != giver:
                out.append((giver, place.code))
        elif after:
            out.append((giver, after[0]))
        elif AID_OBJECT.search(sentence, verb.start(), end):
            out.append((giver, None))
    return list(dict.fromkeys(out))


WHERE_CLAUSE = re.compile(r",\s*where\b[^,.;]*$", re.IGNORECASE)
BUSINESS_OBJECT = re.compile(r"[^，,。；]{0,6}?(?:招商|考察|商务|推介)")
LISTED = re.compile(r"[、]")
LISTED_BEFORE = re.compile(r"、$|、[^，,。；]{1,12}[和及]$")
FRONT_LOCATION = re.compile(
    r"\s*(?:而|但|另外|此外|同时)?[，,]?\s*(?:在|于)([^，,。；;]{2,24}?)[，,]"
)
# "在大连市的支持下，比如县…", "由广州市援建的疏附县…", "built with 38 million yuan from
# Hangzhou's Xihu district": the helper is named inside a phrase, the helped place beside it.
HELPED_BY_ZH = re.compile(
    r"在([^，,。；]{2,20}?)的?(?:大力)?(?:支持|帮助|帮扶|援助|支援)下|由([^，,。；的]{2,20}?)(?:援建|帮扶|出资|资助)"
)
# "built with Jiangsu's aid money", "thanks to Shijingshan's help": the possessor helps.
POSSESSIVE_HELP = re.compile(
    r"\b(?:with|using|thanks to|through|under)\s+(?=[A-Z][\w' -]{0,30}?['’]s\s+"
    r"(?:aid|help|support|assistance|money|funds?|funding|investment)\b)",
)
# People sent to learn ("sent 20 village cadres to Beijing for training", "到栖霞区跟岗学习")
# are not help given.
TO_LEARN = re.compile(
    r"\bfor training\b|\bto (?:study|learn|be trained)\b|跟岗|跟崗|学习|學習|进修|進修|"
    r"接受培训|接受培訓|参加培训|參加培訓",
    re.IGNORECASE,
)
FROM_EN = re.compile(
    r"\b(?:with|from|using)\s+[^.;]{0,40}?\b(?:yuan|aid|funds?|money|support|help)\s+from\s+"
    r"|\b(?:funded|financed|built|paid for|sponsored)\s+by\s+"
    r"|\breceiv(?:e|es|ed|ing)\s+[^.;]{0,50}?\bfrom\s+",
    re.IGNORECASE,
)


def _helped_by(
    sentence: str, ordered: list[PlaceRef], is_parent: Callable[[str, str], bool]
) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    spans = [
        (m.start(m.lastindex or 0), m.end(m.lastindex or 0))
        for m in HELPED_BY_ZH.finditer(sentence)
    ]
    # the helper is what "from" or "by" names, right after it
    spans += [(m.end(), m.end() + 60) for m in FROM_EN.finditer(sentence)]
    spans += [(m.end(), m.end() + 40) for m in POSSESSIVE_HELP.finditer(sentence)]
    spans = [
        (start, end)
        for start, end in spans
        if not sentence[start:end].isascii() or any(0 <= p.start - start <= 4 for p in ordered)
    ]
    for start, end in spans:
        inside = [p for p in ordered if start <= p.start and p.end <= end]
        if not inside:
            continue
        helper = inside[0]
        for nxt in inside[1:]:  # "辽宁省大连市", "Hangzhou's Xihu district": the last named
            if len(sentence[helper.end : nxt.start]) <= 3:
                helper = nxt
        others = [
            p
            for p in ordered
            if p not in inside
            and not is_parent(p.code, helper.code)
            and not is_parent(helper.code, p.code)
            and p.code != helper.code
        ]
        if sentence[start:end].isascii():
            # "a fair in Bachu sponsored by Baoshan": the place nearest before is helped, not
            # one that only locates it ("Makit County in Kashgar Prefecture will receive…")
            before = [p for p in others if p.end <= start]
            before = [p for p in before if not any(is_parent(p.code, o.code) for o in before)]
            others = before[-1:] or others
        if others:
            out.append((helper.code, others[0].code))
    return out


def direct_by_givers(
    pairings: list[tuple[tuple[str, ...], str | None]],
    givers: list[tuple[str, str | None]],
    covers: Callable[[str, str], bool],
    relations: list[str] | None = None,
) -> list[tuple[str, str] | None]:
    """For each two-member pairing without a direction, (source, target) when the article's
    giving statements point one way only; `covers(a, b)` says a is b or contains it.

    A pair that co-builds something is directed only by its own members' giving: a city
    giving to a city says nothing of two of their districts building a park together."""
    out: list[tuple[str, str] | None] = []
    for index, (members, source) in enumerate(pairings):
        if source is not None or len(members) != 2:
            out.append(None)
            continue
        own_only = relations is not None and relations[index] == "co_build"
        ways: set[tuple[str, str]] = set()
        for x, y in (members, members[::-1]):
            for giver, receiver in givers:
                gives = covers(giver, x) and not covers(giver, y)
                to_other = receiver is None or (covers(receiver, y) and not covers(receiver, x))
                if own_only and giver != x and receiver != y:
                    continue
                if gives and to_other:
                    ways.add((x, y))
        out.append(ways.pop() if len(ways) == 1 else None)
    return out
