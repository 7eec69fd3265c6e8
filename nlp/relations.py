"""Pairings: which places a sentence says cooperate, pair, assist or co-build, and who helps.

The finder works on one sentence and its linked places, in four steps:

1. *Qualifiers* are folded into the place they qualify: "广州市天河区", "Shenzhen's Longhua
   District", "Haizhu District of Guangzhou", "Xinhui District (新会区)".
2. *Units*: places joined by hyphens or slashes ("Pengjiang-Jianghai-Enping") stay together.
3. *Groups*: units joined by a link word (与, 和, "and", "with"), or by a stretch of text that
   carries a cooperation word ("signed a framework agreement with", "对口帮扶"), form a group;
   a directed verb (帮扶, "assists") records who helps whom, and a helper with several
   helped places gives one pairing per helped place.
4. When no group forms but the sentence says cooperation and names exactly two places (not
   counting places that only locate others), those two are the pairing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from nlp.lexicon import Hit, Lexicon, load_toml

# Most specific relation first: when a sentence has several, the first found here wins.
RELATION_ORDER = ("assistance", "sister_city", "pairing", "co_build", "cooperation")
GROUP_MARKER = re.compile(
    r"^\s*的?(?:三方|四方|三地|三区|三县|三市|四地|两地|两市|两区|两县|两城|兩地|兩市|兩區|兩縣|"
    r"等地|trio|three|four)",
    re.I,
)
LIST_SEPARATOR = re.compile(r"[、,，;；]")
HYPHEN = re.compile(r"^\s*[-–—/／－]\s*$")
QUALIFIER_BEFORE = re.compile(
    r"^(?:\s*|’s\s+|'s\s+|\s*\(\s*|\s*（\s*|的?首府|所辖的?|下辖的?|辖下的?|的)$"
)
BRACKETED = re.compile(r"\([^()]*\)|（[^（）]*）")
QUALIFIER_AFTER = re.compile(r"^(?:\s*|\s+(?:of|in)\s+|,\s*|\s*[)）]?\s*(?:of|in)?\s*|['’]s\s+)$")
# Two governments, or a government's bureau and another government, as the parties:
# "Hong Kong's Commerce and Economic Development Bureau and the government of Taizhou".
GOVERNMENTS_AND = re.compile(
    r"^['’]s\s+(?:(?:[A-Z][\w&-]*|and|of|the)\s+){0,8}(?:Bureau|Department|Commission|Office|"
    r"Government|Council|Authority)\s+(?:and|with)\s+(?:the\s+)?(?:(?:municipal|provincial|city|"
    r"county|district)\s+)?government\s+of\s+$"
)
QUALIFIER_AFTER_LONG = re.compile(
    r"^\s+in\s+(?:(?:[a-z-]+\s+){1,2})?(?:China['’]s\s+)?$", re.IGNORECASE
)
# Words that make a sentence about cooperation only together with a link between places:
# on their own ("一家上海企业在安宁投资签约") they do not pair the two places named.
WEAK = frozenset(
    ["签署", "签订", "签约", "协议", "合作", "signed", "signing", "agreement", "memorandum"]
    + ["cooperation"]
)
# "A 对/向/为 B 给予支持 / 投入资金": the place after the preposition is the one helped.
TO_ZH = re.compile(r"[对向为给]\s*$")
BY_ZH = re.compile(r"由\s*$")
SUPPORT_AFTER_ZH = re.compile(r"^.{0,8}?(给予|提供|投入|拨付|捐赠|援助|帮扶|支持|援建)")
JOINING_ZH = re.compile(r"携手|牵手|联手|结对|对接|结为|缔结")
SAME_PLACE = re.compile(r"^\s*[(（]?\s*$")  # "Xinhui District (新会区)"
SENTENCE_PUNCT = re.compile(r"[。！？!?;；]")
CLAUSE_END = re.compile(r"[，,；;。！？!?]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FROM_BEFORE = re.compile(r"\bfrom\s+(?:its\s+|the\s+)?$|来自$|來自$", re.IGNORECASE)
# "其中1.1亿元用于…", "of which 40% goes to…": a share of a sum (7600万元定向投入竹溪县 names
# the share's place, not the pair's); initiatives and givers use it too.
PART_OF = re.compile(r"其中|其餘|其余|资金中|資金中|\bof which\b|\bof this\b", re.IGNORECASE)
WHICH_BETWEEN = re.compile(r"^\s*,\s*(?:which|whom|that)\s+$", re.IGNORECASE)
WHICH_ADVERB = re.compile(r"^\s*(?:(?:also|has|have|had|long|since)\s+)*", re.IGNORECASE)
MAX_GAP_ZH = 30
MAX_GAP_EN = 90
MAX_LINK_ZH = 10


@dataclass(frozen=True)
class PlaceRef:
    """A linked place in a sentence: code and character offsets within the sentence."""

    code: str
    start: int
    end: int


@dataclass(frozen=True)
class Found:
    members: tuple[str, ...]
    relation: str
    source: str | None
    target: str | None
    inferred: bool = False  # only "two places and a cooperation word" said so


class RelationLexicon:
    """The cooperation vocabulary of nlp/data/cooperation.toml, compiled."""

    def __init__(self) -> None:
        data = load_toml("cooperation.toml")
        relations = data["relation"]
        assert isinstance(relations, dict)
        self.relations = Lexicon(
            {name: (spec.get("zh", []), spec.get("en", [])) for name, spec in relations.items()}
        )
        spec = relations["assistance"]
        self.directed = Lexicon({"directed": (spec["directed_zh"], spec["directed_en"])})
        self.passive = Lexicon({"passive": (spec["passive_zh"], spec["passive_en"])})
        links = data["links"]
        assert isinstance(links, dict)
        self.links = {w.lower() for w in links["zh"] + links["en"]}
        self.with_words = [w.lower() for w in links["with_en"] + links["with_zh"]]
        self.link_chars = [w for w in links["with_zh"]]


@cache
def relation_lexicon() -> RelationLexicon:
    return RelationLexicon()


@dataclass
class _Group:
    places: list[PlaceRef]
    source: str | None = None
    targets: list[str] = field(default_factory=list)


def _is_link(between: str, lex: RelationLexicon, chinese: bool, rest: str = "") -> bool:
    words = re.sub(r"\([^)]*\)|（[^）]*）", "", between).strip().lower()
    if not words or words in lex.links:
        return True
    if (
        not chinese
        and GOVERNMENTS_AND.match(between)
        and any(True for _ in lex.relations.find(rest))
    ):
        return True  # "Hong Kong's Commerce Bureau and the government of Taizhou … signed"
    # "开平市与东部的鹤山市签署…": a link word and a few modifiers, no clause break, and the
    # cooperation word after the second place ("茶和咖啡豆销往上海" joins goods, not places)
    return (
        chinese
        and len(words) <= MAX_LINK_ZH
        and not LIST_SEPARATOR.search(words)
        and any(w in words for w in lex.link_chars)
        and not any(True for _ in lex.directed.find(words))
        and any(True for _ in lex.relations.find(rest))
    )


def _bridge(
    between: str, lex: RelationLexicon, chinese: bool, after: str = "", subject: bool = False
) -> str | None:
    """How a longer stretch of text joins two places: "directed", "passive", "with" or None.
    `subject`: the first place is the one the sentence opens with."""
    limit = MAX_GAP_ZH if chinese else MAX_GAP_EN
    if len(between) > limit or SENTENCE_PUNCT.search(between):
        return None
    if chinese and TO_ZH.search(between) and SUPPORT_AFTER_ZH.match(after):
        return "directed"  # "无锡将在…方面对徐州给予支持", "福建向宁夏投入资金"
    if (
        not chinese
        and WHICH_BETWEEN.match(between)
        and any(h.start == 0 for h in lex.directed.find(WHICH_ADVERB.sub("", after, count=1)))
    ):
        return "passive"  # "Yopurga County, which Shandong also assists": Shandong helps
    if (
        chinese
        and BY_ZH.search(between)
        and any(h.start == 0 for h in lex.directed.find(after.lstrip()))
    ):
        return "passive"  # "和田县由北京对口支援"
    if any(True for _ in lex.passive.find(between)):
        return "passive"
    if any(True for _ in lex.directed.find(between)):
        # "Zhuhai, which has been paired to assist Yangjiang": a clause comma is fine here
        return "directed" if not chinese or not LIST_SEPARATOR.search(between) else None
    if not chinese and subject and between.count(",") >= 2:
        # "Jinwan district, home to the city's airport, signed an agreement with Macao": an
        # aside, opened and closed between the two places; what joins them is after it
        between = between.rsplit(",", 1)[1]
    if LIST_SEPARATOR.search(between) or not any(True for _ in lex.relations.find(between)):
        return None
    if chinese:
        joined = any(w in between for w in lex.link_chars) or JOINING_ZH.search(between)
        return "with" if joined else None
    tail = between.strip().lower().split()[-3:]
    return "with" if any(w in tail for w in lex.with_words) else None


def sentence_relation(sentence: str) -> str | None:
    """The most specific relation a sentence states, if any."""
    return _relation(list(relation_lexicon().relations.find(sentence)))


# "两区签署协议", "the two cities signed a plan": a sentence whose subject is the pair named
# before it.
PAIR_ANAPHOR = re.compile(
    r"两地|两区|两县|两市|两城|双方|兩地|兩區|兩縣|兩市|雙方|"
    r"\b(?:the two (?:cities|districts|counties|sides|places|provinces|regions)|both cities|"
    r"both sides|the pair)\b",
    re.IGNORECASE,
)


# "Harbin, capital of Heilongjiang province, and Sanya…", "Xingtai, another Hebei city, has
# helped…", "Lankao County, which lies … east of Kaifeng, were twinned": an aside opened by a
# comma and a lower-case word right after a place, and closed by a comma.
ASIDE_EN = re.compile(r",\s+(?!(?:and|or|but|while|with|as well as|to)\b)[a-z][^,;:.!?()]{1,110}?,")


def mask_asides(
    sentence: str, places: list[PlaceRef], lex: RelationLexicon | None = None
) -> tuple[str, list[PlaceRef]]:
    """Blank out the asides after places in an English sentence, and the places inside them:
    they describe a place, they are no party. An aside that states a relation ("Zhuhai, which
    has been paired to assist Yangjiang, …") is kept."""
    lex = lex or relation_lexicon()
    ends = {p.end for p in places}
    spans: list[tuple[int, int]] = []
    for end in sorted(ends):
        if spans and end <= spans[-1][1]:
            continue  # a place inside an aside has no aside of its own
        m = ASIDE_EN.match(sentence, end)
        if m is None or any(True for _ in lex.relations.find(m.group())):
            continue
        spans.append((m.start(), m.end()))
    return _blank(sentence, places, spans)


def _blank(
    sentence: str, places: list[PlaceRef], spans: list[tuple[int, int]]
) -> tuple[str, list[PlaceRef]]:
    """The sentence with the spans blanked (offsets kept), and the places outside them."""
    if not spans:
        return sentence, places
    chars = list(sentence)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    kept = [p for p in places if not any(start <= p.start < end for start, end in spans)]
    return "".join(chars), kept


# "与英吉沙相邻的疏勒县", "与淅川隔库相望的丹江口市": a place that only says where another is.
NEAR_ZH = re.compile(
    r"[与和同]([^，,。；与和]{1,12}?)(?:相邻|毗邻|接壤|相望|相连|交界|隔[^，,。；]{1,3}相望)的"
    # "与位于黑龙江畔的萝北县": what only locates the place after it
    r"|(?:位于|位於|地处|地處|坐落于|坐落於)[^，,。；与和]{1,12}?的"
)


# "推进会日前在西昌召开", "将于下月在香港举办推介会": where a meeting or fair is held is no party.
VENUE_ZH = re.compile(
    r"在([^，,。；与和在]{2,10}?)(?:召开|舉行|举行|举办|舉辦|开幕|開幕|闭幕|閉幕|揭幕|启动|啟動)"
)


def _mask_neighbours(sentence: str, places: list[PlaceRef]) -> tuple[str, list[PlaceRef]]:
    spans = [(m.start(), m.end()) for m in NEAR_ZH.finditer(sentence)]
    spans += [(m.start(1), m.end(1)) for m in VENUE_ZH.finditer(sentence)]
    return _blank(sentence, places, spans)


# "两市下辖的封开县": the pair named before only owns the places named after it
ANAPHOR_OWNS = re.compile(r"\s*(?:协议|協議|的|之|下辖|所辖|下轄|所轄|'s|’s)")


def _pair_named_before(sentence: str, end: int) -> bool:
    """Whether the sentence's subject before `end` is the pair named before ("两市合作…")."""
    return any(
        not ANAPHOR_OWNS.match(sentence, m.end()) for m in PAIR_ANAPHOR.finditer(sentence, 0, end)
    )


def _relation(hits: list[Hit]) -> str | None:
    keys = {h.key for h in hits}
    return next((r for r in RELATION_ORDER if r in keys), None)


def find_pairings(
    sentence: str,
    places: list[PlaceRef],
    *,
    is_parent: Callable[[str, str], bool] = lambda parent, child: False,
    lexicon: RelationLexicon | None = None,
) -> list[Found]:
    """Groups of places the sentence says cooperate, with the kind of relation."""
    lex = lexicon or relation_lexicon()
    relation = _relation(list(lex.relations.find(sentence)))
    if relation is None or len({p.code for p in places}) < 2:
        return []
    # Chinese or English by what most of the sentence is ("RMB 50 million (5千万元)" is English)
    chinese = len(CHINESE.findall(sentence)) * 2 >= len(re.findall(r"[A-Za-z]+", sentence))
    if not chinese:
        sentence, places = mask_asides(sentence, places, lex)
        places = _outside_event_names(sentence, places)
    else:
        sentence, places = _mask_neighbours(sentence, places)
    if len({p.code for p in places}) < 2:
        return []
    ordered = fold_qualifiers(sentence, sorted(places, key=lambda p: p.start), is_parent)
    units = _units(sentence, ordered)
    groups = _groups(sentence, units, lex, chinese)
    found = _emit(sentence, groups, relation, lex, is_parent)
    found = _whole_group(sentence, ordered, found, relation, is_parent)
    helps = [h for h in lex.directed.find(sentence)]
    strong = any(h.text.lower() not in WEAK for h in lex.relations.find(sentence))
    helped_only = relation == "assistance" and helps and helps[0].end <= ordered[0].start
    if not found and strong and not helped_only:
        codes = list(dict.fromkeys(p.code for p in ordered))
        located = [c for c in codes if not any(is_parent(c, o) for o in codes if o != c)]
        first = next(p for p in ordered if p.code in located)
        # "a team drawn from Nanchang and Ganzhou": where people come from, not a pair; "两市
        # 合作将延伸至…": the pair is the one named before
        second = next((p for p in ordered if p.code in located and p.code != first.code), first)
        if (
            len(located) == 2
            and not FROM_BEFORE.search(sentence, 0, first.start)
            and not FROM_BEFORE.search(sentence, 0, second.start)
            and not PART_OF.search(sentence, first.end, second.start)
            and not _pair_named_before(sentence, first.start)
            # "A、B分别与…": each has a partner of its own, told or not
            and not any(RESPECTIVELY.match(sentence, p.end) for p in ordered)
        ):
            found.append(Found(tuple(sorted(located)), relation, None, None, inferred=True))
    found = [
        f
        for f in found
        # a city and its own district are one place seen twice ("石景山区的门店进入北京市场")
        if not (len(f.members) == 2 and (is_parent(*f.members) or is_parent(*f.members[::-1])))
    ]
    return [_direct(sentence, f, ordered, helps) for f in found]


# "三地", "the three-way partnership": how many places a sentence says form its group.
GROUP_COUNT = re.compile(
    r"([三四五])(?:方|地|区|县|市|城|區|縣)|\b(three|four|five)[- ](?:way|party|sided)\b"
    r"|\b(three|four|five) (?:districts|cities|counties|places|localities|sides|neighbours|"
    r"neighbors|partners)\b|\b(trio)\b",
    re.IGNORECASE,
)
COUNTS = {"三": 3, "四": 4, "五": 5, "three": 3, "four": 4, "five": 5, "trio": 3}


def _whole_group(
    sentence: str,
    places: list[PlaceRef],
    found: list[Found],
    relation: str,
    is_parent: Callable[[str, str], bool],
) -> list[Found]:
    """ "Pengjiang and Jianghai … in Enping, … the three-way partnership": when the sentence
    counts its group and names exactly that many places, they are one group, not pairs of it."""
    match = GROUP_COUNT.search(sentence)
    if match is None:
        return found
    count = COUNTS[next(g for g in match.groups() if g).lower()]
    codes = list(dict.fromkeys(p.code for p in places))
    located = [c for c in codes if not any(is_parent(c, o) for o in codes if o != c)]
    if len(located) != count or any(len(f.members) >= count for f in found):
        return found
    first, last = places[0], places[-1]
    if IN_ZH.search(sentence, 0, first.start) and PLACES_AFTER_ZH.match(sentence, last.end):
        return found  # "三市将在A、B和C交界地带建设": where, not who
    whole = set(located)
    kept = [f for f in found if not set(f.members) < whole]
    return [*kept, Found(tuple(sorted(located)), relation, None, None)]


def _direct(sentence: str, found: Found, places: list[PlaceRef], helps: list[Hit]) -> Found:
    """ "A与B结对，援建B的医院": the member named after the helping verb is the one helped."""
    if found.relation != "assistance" or found.source is not None or len(found.members) != 2:
        return found
    for verb in helps:
        before = {p.code for p in places if p.end <= verb.start} & set(found.members)
        # the helped place is in the verb's own clause ("…结对帮扶协议，金牛区承诺…" names the
        # helper again as the next clause's subject)
        stop = CLAUSE_END.search(sentence, verb.end)
        end = stop.start() if stop else len(sentence)
        after = {p.code for p in places if verb.end <= p.start < end} & set(found.members)
        if len(after) == 1 and before and before != after:
            (target,) = after
            (source,) = set(found.members) - after
            return Found(found.members, found.relation, source, target, found.inferred)
    return found


def fold_qualifiers(
    sentence: str, places: list[PlaceRef], is_parent: Callable[[str, str], bool]
) -> list[PlaceRef]:
    """Fold "江门鹤山", "Shenzhen's Longhua", "Haizhu of Guangzhou", "Xinhui (新会区)" into one."""
    out: list[PlaceRef] = []
    for place in places:
        if out:
            prev = out[-1]
            between = sentence[prev.end : place.start]
            if prev.code != place.code:
                # "Xihu District (西湖区) of Hangzhou": what is in brackets only repeats a name
                between = BRACKETED.sub("", between)
            if len(between) <= 6:
                same = prev.code == place.code and SAME_PLACE.match(between)
                if same or (is_parent(prev.code, place.code) and QUALIFIER_BEFORE.match(between)):
                    out[-1] = PlaceRef(place.code, prev.start, place.end)
                    continue
                if is_parent(place.code, prev.code) and QUALIFIER_AFTER.match(between):
                    out[-1] = PlaceRef(prev.code, prev.start, place.end)
                    continue
            elif (
                len(between) <= 40
                and is_parent(place.code, prev.code)
                and QUALIFIER_AFTER_LONG.match(between)
            ):
                # "Huangshan City in eastern China's Anhui province": where it is
                out[-1] = PlaceRef(prev.code, prev.start, place.end)
                continue
        out.append(place)
    return out


# "the Sichuan-Macao Week", "粤港澳论坛": a hyphenated name of an event is not its places' pair.
EVENT_AFTER = re.compile(
    r"\s+(?:Week|Forum|Expo|Fair|Festival|Summit|Conference|Games|Exhibition|border|boundary)\b"
    # a programme or region named after its places ("Beijing-Tianjin-Hebei (京津冀) coordinated
    # development", "the Jiangsu-Shaanxi cooperation programme")
    r"|(?:\s*[(（][^()（）]{1,12}[)）])?\s+(?:coordinated development|integration|region|"
    r"cooperation programme|cooperation program|collaboration|programme|program|corridor|"
    r"economic circle|city cluster|model)\b"
)


def _outside_event_names(sentence: str, places: list[PlaceRef]) -> list[PlaceRef]:
    """Drop the places of a hyphenated event name ("the Sichuan-Macao Week")."""
    ordered = sorted(places, key=lambda p: p.start)
    dropped: set[PlaceRef] = set()
    for unit in _units(sentence, ordered):
        if len(unit) > 1 and EVENT_AFTER.match(sentence, unit[-1].end):
            dropped.update(unit)
    return [p for p in places if p not in dropped] if dropped else places


def _units(sentence: str, places: list[PlaceRef]) -> list[list[PlaceRef]]:
    units: list[list[PlaceRef]] = []
    for place in places:
        if units and HYPHEN.match(sentence[units[-1][-1].end : place.start]):
            units[-1].append(place)
        else:
            units.append([place])
    return units


def _groups(
    sentence: str, units: list[list[PlaceRef]], lex: RelationLexicon, chinese: bool
) -> list[_Group]:
    groups = [_Group(list(units[0]))]
    for prev_unit, unit in zip(units, units[1:], strict=False):
        current = groups[-1]
        prev = prev_unit[-1]
        between = sentence[prev.end : unit[0].start]
        rest = sentence[unit[-1].end :]
        both_hyphenated = len(prev_unit) > 1 and len(unit) > 1
        is_link = _is_link(between, lex, chinese, rest)
        subject = prev_unit is units[0] and not sentence[: prev_unit[0].start].strip()
        bridge = None if is_link else _bridge(between, lex, chinese, rest, subject)
        if bridge in ("directed", "passive"):
            helper, helped = (prev.code, unit[0].code)
            if bridge == "passive":
                helper, helped = helped, helper
            if helper == helped and current.places[0].code != helped:
                # "金凤区与隆德县结对以来，已累计向隆德县投入…": the group's subject gives
                helper = current.places[0].code
            if current.source is not None and current.source != helper:
                # "A supports B and C supports D": C starts a group of its own
                if prev in current.places:
                    current.places.remove(prev)
                    if prev.code in current.targets:
                        current.targets.remove(prev.code)
                groups.append(_Group([prev, *unit], helper, [helped]))
                continue
            current.places.extend(unit)
            current.source = helper
            current.targets.append(helped)
            continue
        linked = is_link or LIST_SEPARATOR.fullmatch(between.strip() or "x")
        if (linked or bridge == "with") and not both_hyphenated:
            if current.source is not None and linked:
                current.targets.append(unit[0].code)  # "A 对口支援 B 和 C"
            current.places.extend(unit)
        else:
            groups.append(_Group(list(unit)))
    return groups


def _emit(
    sentence: str,
    groups: list[_Group],
    relation: str,
    lex: RelationLexicon,
    is_parent: Callable[[str, str], bool],
) -> list[Found]:
    found: list[Found] = []
    helps = [h.end for h in lex.directed.find(sentence)]
    for group in groups:
        if group.source is not None and relation == "assistance":
            for target in dict.fromkeys(group.targets):
                if target != group.source:
                    pair = tuple(sorted((group.source, target)))
                    found.append(Found(pair, relation, group.source, target))
            continue
        own = relation
        if relation == "assistance" and any(end <= group.places[0].start for end in helps):
            # "…支持环江县和都安县的产业": the places are what is helped, the helper is not
            # here; unless the group's own clause says how they relate ("…框架下，河西区与
            # 合作市已结对多年", "while Luohu has been paired with Haifeng")
            own = _own_relation(sentence, group, lex) or relation
            if own == "assistance":
                continue
        if FROM_BEFORE.search(sentence, 0, group.places[0].start):
            continue  # "a team drawn from Nanchang and Ganzhou": where people come from
        if _pair_named_before(sentence, group.places[0].start) and all(
            "、" in sentence[a.end : b.start]
            for a, b in zip(group.places, group.places[1:], strict=False)
        ):
            continue  # "两市合作将延伸至密山市、虎林市": a list, after the pair named before
        after = sentence[group.places[-1].end :]
        split = next(
            (i + 1 for i, p in enumerate(group.places) if RESPECTIVELY.match(sentence, p.end)),
            None,
        )
        if split is not None:
            # "普宁市、惠来县分别与甲、乙结对": each with a partner of its own, not each other
            left, right = group.places[:split], group.places[split:]
            if len(right) == len(left):
                partners = list(zip(left, right, strict=True))
            elif len(right) == 1:
                partners = [(p, right[0]) for p in left]
            else:
                partners = []  # the partners are no places (zones, towns) or cannot be told
            for a, b in partners:
                if a.code != b.code:
                    found.append(Found(tuple(sorted((a.code, b.code))), own, None, None))
            continue
        if _listed_only(sentence, group.places) and (
            OBJECTS_AFTER_ZH.match(after)
            or COVERAGE_AFTER_ZH.match(after)
            or not (
                GROUP_MARKER.match(after)
                or any(h.text.lower() not in WEAK for h in lex.relations.find(sentence))
            )
        ):
            continue  # "用于彭阳、泾源两县的…", "固安县、大厂县签约的项目": a list, not a pair
        if IN_ZH.search(sentence, 0, group.places[0].start) and PLACES_AFTER_ZH.match(
            sentence, group.places[-1].end
        ):
            continue  # "在拉孜县、萨迦县等地开展支援工作": where the work is done
        for part in _split_lists(sentence, group.places, lex):
            part = [p for p in part if not _located(sentence, p, part, is_parent)]
            named = list(dict.fromkeys(p.code for p in part))
            # a province or city grouped with its own county only says where the county is
            codes = [c for c in named if not any(is_parent(c, o) for o in named if o != c)]
            if len(codes) >= 3 and own == "assistance":
                # "朝阳区与巴林左旗、巴林右旗结对帮扶": the first helps each of the others
                for other in codes[1:]:
                    found.append(Found(tuple(sorted((codes[0], other))), own, None, None))
            elif len(codes) >= 2:
                found.append(Found(tuple(sorted(codes)), own, None, None))
    return found


def _own_relation(sentence: str, group: _Group, lex: RelationLexicon) -> str | None:
    """The relation a group's own clause states ("…框架下，河西区与合作市已结对多年"), if any:
    from its first place to the end of the clause after its last one."""
    start = group.places[0].start
    end_at = CLAUSE_END.search(sentence, group.places[-1].end)
    return _relation(list(lex.relations.find(sentence[start : end_at.start() if end_at else None])))


IN_ZH = re.compile(r"[在于於]\s*$")
# "A、B分别与C、D…": each of a list with a partner of its own (not "A与B、C与D分别签署").
RESPECTIVELY = re.compile(r"\s*(?:分别|分別|各自)\s*(?:与|與|同|和|跟)")
PLACES_AFTER_ZH = re.compile(
    r"\s*(?:等地|等县|等縣|等市|等区|等區|两地|兩地|三地|四地|交界|接壤|一带|一帶|境内|境內)"
)
COVERAGE_AFTER_ZH = re.compile(
    r"\s*等(?:\d+|[两兩三四五六七八九十]+)?个?(?:县市|縣市|县区|縣區|市县|區縣|地|县|縣|市|区|區|乡镇|鄉鎮)"
)
OBJECTS_AFTER_ZH = re.compile(r"\s*(?:等|[两兩三四五])?(?:地|县|縣|区|區|市|镇|鎮|乡|鄉)?的")


def _listed_only(sentence: str, places: list[PlaceRef]) -> bool:
    """Whether a group's places are only listed ("A、B"), with no link word between them."""
    return len(places) >= 2 and all(
        sentence[a.end : b.start].strip() in ("、", ",", "，")
        for a, b in zip(places, places[1:], strict=False)
    )


LOCATED_IN = re.compile(r"(?:\b(?:in|at|inside)\s+(?:the\s+)?|在|于|落户)$", re.IGNORECASE)


def _located(
    sentence: str, place: PlaceRef, group: list[PlaceRef], is_parent: Callable[[str, str], bool]
) -> bool:
    """ "Taizhou and Ankang opened a park … in Taizhou's Jiangyan district": a part of a member
    named after "in" says where something is, it is not a member of its own."""
    return bool(LOCATED_IN.search(sentence, 0, place.start)) and any(
        is_parent(other.code, place.code) for other in group if other is not place
    )


def _split_lists(
    sentence: str, group: list[PlaceRef], lex: RelationLexicon
) -> list[list[PlaceRef]]:
    """ "A与B、C和D与E" is two groups; "A、B、C三地" is one."""
    if len(group) < 3:
        return [group]
    parts: list[list[PlaceRef]] = [[group[0]]]
    for prev, place in zip(group, group[1:], strict=False):
        between = sentence[prev.end : place.start]
        if LIST_SEPARATOR.search(between) and not HYPHEN.match(between):
            parts.append([place])
        else:
            parts[-1].append(place)
    if len(parts) == 1:
        return parts
    after = sentence[group[-1].end :]
    pairs_of = [p for p in parts if len(p) >= 2]
    # "A与B、C、D" (one list after the link) is one group; "A与B、C与D" is two.
    if GROUP_MARKER.match(after) or len(pairs_of) <= 1:
        return [group]
    return pairs_of
