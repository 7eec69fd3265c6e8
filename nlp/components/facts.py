"""spaCy components for money amounts, pairings and initiatives (after coopwatch_places)."""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.amounts import Amount, find_amounts
from nlp.components.sentences import KEY as SENTENCES
from nlp.components.sentences import doc_text, sentence_ranges
from nlp.givers import find_givers
from nlp.initiatives import (
    ANAPHORA,
    GROUP_ANAPHOR,
    TRADERS_ZH,
    find_initiatives,
    initiative_lexicon,
    merge_again,
)
from nlp.relations import (
    ANAPHOR_OWNS,
    PAIR_ANAPHOR,
    PlaceRef,
    find_pairings,
    relation_lexicon,
    sentence_relation,
)

LINKED = ("DISTRICT", "REGION")
# "奉节县的两个乡镇", "县里的3个村": towns or villages of the place are the party.
OWN_UNITS_ZH = re.compile(
    r"的?(?:两|三|四|几|多|\d+)个?[^，。；、与和及]{0,6}?(?:乡镇|镇|乡|村|街道|社区)"
)
# "澳门一家文创企业", "深圳企业", "a Beijing data company": the place only says whose firm it is.
FIRM_AFTER = re.compile(
    r"(?:一家|一批|多家|\d+家|的)?[^，。；、与和及,;]{0,8}?(?:企业|企業|公司|集团|集團|商会|商會|协会|協會|基金会|基金會|"
    r"贸易发展局|貿易發展局|贸发局|貿發局|茶企|车企|車企|药企|藥企|民企|国企|國企|外企|侨企|僑企|"
    rf"港企|商超|合作社|旅行社|业界|業界|商界|{TRADERS_ZH})"
)
FIRM_AROUND_EN = re.compile(
    r"(?:['’]s)?(?:\s+[a-z][\w-]*){0,3}\s+(?:company|companies|firm|firms|group|enterprise|"
    r"enterprises|authority)\b"
    r"|(?:\s+[A-Z][\w-]*){0,2}\s+(?:Foundation|Trade Development Council|Chamber of Commerce|"
    r"Association|Federation|Jockey Club|Trust)\b"
)
OWN_TOWN = re.compile(
    r"(?:'s|’s)\s+(?:[A-Z][\w'’-]*\s+){1,3}(?:town|township|village|subdistrict)\b"
)

for _name, _default in (("pairings", None), ("initiatives", None), ("givers", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
if not Span.has_extension("money"):
    Span.set_extension("money", default=None)


@Language.factory("coopwatch_money")
def make_money(nlp: Language, name: str) -> MoneyFinder:
    return MoneyFinder()


class MoneyFinder:
    """Puts every money amount in doc.spans["money"]; span._.money = {value, currency}."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for amount in find_amounts(doc_text(doc)):
            span = doc.char_span(amount.start, amount.end, label="MONEY", alignment_mode="expand")
            if span is not None:
                span._.money = {"value": amount.value, "currency": amount.currency}
                spans.append(span)
        doc.spans["money"] = spans
        return doc


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    ranges = doc.user_data.get(SENTENCES)
    return ranges if ranges is not None else sentence_ranges(doc_text(doc))


def _by_sentence(doc: Doc, spans: list[Span]) -> list[list[Span]]:
    """The spans of each sentence (by character offsets), in sentence order."""
    ranges = _sentences(doc)
    out: list[list[Span]] = [[] for _ in ranges]
    i = 0
    for span in sorted(spans, key=lambda s: s.start_char):
        while i < len(ranges) and ranges[i][1] <= span.start_char:
            i += 1
        if i < len(ranges) and span.start_char >= ranges[i][0]:
            out[i].append(span)
    return out


def _parties(doc: Doc) -> list[Span]:
    """Linked places that can be a party: not the city in front of a town or zone it locates
    ("东莞市长安镇" is the town, "江门高新区" the zone)."""
    ents = list(doc.ents)
    out = []
    for i, ent in enumerate(ents):
        if ent.label_ not in LINKED or not ent.kb_id_:
            continue
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        if nxt is not None and nxt.label_ in ("TOWN", "ZONE") and nxt.start_char == ent.end_char:
            continue
        text = doc_text(doc)
        if OWN_TOWN.match(text, ent.end_char) or OWN_UNITS_ZH.match(text, ent.end_char):
            continue  # "Dongguan's Qingxi town has teamed up with Du'an": the town is the party
        if FIRM_AFTER.match(text, ent.end_char) or FIRM_AROUND_EN.match(text, ent.end_char):
            continue  # "与澳门一家文创企业签约": a firm is the party, the place says whose
        out.append(ent)
    return out


def _amounts(spans: list[Span]) -> list[Amount]:
    return [
        Amount(s.text, s.start_char, s.end_char, s._.money["value"], s._.money["currency"])
        for s in spans
        if s._.money
    ]


@Language.factory("coopwatch_pairings", default_config={"max_members": 6})
def make_pairings(nlp: Language, name: str, max_members: int) -> PairingFinder:
    return PairingFinder(max_members)


class PairingFinder:
    """doc._.pairings: [{members, relation, source, target, evidence: [start, end]}];
    doc._.givers: [(giver, receiver or None)] of every sentence that says one side gives."""

    def __init__(self, max_members: int) -> None:
        self.max_members = max_members
        self._parents: dict[str, str | None] = {}

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        from nlp.gazetteer import Gazetteer

        relation_lexicon()
        self._parents = {d.code: d.parent for d in Gazetteer.load()}

    def _is_parent(self, parent: str, child: str) -> bool:
        up = self._parents.get(child)
        while up:
            if up == parent:
                return True
            up = self._parents.get(up)
        return False

    def __call__(self, doc: Doc) -> Doc:
        found: list[dict[str, Any]] = []
        givers: list[tuple[str, str | None]] = []
        linked = _parties(doc)
        pair: list[str] = []  # the two places the text last spoke of
        for (start, end), ents in zip(_sentences(doc), _by_sentence(doc, linked), strict=True):
            text = doc_text(doc)[start:end]
            anaphor = PAIR_ANAPHOR.search(text)
            if (
                pair
                and anaphor
                and not any(e.start_char - start < anaphor.start() for e in ents)
                # "按照双方协议", "两市下辖的封开县": the pair's agreement or counties, not the pair
                and not ANAPHOR_OWNS.match(text, anaphor.end())
            ):
                relation = sentence_relation(text)
                if relation is not None:
                    # "两区签署协议，在交界处共建…": the pair before, the places after are where
                    found.append(
                        {
                            "members": sorted(pair),
                            "relation": relation,
                            "source": None,
                            "target": None,
                            "inferred": True,
                            "evidence": [start, end],
                        }
                    )
                    continue
            if not ents:
                continue
            places = [PlaceRef(e.kb_id_, e.start_char - start, e.end_char - start) for e in ents]
            codes = list(dict.fromkeys(e.kb_id_ for e in ents))
            located = [c for c in codes if not any(self._is_parent(c, o) for o in codes)]
            if len(located) == 2:
                pair = located
            gives = find_givers(text, places, self._is_parent)
            givers += gives
            if len(codes) < 2:
                continue
            said = []
            for pairing in find_pairings(text, places, is_parent=self._is_parent):
                if len(pairing.members) > self.max_members:
                    continue
                said.append(set(pairing.members))
                found.append(
                    {
                        "members": list(pairing.members),
                        "relation": pairing.relation,
                        "source": pairing.source,
                        "target": pairing.target,
                        "inferred": pairing.inferred,
                        "evidence": [start, end],
                    }
                )
            # money or people one place gives another is assistance, said or not
            for giver, receiver in gives:
                if receiver is None or any({giver, receiver} <= m for m in said):
                    continue
                if self._is_parent(giver, receiver) or self._is_parent(receiver, giver):
                    continue
                said.append({giver, receiver})
                found.append(
                    {
                        "members": sorted((giver, receiver)),
                        "relation": "assistance",
                        "source": giver,
                        "target": receiver,
                        "inferred": True,
                        "evidence": [start, end],
                    }
                )
        doc._.pairings = found
        doc._.givers = givers
        return doc


@Language.factory("coopwatch_initiatives")
def make_initiatives(nlp: Language, name: str) -> InitiativeFinder:
    return InitiativeFinder()


class InitiativeFinder:
    """doc._.initiatives: [{type, text, districts, amount, date, evidence: [start, end]}]."""

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        initiative_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        year = doc.user_data.get("coopwatch_year")
        pairings = doc._.pairings or []
        found: list[dict[str, Any]] = []
        ranges = _sentences(doc)
        ents_by = _by_sentence(doc, list(doc.ents))
        money_by = _by_sentence(doc, list(doc.spans.get("money", [])))
        for (start, end), ents, money in zip(ranges, ents_by, money_by, strict=True):
            codes = list(dict.fromkeys(e.kb_id_ for e in ents if e.label_ in LINKED and e.kb_id_))
            has_place = bool(codes) or any(e.label_ in ("REGION", "ZONE") for e in ents)
            text = doc_text(doc)[start:end]
            if not codes or ANAPHORA.search(text):
                # the places of the pairing this sentence continues ("双方", "the two
                # cities", or no place named at all), if one came before it
                before = [p for p in pairings if p["evidence"][0] <= start]
                if before:
                    members = before[-1]["members"]
                    if GROUP_ANAPHOR.search(text):
                        # "三县", "五市": every pairing the sentence before them named
                        last = before[-1]["evidence"]
                        members = [m for p in before if p["evidence"] == last for m in p["members"]]
                    codes = list(dict.fromkeys([*codes, *members]))
            amounts = [
                Amount(a.text, a.start - start, a.end - start, a.value, a.currency)
                for a in _amounts(money)
            ]
            names = [
                (e.start_char - start, e.end_char - start)
                for e in ents
                if e.label_ in ("ZONE", "TOWN")
            ]
            places = [
                (e.start_char - start, e.end_char - start) for e in ents if e.label_ in LINKED
            ]
            for item in find_initiatives(
                text,
                codes,
                amounts,
                has_place=has_place,
                default_year=year,
                names=names,
                places=places,
            ):
                found.append(
                    {
                        "type": item.type,
                        "text": item.text,
                        "districts": list(item.districts),
                        "amount": (
                            {
                                "text": item.amount.text,
                                "value": item.amount.value,
                                "currency": item.amount.currency,
                            }
                            if item.amount
                            else None
                        ),
                        "date": item.date,
                        "evidence": [start, end],
                        "again": item.again,
                    }
                )
        doc._.initiatives = merge_again(found)
        return doc
