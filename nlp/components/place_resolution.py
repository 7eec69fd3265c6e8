"""Which division a place name stands for: rules 4 to 6 of nlp/components/places.py
(common words, support, ambiguity), over the names place_matching.py found."""

from __future__ import annotations

import re
from typing import Any

from nlp.components.place_matching import Hit

_EN_LIST = (", ", " and ", ", and ", " or ", "/")
_CHINA = re.compile(r"\bChin(?:a|ese)\b|[\u4e00-\u9fff]")


class PlaceResolver:
    """Narrows and chooses the candidate codes of the names of one document."""

    def __init__(self, gaz: Any, lex: dict[str, Any], home_region: str) -> None:
        self.home_region = home_region
        self._div = {d.code: d for d in gaz}
        self._up = {d.code: tuple(p.code for p in gaz.parents(d.code)) for d in gaz}
        self._zh_links = tuple(lex["zh"]["parent_links"])
        self._zh_separators = set(lex["zh"]["list_separators"])
        self._en_links = tuple(lex["en"]["parent_links"])
        self._en_common = set(lex["en"]["common_words"])

    def resolve(self, text: str, names: list[Hit]) -> dict[int, list[str]]:
        """Leave each name (in text order) one code, or none when it does not count; return
        the codes each name that counts was considered for, by id()."""
        self._local(text, names)
        names = [h for h in names if h.codes]
        self._support(text, names)
        names = [h for h in names if h.codes]
        considered = {id(h): list(h.codes) for h in names}
        self._resolve(names)
        return considered

    def _related(self, a: str, b: str) -> bool:
        return a[:2] == b[:2] or a in self._up[b] or b in self._up[a]

    def _link(self, text: str, left: Hit, right: Hit) -> bool:
        gap = text[left.end : right.start]
        links = self._zh_links if left.lang == "zh" and right.lang == "zh" else self._en_links
        return gap in links or (gap == "" and left.lang != right.lang)

    def _local(self, text: str, names: list[Hit]) -> None:
        """Adjacent parents narrow candidates; common words need a parent or a list."""
        for i, h in enumerate(names):
            before = names[i - 1] if i else None
            after = names[i + 1] if i + 1 < len(names) else None
            parents = set()
            if before and self._link(text, before, h):
                parents |= set(before.codes)
            if after and after.lang == "en" and text[h.end : after.start] in (" in ", ", "):
                parents |= set(after.codes)  # "Heshan in Jiangmen"
            narrowed = [c for c in h.codes if parents & set(self._up[c])]
            if narrowed:
                h.codes, h.narrowed = narrowed, True
                continue
            # an item of a list of provinces is a province (北京、天津、河北: no 天津河北区)
            provinces = [c for c in h.codes if self._div[c].level == 1]
            if 0 < len(provinces) < len(h.codes) and self._province_list(text, h, before, after):
                h.codes, h.narrowed = provinces, True
                continue
            if not h.entry or not h.entry.common:
                continue
            if h.lang == "en":
                h.codes = []
                continue
            related: list[str] = []
            for other in (before, after):
                if other is None or other.entry is None or other.entry.common:
                    continue  # a list needs a name that is no common word (天下太平，和平)
                left, right = (other, h) if other is before else (h, other)
                gap = text[left.end : right.start]
                if len(gap) == 1 and gap in self._zh_separators:
                    related += [c for c in h.codes if any(self._related(c, o) for o in other.codes)]
            h.codes, h.narrowed = list(dict.fromkeys(related)), True

    def _province_list(self, text: str, h: Hit, before: Hit | None, after: Hit | None) -> bool:
        for other in (before, after):
            if other is None or not other.codes or other.lang != h.lang:
                continue
            left, right = (other, h) if other is before else (h, other)
            gap = text[left.end : right.start]
            listed = (
                gap in _EN_LIST if h.lang == "en" else len(gap) == 1 and gap in self._zh_separators
            )
            if listed and all(self._div[c].level == 1 for c in other.codes):
                return True
        return False

    def _support(self, text: str, names: list[Hit]) -> None:
        """A bare Chinese short name of a county-level unit needs a related mention elsewhere
        in the document (itself in another form, an ancestor, a child or a sibling): matched
        on characters, such names otherwise turn up across word boundaries (首都安全). So does
        an ordinary English word with District ("the Southern District of New York").
        A bare English short name of a county-level unit is often a word of English or another
        language ("Guide", Indonesian "Dari"): it needs a text that speaks of China (another
        division named, or China / Chinese)."""
        forms: dict[str, set[str]] = {}
        for h in names:
            for code in h.codes:
                forms.setdefault(code, set()).add(h.form)
        china: bool | None = None
        for h in names:
            if h.narrowed or any(self._div[c].level < 3 for c in h.codes):
                continue
            if h.lang == "en" and h.kind == "name":
                if china is None:
                    china = bool(_CHINA.search(text))
                if not china and forms.keys() <= set(h.codes):
                    h.codes = []
            elif h.kind == "name" or h.lang == "en" and self._generic_district(h.form):
                h.codes = [c for c in h.codes if self._supported(c, h.form, forms)]

    def _generic_district(self, form: str) -> bool:
        # an ordinary word with District names a district of anywhere ("Southern District")
        head, _, tail = form.rpartition(" ")
        return tail == "District" and head in self._en_common

    def _supported(self, code: str, form: str, forms: dict[str, set[str]]) -> bool:
        up = self._up[code]
        for other, seen in forms.items():
            if seen == {form}:
                continue
            if other == code or other in up or code in self._up[other]:
                return True
            if up and self._up[other][:1] == up[:1]:
                return True
        return False

    def _resolve(self, names: list[Hit]) -> None:
        # evidence per (form, candidates): a mention never votes for its own reading
        evidence: dict[tuple[str, tuple[str, ...]], dict[str, float]] = {}
        for h in names:
            votes = evidence.setdefault((h.form, tuple(h.codes)), {})
            for code in h.codes:
                votes[code] = 1.0 / len(h.codes)
        choice: dict[tuple[str, tuple[str, ...]], str] = {}
        for h in names:
            if len(h.codes) < 2:
                continue
            key = (h.form, tuple(h.codes))
            if key not in choice:
                others: dict[str, float] = {}
                for other_key, votes in evidence.items():
                    if other_key != key:
                        for code, weight in votes.items():
                            others[code] = max(others.get(code, 0.0), weight)
                scores = {c: self._score(c, others) for c in h.codes}
                choice[key] = max(h.codes, key=scores.__getitem__)
            h.codes = [choice[key]]

    def _score(self, code: str, others: dict[str, float]) -> float:
        up = self._up[code]
        score = 0.0
        for other, weight in others.items():
            if other == code:
                score += 4 * weight
            elif up and other == up[0]:
                score += 2 * weight
            elif other in up:
                score += weight
            elif code in self._up[other] or up and self._up[other][:1] == up[:1]:
                score += 1.5 * weight
            elif other[:2] == code[:2]:
                score += 0.5 * weight
        division = self._div[code]
        score += {1: 1.0, 2: 0.3}.get(division.level, 0.0)
        score += 0.2 if division.type == "county_city" else 0.0
        home = self.home_region[:2]
        score += 0.05 if home and code.startswith(home) else 0.0
        return score
