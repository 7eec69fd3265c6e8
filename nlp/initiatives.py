"""Initiatives: typed facts (fund, park, school alliance...) with places, amount, date, evidence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from nlp.amounts import Amount
from nlp.lexicon import Hit, Lexicon, load_toml
from nlp.relations import PAIR_ANAPHOR, PART_OF, relation_lexicon

MAX_TYPES_PER_SENTENCE = 3
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
MONTHS = {m.lower(): i for i, m in enumerate(_MONTH_NAMES.split(), start=1)}
DATE_ZH = re.compile(
    r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]|(\d{4})\s*年(?:底|内|前|上半年|下半年)?"
)
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH = "|".join(_MONTH_NAMES.split())
DATE_EN = re.compile(
    rf"\b(?:(\d{{1,2}})\s+({_MONTH})|({_MONTH})\s+(\d{{1,2}}))(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    r"|\b(?:in|by|before|until|end of)\s+(\d{4})\b"
)


@dataclass(frozen=True)
class FoundInitiative:
    type: str
    text: str
    districts: tuple[str, ...]
    amount: Amount | None
    date: str | None
    again: bool = False  # the thing told before, named again by its head word ("该园区")


# A thing named again by its head word alone, at the start of its clause or after a
# demonstrative: "该园区首期投资4.5亿元", "The park will cost 1.3 billion yuan".
BARE_HEAD = re.compile(
    r"园区|產業園|产业园|园|項目|项目|基地|中心|基金|park|project|centre|center|base|fund|zone|hub",
    re.IGNORECASE,
)


def same_head(text: str, head: str) -> bool:
    """Whether `text` names a thing of the head word `head` ("银耳精深加工产业园" and "园区":
    a park is a park, 园区 or 产业园; "greenhouse vegetable park" and "The park")."""
    word = head.lower().removeprefix("the ").strip()
    if word.endswith(("园", "园区", "園", "園區")):
        word = "园"
    return text.lower().removesuffix("区").removesuffix("區").endswith(word)


BEFORE_AGAIN = re.compile(
    r"(?:^|[，,；;])\s*(?:(?:该|該|这|這|此|上述)(?:座|个|個|一)?|(?:the|this|its|the\s+new)\s+)?$",
    re.IGNORECASE,
)


@cache
def initiative_lexicon() -> Lexicon:
    types = load_toml("initiatives.toml")["types"]
    assert isinstance(types, dict)
    return Lexicon({name: (spec.get("zh", []), spec.get("en", [])) for name, spec in types.items()})


def find_date(sentence: str, default_year: int | None = None) -> str | None:
    """The first date stated in the sentence, ISO-like: 2022-05-01, 2023-11, or 2025."""
    if m := DATE_ISO.search(sentence):
        return m.group(0)
    if m := DATE_ZH.search(sentence):
        if m.group(2):
            year = m.group(1) or (str(default_year) if default_year else None)
            if year is None:
                return None
            return f"{year}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        return m.group(4)
    if m := DATE_EN.search(sentence):
        if m.group(5):
            day = m.group(1) or m.group(4)
            month = MONTHS[(m.group(2) or m.group(3)).lower()]
            return f"{m.group(5)}-{month:02d}-{int(day):02d}"
        return m.group(6)
    return None


# Words that say money is being spent on something (so an amount is an initiative's).
MONEY_VERBS = re.compile(
    r"投入|投资|拨付|拨款|安排|出资|资助|援助|注资|支持|设立|筹集|预算|"
    r"\b(?:spend|spends|spent|invest|invests|invested|channel|channels|provide|provides|"
    r"allocate|allocated|allocates|earmark|earmarked|put up|budget|budgeted|finance|finances|"
    r"contribute|contributes|contributed|set up|raise|raised|received|receive|starts with|"
    r"will go to|goes to|go to|will go towards|goes towards|pledged?|pledges|committed|commits|"
    r"put(?:s|ting)?(?=[^.;]{0,40}\binto\b))\b|投向|下达|下達|获得|獲得",
    re.IGNORECASE,
)


# After an amount, these introduce what it pays for.
PURPOSE = re.compile(
    r"用于|用来|投向|专门用于|重点用于|支持|扶持|帮助|建设|实施|"
    r"\b(?:for|to build|to upgrade|to develop|to fund|"
    r"to finance|to support|to expand|on|(?:will )?go (?:mainly |mostly |largely )?(?:to|towards)|"
    r"(?:(?<=yuan )|(?<=million )|(?<=billion ))to(?=\s+(?:an?\s|the\s|its\s|(?-i:[A-Z])))|"
    r"goes (?:mainly |mostly |largely )?(?:to|towards))\b",
    re.IGNORECASE,
)
NOT_PURPOSE = frozenset({"fund", "agreement", "other"})
# Types of the people sent to the other side (teachers, doctors, cadres).
CREW = frozenset({"education", "health", "talent_exchange"})
# Things that are people or firms, not something a sum is the cost of ("引进企业12家").
PEOPLE = frozenset({"investment_promotion", "talent_exchange"})
# "三县", "五市", "the three cities": the group of places named before.
GROUP_ANAPHOR = re.compile(
    r"[三四五六七八九](?:地|方|县|縣|市|区|區|省|旗)|"
    r"\b(?:the (?:three|four|five|six) (?:cities|districts|counties|places|provinces)|"
    r"the trio)\b",
    re.IGNORECASE,
)
# The places of an earlier sentence, named again without their names ("两地还约定…").
ANAPHORA = re.compile(
    # the pair named before (两地, the two cities), or a bigger group of it
    rf"{PAIR_ANAPHOR.pattern}|{GROUP_ANAPHOR.pattern}|两省|两旗|"
    r"\b(?:the neighbours)\b"
    # "Its companies have opened…": the place of the sentence before
    r"|^\s*(?:its|their)\b"
    # a sentence opening on the agreement, fund or park told before is about its places too
    r"|^\s*(?:the|this) (?:agreement|deal|memorandum|mou|fund|park|programme|program|project)\b"
    r"|^\s*(?:该|這|这一?|此)(?:协议|協議|备忘录|基金|园区|園區|项目|項目)",
    re.IGNORECASE,
)
# Something set up, opened or launched: an initiative even when no type word names it.
FOUNDING = re.compile(
    r"建立|设立|開設|开设|开通|開通|成立|启用|啟用|投产|投產|开业|開業|建成|落成|"
    r"\b(?:set up|opened|has opened|launched|established|founded|started operating)\b",
    re.IGNORECASE,
)
# What follows a founding verb when only a relation is set up.
RELATION_SET_UP = re.compile(
    r"[^，。；,;.]{0,8}?(?:关系|關係|结对|結對|合作机制|对口|協作關係)"
    r"|\s*(?:an?\s+|the\s+)?(?:\w+\s+){0,3}?(?:relationship|ties|partnership|pairing)\b",
    re.IGNORECASE,
)
# An agreement referred back to ("根据协议", "under the agreement") is not a new one.
AGREED_BEFORE = re.compile(
    r"(?:根据|按照|依照|根據|依據|按照)(?:双方|雙方|两地|兩地|该|該|这一?|這一?|上述)?$"
    r"|\b(?:under|according to|in line with)\s+(?:the|this)\s+$",
    re.IGNORECASE,
)
SIGNING = re.compile(r"签|簽|sign", re.IGNORECASE)
# A sentence that opens on the agreement ("协议签订以来，…", "The agreement was signed…") is
# about the one told before, if there was one.
AGREEMENT_OPENS = re.compile(
    r"^\W*(?:(?:该|這|这|此|上述)?(?:协议|協議|备忘录|備忘錄)(?:签订|簽訂|签署|簽署)?"
    r"|(?:the|this)\s+(?:agreement|memorandum|mou|deal)(?:\s+was\s+signed)?)$",
    re.IGNORECASE,
)
# Deals counted or valued at a fair ("签约金额达27亿元", "deals worth 42.5 billion yuan were
# signed"): investment promotion, not an agreement between places.
DEAL_SIGNED = re.compile(
    r"(?:签约|簽約)(?:总额|總額|金额|金額|额|額)"
    r"|signed\s+(?:a\s+further\s+|further\s+|another\s+)?\d[\d,.]*\s+(?:deals|contracts|projects)\b",
    re.IGNORECASE,
)
DEALS_WERE_SIGNED = re.compile(
    r"\b(?:deals?|contracts?)\b(?:[^.;,]|\.(?=\d)){0,40}\b(?:were|was|been)\s+signed\b",
    re.IGNORECASE,
)
SIGN_VERBS = frozenset({"签约", "签署", "签订", "簽約", "簽署", "簽訂", "signed", "signing"})
# Firms signing ("与14家港资企业签约") are investment promotion, not an agreement of places.
FIRMS_BEFORE = re.compile(
    r"(?:企业|企業|公司|客商|集团|集團|\b(?:firms?|compan(?:y|ies)|investors|group))\s*$", re.I
)
# Firms named by their trade (a ceramics trader, a data-centre operator).
TRADERS_ZH = (
    "贸易商|貿易商|供应商|供應商|运营商|營運商|开发商|開發商|投资商|投資商|经销商|經銷商|批发商|"
    "批發商|制造商|製造商|厂商|廠商"
)
# A firm investing ("一家侨资企业亦投资2000万元", "a Russian firm will invest"): investment.
FIRM_INVESTS = re.compile(
    r"(?:企业|企業|公司|集团|集團)[^，。；,;]{0,10}?(?:投资|投資|追加投资|斥资|斥資|注资|注資)"
    # "长春一家文创企业已与当地合作社签约": a firm that signs is investment promotion
    r"|(?:(?:一家|多家|\d+家|几家|幾家)[^，。；,;]{0,10}?)?"
    rf"(?:企业|企業|公司|集团|集團|[车車药藥茶民国國外侨僑港]企|{TRADERS_ZH})"
    r"[^，。；,;]{0,14}?(?:签约|簽約|签订|簽訂|签署|簽署)"
    r"|\b(?:firms?|compan(?:y|ies)|group|investors|\w*makers?|traders?|mills?|operators?)"
    r"(?:,\s*which|,\s*who|\s+that)?\s+(?:will\s+|has\s+|have\s+|is\s+|are\s+)?"
    r"(?:also\s+|separately\s+|now\s+)?"
    r"(?:invest(?:s|ed|ing)?|agreed to (?:buy|build|invest|set up|supply|open)|will buy|signed|"
    r"building|builds|announced|unveiled)\b"
    # "signed a 2.3 billion yuan project with a Saudi energy company"
    r"|\bsign(?:s|ed|ing)?\b(?:[^.;]|\.(?=\d)){0,60}?\bwith\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:firms?|compan(?:y|ies)|group|\w*makers?|developer|investors?|operator)\b",
    re.IGNORECASE,
)
# A fund that gives ("基金将捐出1.5亿港元"): the giver, not where the money goes.
FUND_GIVES = re.compile(
    r"\s*(?:将|將|已|还|還|亦|也)?\s*(?:捐出|捐赠|捐贈|捐|出资|出資|资助|資助|拨出|撥出|投入)"
)
# Money that is a statistic, a result or a price, not spent on the cooperation.
NOT_SPENT_BEFORE = re.compile(
    # "比去年增加600万元", "较上年增加2000万元": a change against last year, not money spent
    r"(?:比|较|較)(?:去年|上年|前年|上一年)[^，。；,;]{0,4}(?:增加|增长|增長|减少|減少|多|少)了?\s*$|"
    r"(?:产值|产出|销售额|销售收入|销售|销售了|营收|营业收入|收入|生产总值|GDP|成交额|交易额|定价|"
    r"票价|售价|价格|单价|均价|收购价|租金|總產值|銷售額|營收|票價|售價|價格|租金|"
    # "采购…金额已达2.4亿元": a result so far
    r"已达|已達|已超过|已突破|团费|團費|收费|收費|出口额|出口額)[^，。；,;]{0,4}$"
    # a price range ("售价在300元至2000元之间"), a cap per firm or person ("每家企业最高可获")
    r"|(?:售价|售價|价格|價格|票价|票價)[^，。；,;]{0,12}$|每(?:家|户|戶|人|位|名)[^，。；,;]{0,10}$"
    r"|\b(?:tickets?|fares?|entry|admission)\b[^.,;]{0,20}\bcosts?\b[^.,;]{0,12}$"
    r"|\b(?:exports?|imports?|trade volume)\b[^.;]{0,80}$"
    r"|\b(?:GDP|revenue|revenues|sales|output|turnover|price|priced|fare|fares|income|sold|earned|"
    r"earns|earning|"
    r"rent|rents|fetch|fetches|sells? for)\b[^.,;]{0,24}$",
    re.IGNORECASE,
)
NOT_SPENT_AFTER = re.compile(
    r"^\s*(?:每|/|一张|一張|一瓶|一斤|per\b|each\b|apiece\b|"
    r"an?\s+(?:kg|kilogram|kilo|jin|ticket|night|head|person|bottle|box|month)\b)",
    re.IGNORECASE,
)
# The investment a set of projects adds up to, and words that name projects.
_COSTS_ZH = "总投资|總投資|计划投资|計劃投資|项目投资|項目投資"
_COSTS_EN = "total investment of|investment of|costs?|will cost"
_ABOUT_ZH = "[约約逾近达達為为超过過]*\\s*$"
_ABOUT_EN = ")\\s+(?:about\\s+|some\\s+)?$"
PROJECTS_COST = re.compile(
    rf"(?:{_COSTS_ZH}|投资额|投資額|投资总额|协议投资|意向投资|签约额|簽約額|总金额|總金額|"
    rf"签约金额|簽約金額|签约总额|簽約總額)(?:合计|合計|共计|共計)?{_ABOUT_ZH}"
    rf"|\b(?:{_COSTS_EN}|worth{_ABOUT_EN}",
    re.IGNORECASE,
)
# What a project costs (not a signing total, whose parts are projects of their own).
COST_OF = re.compile(
    rf"(?:{_COSTS_ZH}|首期投资|首期投資|投资|投資){_ABOUT_ZH}|\b(?:{_COSTS_EN}{_ABOUT_EN}",
    re.IGNORECASE,
)
PROJECT = re.compile(r"项目|項目|\bprojects?\b", re.IGNORECASE)
FUND_NEAR = 8  # characters between a named fund and its amount (Chinese)
FUND_NEAR_EN = 24
CLAUSE_BREAK = re.compile(r"[，,；;：:]")
PART_BREAK = re.compile(r"[；;]")
# Project signings with firms, however many words sit between ("签约12个数字经济项目",
# "signed 14 investment projects"): investment promotion, not an agreement between places.
SIGNED_PROJECTS = re.compile(
    r"(?:签约|簽約|签下|簽下|集中签约)[^，。；,;]{0,14}?项目|簽約[^，。；,;]{0,14}?項目"
    r"|\bsigned\b(?:[^.,;]|\.(?=\d)){0,40}?\bprojects?\b",
    re.IGNORECASE,
)
# People sent to the other side ("选派20名教师", "sent 23 teachers and doctors", "posted 14
# officials there"): an exchange of personnel, whatever their trade.
SENT_PEOPLE = re.compile(
    r"(?:选派|派出|派驻|互派|派遣|选调|選派|派駐|互派)[^，。；,;]{0,12}?"
    r"(干部|教师|医生|专家|人才|技术人员|醫生|教師|幹部|專家|工作队|医疗队)"
    r"|\b(?:sent|send|sends|sending|posted|posts|posting|seconded|dispatched|dispatches|swap|"
    r"swaps|swapped|exchange|exchanged|host|hosts|hosted|receive|receives|received|took in|"
    r"take in|takes in)\b"
    r"[^.,;]{0,30}?"
    r"\b(officials|cadres|teachers|doctors|experts|specialists|technicians|staff|aid workers)\b",
    re.IGNORECASE,
)
INVESTMENT_OF = re.compile(r"(?<=nvestment)\s+of\b", re.IGNORECASE)
INVESTMENT_SIZE = re.compile(
    r"\b(?:total|planned|initial|first-phase|first phase|estimated)\s+$", re.IGNORECASE
)
# "MOP 5 million (about 4.6 million yuan)": a conversion in brackets repeats the amount
CONVERSION = re.compile(
    r"^\s*[(（]\s*(?:about|approx\.?|approximately|roughly|around|some|约|約|合|折合|相当于|相當於)?\s*$",
    re.IGNORECASE,
)
# Money a firm pays for purchases or invests after signing ("今后每年采购…约8000万元",
# "与襄阳市签约，投资15亿元…"): the firm's deal, investment promotion.
FIRM_MONEY = re.compile(
    r"(?:采购|採購|收购|收購|订购|訂購|\b(?:purchases?|buy|buys|orders?)\b)[^，。；,;]{0,20}$"
    r"|(?<![总總])(?:投资|投資)\s*(?:约|約|逾|近|超过|超過)?\s*$"
    r"|\bwill invest\s*(?:about|some|around|nearly|over)?\s*$"
    r"|\b(?:building|builds|build)\s+an?\s*$|\bsigned\s+an?\s*$",
    re.IGNORECASE,
)
# A park for farming or for processing farm products is a farming project (the guide).
FARMING = re.compile(
    r"农业|農業|加工|\b(?:agricultural|agriculture|farming|tea|processing)\b", re.IGNORECASE
)
FUND_VERB = re.compile(
    r"\b(?:will|would|to|shall|can|could|may|also|jointly|help|helps|helped)\s+$", re.IGNORECASE
)
TEACHERS = re.compile(r"教师|教師|老师|老師|\bteachers?\b", re.IGNORECASE)
DOCTORS = re.compile(r"医生|醫生|医疗队|醫療隊|医务|醫務|\bdoctors?\b|\bmedics?\b", re.IGNORECASE)
OTHER_PEOPLE = re.compile(
    r"干部|幹部|人才|专家|專家|技术人员|技術人員|工作队|\b(?:officials|cadres|experts|specialists|"
    r"technicians|staff)\b",
    re.IGNORECASE,
)


def _people_type(sentence: str, m: re.Match[str]) -> str:
    """Teachers alone are education, doctors alone health, others or a mix an exchange."""
    stop = CLAUSE_BREAK.search(sentence, m.end())
    people = sentence[m.start() : stop.start() if stop else len(sentence)]
    teachers, doctors = TEACHERS.search(people), DOCTORS.search(people)
    if OTHER_PEOPLE.search(people) or (teachers and doctors):
        return "talent_exchange"
    return "education" if teachers else "health" if doctors else "talent_exchange"


TRAINING = re.compile(r"培训|培訓|train|trains|trained|training", re.IGNORECASE)
OFFICIALS = re.compile(
    r"干部|幹部|官员|官員|公务员|公務員|挂职|掛職|\b(?:officials|cadres|civil servants)\b",
    re.IGNORECASE,
)
# Words before the purpose in the clause after the money ("…, most of it for", "，重点用于").
SHARE_LEAD = re.compile(
    r"\s*(?:(?:most|much|the bulk|the rest|part|all|"
    r"(?:about |some |nearly )?\d+\s*(?:percent|per cent|%))"
    r" of (?:it|the money|this|that|which)\s*"
    r"|(?:约|約|近|超过|超過)?[一二三四五六七八九]成"
    r"(?:will\s+)?|"
    r"(?:mainly|mostly|largely)\s*|主要|重点|重點|"
    # "，在西吉县建设…": where, then what it builds
    r"在[^，。；,;]{1,12}?(?:共同|联合|聯合|合作)?)?",
    re.IGNORECASE,
)
TO_PLACE = re.compile(r"投向|\b(?:(?:will )?go(?:es)? (?:mainly |mostly |largely )?to|to)\b", re.I)
PERCENT_PART = re.compile(r"\d+\s*(?:percent|per cent|%)|[一二三四五六七八九]成")
FOR_THIS = re.compile(r"为此|為此|\bfor (?:this|it)\b", re.IGNORECASE)
LISTING = re.compile(r"[和及、]|以及|\band\b", re.IGNORECASE)
# Characters that may join two words of one noun phrase (Chinese compounds have none;
# English ones a space or hyphen): "农村学校", "rural school", "cold-chain logistics centre".
COMPOUND_GAP = re.compile(r"[ \-]?")


def find_initiatives(
    sentence: str,
    districts: list[str],
    amounts: list[Amount],
    *,
    has_place: bool,
    default_year: int | None = None,
    names: list[tuple[int, int]] | None = None,
    places: list[tuple[int, int]] | None = None,
) -> list[FoundInitiative]:
    """Initiatives stated in one sentence.

    A sentence qualifies when it names a place, an amount or a cooperation relation. Each
    thing named gives one initiative of its type (at most three types per sentence). A thing
    is a noun phrase: words of several types written together make one thing of the last
    word's type, its head ("农村学校" is a school, "食用菌产业园" a park, "扶贫基金" a fund).
    Words inside the name of a zone or town do not count, except the name's own head word
    (the Kashgar Shenzhen Industrial Park is a park). An amount being spent (投入, "will
    spend", or in a sentence that names an initiative) pays for, in this order: what a
    purpose phrase after it names (用于, "to build"), unless that purpose is a part's
    (其中…用于); the nearest thing named in its own clause other than a fund, an agreement or
    an other; the first thing the sentence is about; else it is a fund. Money that sits
    next to a named fund, or whose purpose lists several types of thing, is also a fund (a
    pool), so totals must count each amount once (by evidence and text), not each
    initiative.
    """
    related = any(True for _ in relation_lexicon().relations.find(sentence))
    has_place = has_place or bool(ANAPHORA.search(sentence))
    if not (has_place or amounts or related):
        return []
    hits = _things(sentence, names or [], places or [])
    types: dict[str, str] = {}
    again: dict[str, bool] = {}
    for hit in hits:
        if hit.key not in types:
            types[hit.key] = hit.text
            again[hit.key] = bool(
                BARE_HEAD.fullmatch(hit.text) and BEFORE_AGAIN.search(sentence, 0, hit.start)
            ) or bool(hit.key == "agreement" and AGREEMENT_OPENS.match(sentence[: hit.end]))
    converted = {
        b.start
        for a in amounts
        for b in amounts
        if a.end <= b.start and CONVERSION.match(sentence[a.end : b.start])
    }
    spent = _distinct(
        a
        for a in amounts
        if (MONEY_VERBS.search(sentence) or types or related)
        and _spent(sentence, a)
        and a.start not in converted
    )
    if not types and not spent:
        # "三地建立了…机制": something set up together, of no listed type; but a relation
        # set up ("建立结对关系") or only described is a pairing, not an initiative
        match = FOUNDING.search(sentence)
        if not has_place or match is None or RELATION_SET_UP.match(sentence, match.end()):
            return []
        text = match.group(0)
        return [
            FoundInitiative(
                "other", text, tuple(districts), None, find_date(sentence, default_year)
            )
        ]
    topic = next((h.key for h in hits if h.key not in NOT_PURPOSE), None)
    paid: list[tuple[str, Amount]] = []
    consumed: list[tuple[int, int]] = []  # purpose phrases: what some amount pays for
    for m in FIRM_INVESTS.finditer(sentence):
        # "企业与射阳县签署投资协议，拟投资25亿元建设储能电池生产基地": what the firm builds
        # is its deal's project, up to the end of the sentence or of its part (；)
        stop = PART_BREAK.search(sentence, m.end())
        consumed.append((m.end(), stop.start() if stop else len(sentence)))
    for amount in spent:
        if any(
            (_named_fund(h) or _fund_set_up(sentence, h))
            and _near(sentence, h, amount)
            and not FUND_GIVES.match(sentence, h.end)
            for h in hits
        ):
            paid.append(("fund", amount))  # "设立3300万元产业协作基金": the fund's money
            continue
        if FIRM_INVESTS.search(sentence) and FIRM_MONEY.search(
            sentence, max(0, amount.start - 30), amount.start
        ):
            paid.append(("investment_promotion", amount))
            continue
        if share := _share_of_cost(sentence, amount, amounts):
            consumed.append(share)  # the fund named there is that share, not a new one
            continue  # "总投资3200万元，其中援助资金1800万元": who pays part of the project
        kind, pool, listed, purpose = _pays_for(
            sentence, amount, amounts, hits, topic, places or []
        )
        if purpose is not None:
            consumed.append(purpose)
        aid_money = any(
            h.key == "fund"
            and _near(sentence, h, amount)
            and _nearest(h, amounts) is amount
            and not FUND_GIVES.match(sentence, h.end)
            for h in hits
        )
        if pool:
            paid.append(("fund", amount))  # money for several things is one pool of money
            continue
        if listed and aid_money:
            paid.append(("fund", amount))  # aid money for several things is a pool
            continue
        paid.append((kind, amount))
        if listed is None and aid_money and kind != "fund":
            paid.append(("fund", amount))  # aid money with no use of its own: both readings
        elif aid_money:
            # "安排专项资金1800万元，用于…": the word names this money, no fund of its own
            consumed.extend(
                (h.start, h.end) for h in hits if h.key == "fund" and _nearest(h, amounts) is amount
            )
    date = find_date(sentence, default_year)
    out: list[FoundInitiative] = []
    used: set[str] = set()
    for kind, amount in paid:
        out.append(
            FoundInitiative(
                kind,
                types.get(kind, amount.text),
                tuple(districts),
                amount,
                date,
                again.get(kind, False),
            )
        )
        used.add(kind)
    # a thing named only as what an amount pays for is that amount's initiative; of the
    # others, the first few kinds named (a sentence is rarely about more)
    rest = [
        kind
        for kind in types
        if kind not in used
        and not all(any(s <= h.start < e for s, e in consumed) for h in hits if h.key == kind)
    ]
    for kind in rest[: max(0, MAX_TYPES_PER_SENTENCE - len(used))]:
        out.append(FoundInitiative(kind, types[kind], tuple(districts), None, date, again[kind]))
    return out


# Fields of cooperation listed ("在产业、就业、医疗等方面", "涵盖金融、科创及青年交流等领域",
# "in areas such as trade and tourism"): what the places will work on, not things done.
FIELDS = re.compile(
    r"(?:在|涵盖|涵蓋|围绕|圍繞|聚焦|覆盖|覆蓋)[^，。；,;：:]{2,40}?(?:领域|領域|方面)"
    r"(?:的)?(?:深化|加强|加強|开展|開展|推进|推進|展开|展開|持续|持續)?(?:交流|合作|协作|協作)?"
    r"|\b(?:in|on|across|covering)\s+(?:the\s+)?(?:areas|fields|sectors)\s+(?:of|such as|including|"
    r"like)\s+[^.;]*",
    re.IGNORECASE,
)


# Visitors counted, tourism income, ticket prices: a description of tourism, not a thing done,
# unless the sentence launches something (a route, a discount, a pass).
VISITORS_COUNTED = re.compile(
    r"接待(?:游客|遊客)|(?:游客|遊客|旅客)[^，。；,;]{0,12}?(?:人次|万人|萬人)|(?:旅游|旅遊)(?:总|總)?收入|"
    r"门票(?:为|為|价|價|平日价|旺季)|門票(?:為|價)|"
    r"\b(?:received|receives|draws?|drew|attracted)\s+(?:some\s+|about\s+|nearly\s+|over\s+)?"
    r"[\d.,]+\s*(?:million\s+)?(?:visitors|tourists|visits)\b|"
    r"\b(?:tourism (?:income|revenue))\b|\b(?:a\s+)?tickets?\s+(?:costs?|is priced|sells?)\b|"
    r"\bpaid\s+[\d.,]+\s+yuan\b|\b(?:earned|earns|earning)\b[^;]{0,40}\bfrom tourism\b",
    re.IGNORECASE,
)
LAUNCHED = re.compile(
    r"推出|开通|開通|开行|開行|启动|啟動|举办|舉辦|优惠|優惠|免费|免費|互送|半价|半價|共建|援建|"
    r"协助|協助|开发|開發|组织|組織|投入使用|建成|"
    r"\b(?:built|co-built|helped|organi[sz]ed)\b|"
    r"\b(?:launch|launched|launches|will offer|offers|offered|opened|will open|free|half-price|"
    r"discount)\b",
    re.IGNORECASE,
)
# What someone says ("“…果农心里更有底了。”他说"): a quote that ends a clause or sentence
# inside its marks is speech, not a name ("“飞地经济”模式"), and not a thing done.
SPEECH = re.compile(r"[“「\"][^”」\"]{4,}?[，。！？,.!?][”」\"]")


# People who speak ("当地干部举例说", "据辽宁省援藏工作队介绍"): the source, not a thing done.
SPEAKER = re.compile(
    r"(?:干部|幹部|工作队|工作隊|工作组|工作組|队长|隊長|负责人|負責人)[^，。；,;：:]{0,8}?"
    r"(?:说|說|表示|介绍|介紹|形容|举例|舉例|认为|認為|告诉|告訴)"
)
NAME_CHAR = re.compile(r"[\u4e00-\u9fff]")
CO_RUN = re.compile(r"合办|合辦|共建|联办|聯辦|共同举办|共同舉辦")


def _institution(sentence: str, hit: Hit) -> bool:
    """A university by its name ("塔里木大学也与浙江大学签署了合作协议", "南开大学的志愿者")
    acts or is named; it is no school being built or helped."""
    if (
        hit.text not in ("大学", "大學")
        or hit.start == 0
        or sentence[hit.end : hit.end + 1] == "生"
    ):
        return False  # 大学生: students
    if FOUNDING.search(sentence) or CO_RUN.search(sentence):
        return False  # universities that set up or run something together are education
    before = sentence[hit.start - 1]
    return NAME_CHAR.match(before) is not None and before not in "的所座家和与與、在为為向"


def _things(
    sentence: str, names: list[tuple[int, int]], places: list[tuple[int, int]] | None = None
) -> list[Hit]:
    """The things a sentence names, as typed hits in text order, one per noun phrase."""
    sent = list(SENT_PEOPLE.finditer(sentence))
    signed = (
        [
            Hit("investment_promotion", m.group(0), m.start(), m.end())
            for m in SIGNED_PROJECTS.finditer(sentence)
        ]
        + [
            Hit("investment_promotion", m.group(0), m.start(), m.end())
            for m in FIRM_INVESTS.finditer(sentence)
        ]
        + [
            # the people sent are the thing named; words before them keep their own types
            Hit(_people_type(sentence, m), m.group(m.lastindex or 0), *m.span(m.lastindex or 0))
            for m in sent
        ]
    )
    # the verb that sends people ("选派") is part of the people's thing, not a thing of its own
    senders = {m.start() for m in sent}
    # the people sent, up to the end of their clause, are one thing: "选派12名教师和8名医生
    # 到怀来县挂职" is one exchange, not also a school (教师) and a hospital (名医)
    crews = [_crew(sentence, m) for m in sent]
    # fields of cooperation, speech and speakers name no thing done
    fields = [m.span() for pattern in (FIELDS, SPEECH, SPEAKER) for m in pattern.finditer(sentence)]
    # tourism told as a statistic or a ticket price
    tourism_told = bool(VISITORS_COUNTED.search(sentence)) and not LAUNCHED.search(sentence)
    found = [
        h
        for h in initiative_lexicon().find(sentence)
        if not any(s.start < h.end and h.start < s.end for s in signed)
        and h.start not in senders
        and not _institution(sentence, h)
        and not (h.key in CREW and any(start <= h.start < end for start, end in crews))
        and not any(start <= h.start and h.end <= end for start, end in fields)
        and not (tourism_told and h.key == "tourism_culture")
        # "with a planned investment of 1.2 billion yuan": the money, not promotion
        and not (
            h.key == "investment_promotion"
            and (
                INVESTMENT_OF.match(sentence, h.end) or INVESTMENT_SIZE.search(sentence, 0, h.start)
            )
        )
        # "will fund a 120-million-yuan centre": the verb, not a fund; 基金会 is a foundation
        and not (h.key == "fund" and FUND_VERB.search(sentence, 0, h.start))
        and not (h.key == "fund" and sentence[h.end : h.end + 1] in ("会", "會"))
        # inside a name only the name's head word counts ("…Industrial Park", "…产业园")
        and not any(start < h.end and h.start < end and h.end != end for start, end in names)
        # a one-character word inside a place's name ("桥" in 红桥区) is part of the name
        and not (h.end - h.start == 1 and any(s <= h.start and h.end <= e for s, e in places or []))
    ]
    found = sorted(found + signed, key=lambda h: h.start)
    things: list[Hit] = []
    deals = [s for s in signed if s.key == "investment_promotion" and SIGNING.search(s.text)]
    for hit in found:
        if hit.key == "agreement":
            if AGREED_BEFORE.search(sentence, 0, hit.start):
                continue  # the agreement told before ("根据协议")
            if any(d.start < hit.start and not CLAUSE_BREAK.search(sentence, d.end, hit.start)
                   for d in deals):  # fmt: skip
                continue  # "企业与射阳县签署投资协议": the firm's deal is the thing
            if DEAL_SIGNED.match(sentence, hit.start) or DEALS_WERE_SIGNED.search(sentence):
                hit = Hit("investment_promotion", hit.text, hit.start, hit.end)
        if hit.text.lower() in SIGN_VERBS and FIRMS_BEFORE.search(sentence, 0, hit.start):
            hit = Hit("investment_promotion", hit.text, hit.start, hit.end)
        if hit.key == "education" and TRAINING.search(hit.text) and OFFICIALS.search(sentence):
            hit = Hit("talent_exchange", hit.text, hit.start, hit.end)  # officials' courses
        elif TRAINING.fullmatch(hit.text) and not OFFICIALS.search(sentence):
            # training people who are not officials (workers, farmers, livestreamers) is
            # vocational education; training officials is a personnel exchange
            hit = Hit("education", hit.text, hit.start, hit.end)
        last = things[-1] if things else None
        if last is not None and _joined(sentence, last, hit):
            # one noun phrase: the head (last word) gives the type, the phrase the text; a park
            # for farming ("设施农业园区", "现代农业产业园") is a farming project
            key, text = hit.key, sentence[last.start : hit.end]
            if key == "industrial_park" and FARMING.search(last.text):
                key = last.key
            elif key == "education" and TRAINING.search(text) and OFFICIALS.search(sentence):
                key = "talent_exchange"  # "officials will attend training courses"
            things[-1] = Hit(key, text, last.start, hit.end)
        else:
            things.append(hit)
    # a head word alone names the thing of that head told earlier in the sentence
    # ("设施农业园区日前投用，园区共建成温室420座")
    for i, hit in enumerate(things):
        if BARE_HEAD.fullmatch(hit.text):
            earlier = next((o for o in reversed(things[:i]) if same_head(o.text, hit.text)), None)
            if earlier is not None and earlier.key != hit.key:
                things[i] = Hit(earlier.key, hit.text, hit.start, hit.end)
    return things


MORE_PEOPLE = re.compile(
    r"(?:\s*(?:,|and|or)\s*(?:\d[\d,]*\s+)?(?:[a-z-]+\s+)?"
    r"(?:officials|cadres|teachers|doctors|experts|specialists|technicians|staff|nurses|medics))*",
    re.IGNORECASE,
)


def _crew(sentence: str, m: re.Match[str]) -> tuple[int, int]:
    """The span of the people a SENT_PEOPLE match sends: to the end of the clause in
    Chinese ("选派12名教师和8名医生到怀来县挂职"), the list of people in English."""
    if m.group(0).isascii():
        more = MORE_PEOPLE.match(sentence, m.end())
        return m.start(), more.end() if more else m.end()
    stop = CLAUSE_BREAK.search(sentence, m.end())
    return m.start(), stop.start() if stop else len(sentence)


def _joined(sentence: str, left: Hit, right: Hit) -> bool:
    if right.text.lower() in SIGN_VERBS:
        return False  # a verb, not the head of a noun phrase ("港资企业签约")
    if (
        right.key == "fund"
        and left.key != "fund"
        and not _named_fund(right)
        and "专项资金" not in right.text
    ):
        return False  # "宣传推广资金": money for promotion, which keeps its own type
    gap = sentence[left.end : right.start]
    if right.key == "fund" and len(gap) <= 2 and not CLAUSE_BREAK.search(gap):
        return True  # "产业协作基金", "教育发展基金": what comes before a fund names it
    return COMPOUND_GAP.fullmatch(gap) is not None and (gap == "" or right.text.isascii())


def _pays_for(
    sentence: str,
    amount: Amount,
    amounts: list[Amount],
    near: list[Hit],
    topic: str | None,
    places: list[tuple[int, int]],
) -> tuple[str, bool, bool | None, tuple[int, int] | None]:
    """The type an amount pays for; whether it is a pool for several kinds of things;
    whether several uses are listed (None when no use is named with it, only the sentence's
    topic); and the span of the purpose phrase that says so (用于…, "to build…") when there
    is one."""
    # "a 60-million-yuan visitor centre", "价值600万元的农机装备": the thing it qualifies
    for h in near:
        if (
            h.key not in NOT_PURPOSE
            and h.start >= amount.end
            and COMPOUND_GAP.fullmatch(sentence[amount.end : h.start])
        ):
            return h.key, False, False, None
    marker = PURPOSE.search(sentence, amount.end)
    if (
        marker is not None
        and _same_or_next_clause(sentence, amount.end, marker.start())
        and not _part_between(sentence, amount, amounts, marker.start())
    ):
        start, end = _clause(sentence, marker.start(), marker.end())
        if not any(marker.end() <= h.start < end for h in near if h.key not in NOT_PURPOSE):
            # "投向波密县，主要用于…": where it goes, then what it pays for
            again = PURPOSE.search(sentence, end)
            if again is not None and _same_or_next_clause(sentence, end, again.start()):
                marker = again
                start, end = _clause(sentence, marker.start(), marker.end())
        # a use after the next amount is that amount's ("…支持四平，其中1200万元用于…")
        limit = min((a.start for a in amounts if a.start >= amount.end), default=len(sentence))
        purposes = [h for h in near if marker.end() <= h.start < limit and h.key not in NOT_PURPOSE]
        if (
            not any(h.start < end for h in purposes)
            and TO_PLACE.match(marker.group(0))
            and any(marker.end() <= s < min(end, limit) for s, _ in places)
        ):
            # "8000万元投向揭西县": a place's share of the money
            return "fund", False, False, (marker.end(), end)
        if purposes:
            # "用于大同市旅游推介和云冈石窟周边设施提升": uses of several types, the money is
            # a pool; several things of one type ("图书馆和实验室") are that type's
            typed = [h for h in purposes if h.end <= end]
            # "用于产业和就业项目": another use listed, typed or not; "投向甲县和乙县的…" lists
            # places, not uses
            several = any(
                not any(e == m.start() or s <= m.start() < e for s, e in places)
                for m in LISTING.finditer(sentence, marker.end(), end)
            )
            # a listed use of no known type counts as another type
            pool = len({h.key for h in typed}) > 1 or (several and len(typed) < 2)
            # "about 40 percent of it on…", "约三成用于…": that is a part, the whole a pool
            pool = pool or PERCENT_PART.search(sentence, amount.end, marker.start()) is not None
            return purposes[0].key, pool, several, (marker.end(), end)
    start, end = _clause(sentence, amount.start, amount.end)
    if PROJECTS_COST.search(sentence, max(0, amount.start - 24), amount.start):
        # "签约12个数字经济项目，总投资约47亿元": the total is the projects' just named
        before, _ = _clause(sentence, max(0, start - 1), max(0, start - 1))
        projects = [h for h in near if before <= h.start < amount.start and PROJECT.search(h.text)]
        if not projects:  # "与一家集团签约，…开发度假项目，计划投资15亿元": the firm's project
            projects = [
                h
                for h in near
                if h.start < amount.start
                and h.key == "investment_promotion"
                and SIGNING.search(h.text)
            ]
        if projects:
            return projects[-1].key, False, False, None
    own = [h for h in near if start <= h.start and h.end <= end and h.key not in NOT_PURPOSE]
    if own:
        nearest = min(own, key=lambda h: _distance(h.start, h.end, amount.start, amount.end))
        return nearest.key, False, False, None
    if PROJECTS_COST.search(sentence, max(0, amount.start - 24), amount.start):
        # "建设游艇产业服务中心，预计总投资8亿元": the cost of the thing just named
        before, _ = _clause(sentence, max(0, start - 1), max(0, start - 1))
        built = [
            h
            for h in near
            if before <= h.start < amount.start and h.key not in NOT_PURPOSE and h.key not in PEOPLE
        ] or [h for h in near if before <= h.start < amount.start and h.key == "other"]
        if built and FIRM_INVESTS.search(sentence, 0, built[-1].start):
            return "investment_promotion", False, False, None  # what a firm invests in
        if built:
            return built[-1].key, False, False, None
    if PART_OF.search(sentence, amount.end) and any(
        h.key == "fund" and start <= h.start and h.end <= end for h in near
    ):
        return "fund", False, False, None  # "安排援藏资金3.6亿元，其中…": the whole is the pool
    if FOR_THIS.search(sentence, max(0, amount.start - 12), amount.start):
        return topic or "fund", False, False, None  # "为此安排协作资金1500万元": for the thing told
    # nothing named with it: aid money may be a pool or the sentence's project
    return topic or "fund", False, None, None


def _share_of_cost(sentence: str, amount: Amount, amounts: list[Amount]) -> tuple[int, int] | None:
    """The span from 其中 to the amount when the amount is the part of a project's total cost
    that someone pays ("总投资1.2亿元，其中东西部协作资金出资2600万元"), with no purpose of its
    own; else None."""
    for whole in reversed(amounts):
        if whole.end > amount.start:
            continue
        part = PART_OF.search(sentence, whole.end, amount.start)
        if part is None or not COST_OF.search(sentence, max(0, whole.start - 24), whole.start):
            return None
        marker = PURPOSE.search(sentence, amount.end)
        if marker is not None and _same_or_next_clause(sentence, amount.end, marker.start()):
            return None
        return part.start(), amount.end
    return None


def _nearest(hit: Hit, amounts: list[Amount]) -> Amount | None:
    """The amount closest to a word (a fund's name belongs to the money next to it)."""
    return min(
        amounts,
        key=lambda a: _distance(hit.start, hit.end, a.start, a.end),
        default=None,
    )


def _fund_set_up(sentence: str, hit: Hit) -> bool:
    """Money set up as a fund of its own ("设立陶艺交流专项资金"), not allocated for a use."""
    return (
        hit.key == "fund"
        and "专项资金" in hit.text
        and FOUNDING.search(sentence, max(0, hit.start - 16), hit.start) is not None
    )


def _named_fund(hit: Hit) -> bool:
    """A fund by name (基金, "fund"), not money in general (帮扶资金, funding, grants)."""
    if hit.key != "fund":
        return False
    text = hit.text.lower()
    return (
        "基金" in text or "资金池" in text or text.endswith(("fund", "fund pool", "capital pool"))
    )


def _near(sentence: str, hit: Hit, amount: Amount) -> bool:
    gap = _distance(hit.start, hit.end, amount.start, amount.end)
    between = sentence[min(hit.end, amount.end) : max(hit.start, amount.start)]
    return gap <= (FUND_NEAR_EN if between.isascii() else FUND_NEAR)


def _spent(sentence: str, amount: Amount) -> bool:
    """Whether an amount can be money spent: not a statistic, a sales figure or a price."""
    if NOT_SPENT_BEFORE.search(sentence, 0, amount.start):
        return False
    return not NOT_SPENT_AFTER.match(sentence[amount.end :])


def _same_or_next_clause(sentence: str, end: int, at: int) -> bool:
    """Whether `at` is in the clause that holds `end`, or starts the one after it ("…, most of
    it for", "，重点用于")."""
    breaks = list(CLAUSE_BREAK.finditer(sentence, end, at))
    return not breaks or (
        len(breaks) == 1 and SHARE_LEAD.fullmatch(sentence[breaks[0].end() : at]) is not None
    )


def _part_between(sentence: str, amount: Amount, amounts: list[Amount], at: int) -> bool:
    """Whether a purpose at `at` belongs to a part of the amount (其中…, another amount).

    "其中" with no amount of its own before the purpose is the whole's ("…156 million yuan,
    most of which will go to…")."""
    return any(amount.end <= other.start and other.end <= at for other in amounts)


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a span: between the commas or semicolons that enclose it."""
    left = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    found = CLAUSE_BREAK.search(sentence, end)
    return left, found.start() if found else len(sentence)


def _distinct(amounts: Iterable[Amount]) -> list[Amount]:
    """ "50 million yuan (5千万元)": one amount written twice counts once."""
    out: list[Amount] = []
    for amount in amounts:
        if not any(a.value == amount.value and a.currency == amount.currency for a in out):
            out.append(amount)
    return out


def _distance(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    if a_end <= b_start:
        return b_start - a_end
    if b_end <= a_start:
        return a_start - b_end
    return 0


def merge_again(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A document's initiatives, each thing named again by its head word ("该园区", "the
    park") merged into the one told before it of the same type or head word.

    The later mention gives its amount to the earlier one when that had none, and the
    evidence then spans both sentences; a thing with an amount named again with another
    (a second phase) stays separate. Items are dicts with ``again``, ``type``, ``text``,
    ``districts``, ``amount`` and ``evidence`` (start and end offsets).
    """
    out: list[dict[str, Any]] = []
    for item in found:
        same = next(
            (
                o
                for o in out
                if o["type"] == item["type"]
                and o["text"].lower() == item["text"].lower()
                and set(o["districts"]) == set(item["districts"])
            ),
            None,
        )
        if item["amount"] is None and same is not None:
            same["date"] = same["date"] or item["date"]
            continue  # the same thing named again in passing
        if item.pop("again", False):
            before = next(
                (
                    o
                    for o in reversed(out)
                    if o["evidence"] != item["evidence"]
                    and (o["type"] == item["type"] or same_head(o["text"], item["text"]))
                    and set(o["districts"]) & set(item["districts"])
                ),
                None,
            )
            if before is not None and (item["amount"] is None or before["amount"] is None):
                before["date"] = before["date"] or item["date"]
                if item["amount"] is not None:
                    before["amount"] = item["amount"]
                    before["evidence"] = [before["evidence"][0], item["evidence"][1]]
                continue
        out.append(item)
    return out
