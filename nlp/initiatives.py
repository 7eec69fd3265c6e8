"""Initiatives: typed facts (fund, park, school alliance...) with places, amount, date, evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nlp.amounts import Amount
from nlp.lexicon import Lexicon, load_toml
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


def find_initiatives(
    sentence: str,
    districts: list[str],
    amounts: list[Amount],
    *,
    has_place: bool,
    default_year: int | None = None,
) -> list[FoundInitiative]:
    """Initiatives stated in one sentence.

    A sentence qualifies when it names a place, an amount or a cooperation relation; each
    type triggered gives one initiative (at most three), the first amount goes to the fund
    (or to the first type when there is no fund), and a sentence with an amount and a
    relation but no type word gives an "other" initiative.
    """
    related = any(True for _ in relation_lexicon().relations.find(sentence))
    if not (has_place or amounts or related):
        return []
    hits = list(initiative_lexicon().find(sentence))
    types: dict[str, str] = {}
    for hit in hits:
        types.setdefault(hit.key, hit.text)
    if not types:
        if amounts and related:
            types["other"] = amounts[0].text
        else:
            return []
    chosen = list(types.items())[:MAX_TYPES_PER_SENTENCE]
    money = amounts[0] if amounts else None
    money_type = "fund" if "fund" in types else chosen[0][0]
    date = find_date(sentence, default_year)
    return [
        FoundInitiative(kind, text, tuple(districts), money if kind == money_type else None, date)
        for kind, text in chosen
    ]
