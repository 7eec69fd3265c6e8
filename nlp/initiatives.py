"""Initiatives: typed facts (fund, park, school alliance...) with places, amount, date, evidence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from nlp.amounts import Amount
from nlp.lexicon import Hit, Lexicon, load_toml
from nlp.relations import relation_lexicon

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
    r"contribute|contributes|contributed|set up|raise|raised|received|receive|starts with)\b",
    re.IGNORECASE,
)


# After an amount, these introduce what it pays for.
PURPOSE = re.compile(
    r"用于|用来|投向|专门用于|重点用于|支持|\b(?:for|to build|to upgrade|to develop|to fund|"
    r"to finance|to support|to expand|on)\b",
    re.IGNORECASE,
)
NOT_PURPOSE = frozenset({"fund", "agreement", "other"})
# The places of an earlier sentence, named again without their names ("两地还约定…").
ANAPHORA = re.compile(
    r"两地|双方|三地|三方|四地|两市|两区|两县|两省|两旗|兩地|雙方|三地|兩市|兩區|兩縣|"
    r"\b(?:the two (?:cities|districts|counties|sides|places|provinces|regions)|both sides|"
    r"the (?:three|four) (?:cities|districts|counties|places)|the neighbours|the pair|the trio)\b",
    re.IGNORECASE,
)
# Something set up, opened or launched: an initiative even when no type word names it.
FOUNDING = re.compile(
    r"建立|设立|開設|开设|开通|開通|成立|启用|啟用|投产|投產|开业|開業|建成|落成|"
    r"\b(?:set up|opened|has opened|launched|established|founded|started operating)\b",
    re.IGNORECASE,
)
FUND_NEAR = 8  # characters between a named fund and its amount
CLAUSE_BREAK = re.compile(r"[，,；;：:]")


def find_initiatives(
    sentence: str,
    districts: list[str],
    amounts: list[Amount],
    *,
    has_place: bool,
    default_year: int | None = None,
    names: list[tuple[int, int]] | None = None,
) -> list[FoundInitiative]:
    """Initiatives stated in one sentence.

    A sentence qualifies when it names a place, an amount or a cooperation relation. Each
    type triggered gives one initiative (at most three); words inside the name of a zone or
    town do not count. An amount being spent (投入, "will spend", or in a sentence that names
    an initiative) pays for, in this order: what a purpose phrase after it names (用于,
    "to build"); the nearest thing named in its own clause; the first thing the sentence is
    about; else it is a fund. An amount right next to a named fund stays with that fund too,
    so totals must count each amount once (by evidence and text), not each initiative.
    """
    related = any(True for _ in relation_lexicon().relations.find(sentence))
    has_place = has_place or bool(ANAPHORA.search(sentence))
    if not (has_place or amounts or related):
        return []
    spans = names or []
    found = [
        h
        for h in initiative_lexicon().find(sentence)
        if not any(start < h.end and h.start < end for start, end in spans)
    ]
    # "产业协作基金", "教育发展基金": a word right before a fund's name is part of the name.
    funds = [h.start for h in found if h.key == "fund"]
    hits = [h for h in found if h.key == "fund" or not any(0 <= f - h.end <= 2 for f in funds)]
    types: dict[str, str] = {}
    for hit in hits:
        types.setdefault(hit.key, hit.text)
    spent = _distinct(a for a in amounts if MONEY_VERBS.search(sentence) or types or related)
    if not types and not spent:
        founded = has_place and (related or FOUNDING.search(sentence))
        if not founded:
            return []
        # "三地建立了政务服务跨域通办机制": something set up together, of no listed type
        match = FOUNDING.search(sentence)
        text = match.group(0) if match else sentence[:40]
        return [
            FoundInitiative(
                "other", text, tuple(districts), None, find_date(sentence, default_year)
            )
        ]
    chosen = list(types)[:MAX_TYPES_PER_SENTENCE]
    near = [h for h in hits if h.key in chosen or h.key == "fund"]
    topic = next((h.key for h in near if h.key not in NOT_PURPOSE), None)
    paid: list[tuple[str, Amount]] = []
    for amount in spent:
        paid.append((_pays_for(sentence, amount, near, topic), amount))
        named_fund = any(
            h.key == "fund" and _distance(h.start, h.end, amount.start, amount.end) <= FUND_NEAR
            for h in hits
        )
        if named_fund and paid[-1][0] != "fund":
            paid.append(("fund", amount))
    date = find_date(sentence, default_year)
    out: list[FoundInitiative] = []
    used: set[str] = set()
    for kind, amount in paid:
        out.append(
            FoundInitiative(kind, types.get(kind, amount.text), tuple(districts), amount, date)
        )
        used.add(kind)
    for kind in chosen:
        if kind not in used:
            out.append(FoundInitiative(kind, types[kind], tuple(districts), None, date))
    return out


def _pays_for(sentence: str, amount: Amount, near: list[Hit], topic: str | None) -> str:
    marker = PURPOSE.search(sentence, amount.end)
    if marker is not None:
        for hit in near:
            if hit.start >= marker.end() and hit.key not in NOT_PURPOSE:
                return hit.key
    start, end = _clause(sentence, amount)
    own = [h for h in near if start <= h.start and h.end <= end]
    if own:
        return min(own, key=lambda h: _distance(h.start, h.end, amount.start, amount.end)).key
    return topic or "fund"


def _clause(sentence: str, amount: Amount) -> tuple[int, int]:
    """The clause around an amount: between the commas or semicolons that enclose it."""
    start = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, amount.start)), default=0)
    found = CLAUSE_BREAK.search(sentence, amount.end)
    return start, found.start() if found else len(sentence)


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
