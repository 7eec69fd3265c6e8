"""spaCy components for money amounts, pairings and initiatives (after coopwatch_places)."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.amounts import Amount, find_amounts
from nlp.initiatives import find_initiatives, initiative_lexicon
from nlp.relations import PlaceRef, find_pairings, relation_lexicon

LINKED = ("DISTRICT", "REGION")

for _name, _default in (("pairings", None), ("initiatives", None)):
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
        for amount in find_amounts(doc.text):
            span = doc.char_span(amount.start, amount.end, label="MONEY", alignment_mode="expand")
            if span is not None:
                span._.money = {"value": amount.value, "currency": amount.currency}
                spans.append(span)
        doc.spans["money"] = spans
        return doc


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
    """doc._.pairings: [{members, relation, source, target, evidence: [start, end]}]."""

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
        for sent in doc.sents:
            places = [
                PlaceRef(e.kb_id_, e.start_char - sent.start_char, e.end_char - sent.start_char)
                for e in sent.ents
                if e.label_ in LINKED and e.kb_id_
            ]
            if len(places) < 2:
                continue
            for pairing in find_pairings(sent.text, places, is_parent=self._is_parent):
                if len(pairing.members) > self.max_members:
                    continue
                found.append(
                    {
                        "members": list(pairing.members),
                        "relation": pairing.relation,
                        "source": pairing.source,
                        "target": pairing.target,
                        "evidence": [sent.start_char, sent.end_char],
                    }
                )
        doc._.pairings = found
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
        for sent in doc.sents:
            codes = list(
                dict.fromkeys(e.kb_id_ for e in sent.ents if e.label_ == "DISTRICT" and e.kb_id_)
            )
            has_place = bool(codes) or any(e.label_ in ("REGION", "ZONE") for e in sent.ents)
            if not codes:
                # the places of the pairing this sentence continues, if any came before it
                before = [p for p in pairings if p["evidence"][0] <= sent.start_char]
                codes = list(before[-1]["members"]) if before else []
            money = [
                s
                for s in doc.spans.get("money", [])
                if sent.start_char <= s.start_char < sent.end_char
            ]
            offset = sent.start_char
            amounts = [
                Amount(a.text, a.start - offset, a.end - offset, a.value, a.currency)
                for a in _amounts(money)
            ]
            for item in find_initiatives(
                sent.text, codes, amounts, has_place=has_place, default_year=year
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
                        "evidence": [sent.start_char, sent.end_char],
                    }
                )
        doc._.initiatives = found
        return doc
