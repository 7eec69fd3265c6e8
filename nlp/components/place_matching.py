"""Place names found in a text: rules 1 to 3 of nlp/components/places.py (matching, the
shapes around a name, overlaps). The candidates of each name are resolved in
place_resolution.py."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, count
from typing import Any

from nlp.language import to_simplified
from nlp.lexicon import trie_regex

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Ties of length: full names, zones, facilities (dropped), towns, short names.
_RANK = {"full": 0, "zone": 1, "block": 2, "town": 3, "name": 4}
_EN_TYPE_SUFFIX = re.compile(r"(?<=\s)(?:District|City|County|Banner)$")
_EN_TYPE_WORDS = re.compile(
    r"\s(?:District|City|County|Banner|Prefecture|League|Province|Municipality|Region|"
    r"Parish|Autonomous .*|Special Administrative Region|SAR)$"
)


# Characters of the common words whose 区 makes a phrase of place (老城区, 城北区, 矿区).
AREA_WORD = re.compile("[城东西南北中郊矿江河湖山岸港市]")


@dataclass(frozen=True)
class Entry:
    """What a name form stands for: candidate codes, or a zone / blocker word."""

    kind: str  # "name", "zone", "block"
    codes: tuple[str, ...] = ()
    full: bool = False
    common: bool = False


@dataclass
class Hit:
    """A candidate at characters start:end: a name (written in full or short), a zone, a town
    or a blocker word; resolution narrows the codes of names."""

    start: int
    end: int
    kind: str  # "full", "name", "zone", "town", "block"
    entry: Entry | None = None
    form: str = ""
    lang: str = "zh"
    codes: list[str] = field(default_factory=list)
    narrowed: bool = False  # by an adjacent parent (江门鹤山) or a list of places


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _simplify_char(ch: str) -> str:
    out = to_simplified(ch)
    return out if len(out) == 1 else ch


def simplified_copy(text: str) -> str:
    """Simplified copy of text with the same length (offsets stay valid)."""
    out = to_simplified(text)
    if len(out) == len(text):
        return out
    return "".join(map(_simplify_char, text))


class PlaceMatcher:
    """The gazetteer's names and the lexicon's shapes, compiled for matching."""

    def __init__(self, gaz: Any, lex: dict[str, Any]) -> None:
        self._div = {d.code: d for d in gaz}
        self._build_zh(gaz, lex["zh"])
        self._build_en(gaz, lex["en"])

    def find(self, text: str, simp: str) -> list[Hit]:
        """Names, zones, towns and facilities in ``text`` (``simp``: its Simplified copy of
        the same length) that survive the overlaps, in text order."""
        found = self._scan_zh(simp) + self._scan_en(text)
        found += self._shapes(text, simp, found)
        found += self._towns(text, simp, [h for h in found if h.kind in ("full", "name")])
        found.sort(key=lambda h: (h.start - h.end, self._rank(h), h.start))
        taken = bytearray(len(text) + 1)
        kept: list[Hit] = []
        for h in found:
            if not any(taken[h.start : h.end]):
                taken[h.start : h.end] = b"\x01" * (h.end - h.start)
                kept.append(h)
        kept.sort(key=lambda h: h.start)
        return kept

    def _build_zh(self, gaz: Any, lex: dict[str, Any]) -> None:
        common = {to_simplified(w) for w in lex["common_words"]}
        forms: dict[str, tuple[list[str], bool]] = {}
        informal = {"autonomous_prefecture": "州", "league": "盟", "autonomous_county": "县"}
        official = {to_simplified(n) for d in gaz for n in (d.name_zh, d.short_zh)}
        for d in gaz:
            short, name = to_simplified(d.short_zh), to_simplified(d.name_zh)
            # raw and converted forms: OpenCC maps a few Simplified characters too (乾安)
            names = {d.name_zh, d.short_zh, short, name, *self._aliases_zh(gaz, d)}
            if d.type in informal and short + informal[d.type] not in official:
                names.add(short + informal[d.type])
            for n in names | {to_simplified(n) for n in names}:
                if len(n) < 2:
                    continue
                # written with its suffix, or a name that is only ever written so (赵县)
                full = n != short or short == name
                codes, _ = forms.setdefault(n, ([], full))
                if d.code not in codes:
                    codes.append(d.code)
        # 区 also means "area": a common word with 区 is still a phrase (老城区, 城北区), but
        # a landmark with 区 is the district named after it (西湖区, 黄山区)
        # (only words of place and direction: 和平区, 光明区 are districts, not phrases)
        common |= {
            n for n in forms if n.endswith("区") and n[:-1] in common and AREA_WORD.search(n[:-1])
        }
        landmarks = {to_simplified(w) for w in lex["landmarks"]}
        common = (common | landmarks) - {n + "区" for n in landmarks}
        table: dict[str, Entry] = {
            n: Entry("name", tuple(codes), full and n not in common, n in common)
            for n, (codes, full) in forms.items()
        }
        for word in lex["named_zones"]:
            table.setdefault(to_simplified(word), Entry("zone"))
        for word in lex["blockers"]:
            table[to_simplified(word)] = Entry("block")
        self._zh = table
        prefixes: dict[str, set[int]] = {}
        for form in table:
            prefixes.setdefault(form[:2], set()).add(len(form))
        self._zh_prefix = {k: sorted(v, reverse=True) for k, v in prefixes.items()}
        # A form can only match inside a run of characters that occur in forms.
        letters = "".join(sorted({ch for form in table for ch in form}))
        self._zh_runs = re.compile(f"[{re.escape(letters)}]{{2,}}")
        self._zh_facility = re.compile(_alternation(lex["facility_suffixes"]))
        gap = f"[^{re.escape(lex['gap_breakers'])}]"
        self._zh_far = re.compile(
            f"{gap}{{0,{lex['facility_gap']}}}?({_alternation(lex['facility_far_suffixes'])})"
        )
        self._zh_port = (lex["port_suffix"], lex["port_not_before"])
        not_before = lex["town_suffix_not_before"]
        town = "|".join(
            re.escape(s) + (f"(?![{re.escape(not_before[s])}])" if s in not_before else "")
            for s in sorted(lex["town_suffixes"], key=len, reverse=True)
        )
        self._zh_town_tail = re.compile(f"(?:{town})")
        # (the first lookahead only lets the scan pass non-Han text quickly)
        self._zh_town = re.compile(f"(?=[{HAN}])(?=([{HAN}]{{2}})({town}))")
        self._not_towns = set(lex["not_towns"])
        self._town_breakers = set(lex["town_breakers"])
        mods = _alternation(lex["zone_modifiers"])
        self._zh_zone_word = re.compile(f"(?:{_alternation(lex['zone_suffixes'])})$")
        self._zh_name_char = re.compile(f"[{HAN}](?<![{re.escape(lex['town_breakers'])}])")
        self._zh_zone_tail = re.compile(f"(?:{mods})*(?:{_alternation(lex['zone_suffixes'])})")

    @staticmethod
    def _aliases_zh(gaz: Any, division: Any) -> set[str]:
        # The table's aliases (Traditional forms, 塔县), and the forms of the name that lead
        # back to this division (特区 style aliases).
        out = set(gaz.aliases_zh(division.code))
        for variant in (division.name_zh, division.short_zh):
            for suffix in ("", "特区"):
                name = variant + suffix
                if any(d.code == division.code for d in gaz.by_name_zh(name)):
                    out.add(name)
        return out

    def _build_en(self, gaz: Any, lex: dict[str, Any]) -> None:
        common = set(lex["common_words"])
        forms: dict[str, tuple[list[str], bool]] = {}

        def add(form: str, code: str, full: bool) -> None:
            form = " ".join(form.split())
            if len(form) < 3 or not form[0].isupper():
                return
            codes, _ = forms.setdefault(form, ([], full))
            if code not in codes:
                codes.append(code)

        for d in gaz:
            names = {d.name_en, d.short_en}
            for name in list(names):
                if "'" in name:
                    names |= {name.replace("'", ""), name.replace("'", "\u2019")}
            # the short name without its apostrophe is still short ("Lean" for Le'an)
            shorts = {d.short_en, d.short_en.replace("'", ""), d.short_en.replace("'", "\u2019")}
            for name in names:
                full = name not in shorts
                add(name, d.code, full)
                if full and name.startswith(d.short_en + " "):
                    add(d.short_en + name[len(d.short_en) :].lower(), d.code, True)
                elif (typed := _EN_TYPE_SUFFIX.search(name)) is not None:
                    # "Xiong County" (雄县) is only ever written with its suffix: "Xiong county"
                    add(name[: typed.start()] + typed.group().lower(), d.code, full)
            for alias in self._aliases_en(gaz, d):
                add(alias, d.code, bool(_EN_TYPE_WORDS.search(alias)))
                if (typed := _EN_TYPE_SUFFIX.search(alias)) is not None:
                    # "Ganzi county", "Gar county": the type word is often written lower-case
                    add(alias[: typed.start()] + typed.group().lower(), d.code, True)
        table = {
            f: Entry("name", tuple(c), full, f in common and not full)
            for f, (c, full) in forms.items()
        }
        for word in lex["named_zones"]:
            table.setdefault(word, Entry("zone"))
        self._en = table
        # (the lookahead of the names' first letters lets the scan pass other positions quickly)
        first = re.escape("".join(sorted({form[0] for form in table})))
        self._en_re = re.compile(
            rf"(?=[{first}])(?<![A-Za-z0-9])(" + trie_regex(table) + r")(?![A-Za-z0-9])"
        )
        cap = r"(?:[A-Z][A-Za-z]*(?:-[A-Za-z]+)*|and(?=\sTechnolog))"
        self._en_zone_tail = re.compile(
            rf"(?:[\s-]+{cap}){{0,8}}?[\s-]+(?:{_alternation(lex['zone_words'])})\b"
        )
        towns = _alternation(lex["town_words"] + [w.lower() for w in lex["town_words"]])
        listed = r"(?:(?:,\s*|\s+and\s+)[A-Z][\w'’-]*)+\s+"  # "Chang'an and Humen towns"
        self._en_town_tail = re.compile(
            rf"\s+(?:{towns})\b|(?={listed}(?:{_alternation(lex['town_plurals'])})\b)"
        )
        self._en_town = re.compile(
            rf"(?=[A-Z])\b([A-Z][a-z]+)\s+(?:{_alternation(lex['town_words'])})\b"
        )
        chain = r"(?:-[A-Z][\w'’]*(?:\s[A-Z][\w'’]*)?)*"  # Hong Kong-Zhuhai-Macao Bridge
        mods = rf"(?:\s+(?:{_alternation(lex['facility_modifiers'])})){{0,2}}"
        self._en_facility = re.compile(
            rf"{chain}{mods}\s+(?:{_alternation(lex['facility_words'])})\b"
        )
        self._en_facility_before = re.compile(
            rf"(?:(?:{_alternation(lex['facility_prefixes'])})\s+|"
            rf"(?<![\w'’-])(?:{_alternation(lex['person_surnames'])}) )$"
        )

    @staticmethod
    def _aliases_en(gaz: Any, division: Any) -> set[str]:
        # The gazetteer lists no aliases: probe the usual variants and keep those it confirms
        # ("Hong Kong SAR", "HKSAR", "Macau", pinyin "Xizang", "Neimenggu").
        probes = {f"{stem}{extra}" for stem in (division.short_en, division.name_en)
                  for extra in (" SAR", " City", " Special Administrative Region")}  # fmt: skip
        if division.level == 1:
            from pypinyin import lazy_pinyin

            pinyin = "".join(lazy_pinyin(division.short_zh)).capitalize()
            probes |= {pinyin, "HKSAR", "Macau", "Macau SAR", "Macau Special Administrative Region"}
        confirmed = {p for p in probes if any(d.code == division.code for d in gaz.by_name_en(p))}
        # and the table's own aliases ("Burang" for 普兰县, "Gar County" for 噶尔县)
        return confirmed | set(gaz.aliases_en(division.code))

    def _scan_zh(self, simp: str) -> list[Hit]:
        hits = []
        table, prefixes = self._zh, self._zh_prefix
        get = prefixes.get
        # English text has no run to look at; Chinese text is mostly one run per sentence.
        for run in self._zh_runs.finditer(simp):
            chunk, end = run.group(), run.end()
            # positions whose two characters begin some name, found without a Python-level loop
            bigrams = map(operator.add, chunk, chunk[1:])
            for i in compress(count(run.start()), map(prefixes.__contains__, bigrams)):
                for n in get(simp[i : i + 2], ()):
                    form = simp[i : i + n]
                    entry = table.get(form) if i + n <= end else None
                    if entry is not None:
                        kind = "full" if entry.full else entry.kind
                        hits.append(Hit(i, i + n, kind, entry, form, "zh", list(entry.codes)))
                        break
        return hits

    def _scan_en(self, text: str) -> list[Hit]:
        hits = []
        for m in self._en_re.finditer(text):
            form = " ".join(m.group(1).split())
            entry = self._en[form]
            kind = "full" if entry.full else entry.kind
            hits.append(Hit(m.start(1), m.end(1), kind, entry, form, "en", list(entry.codes)))
        return hits

    def _shapes(self, text: str, simp: str, hits: list[Hit]) -> list[Hit]:
        """Zones, towns and facilities built around the names found."""
        starts = {h.start for h in hits}
        # an ordinary word may be a word of a facility's name (北京同仁医院, 禹州光明医院)
        named = {h.start for h in hits if not (h.entry and h.entry.common)}
        ends = {h.end for h in hits}
        full_starts = {h.start for h in hits if h.kind == "full"}
        by_end = {h.end: h for h in hits if h.kind == "name"}
        out: list[Hit] = []
        for h in hits:
            if h.kind == "block":
                continue
            full = h.kind == "full"
            if h.lang == "zh":
                zone = self._zh_zone_tail.match(simp, h.end)
                town = self._zh_town_tail.match(simp, h.end)
            else:
                zone = self._en_zone_tail.match(text, h.end)
                town = self._en_town_tail.match(text, h.end)
            if zone and not any(h.end <= s < zone.end() for s in full_starts):
                begin = h.end if full else self._chain_start(h, by_end)
                out.append(Hit(begin, zone.end(), "zone", lang=h.lang))
                continue
            if h.kind == "zone":
                out.append(Hit(h.start, h.end, "zone", lang=h.lang))
                continue
            if full:
                head = self._zone_head(simp, h, ends) if h.lang == "zh" else None
                if head is not None:
                    out.append(Hit(head, h.end, "zone"))  # 银湖湾滨海新区 is no 滨海新区
                continue
            if town:
                out.append(Hit(h.start, max(town.end(), h.end), "town", lang=h.lang))
            elif (end := self._facility_end(text, simp, h, starts, named)) is not None:
                out.append(Hit(h.start, end, "block", lang=h.lang))
        return out

    def _chain_start(self, h: Hit, by_end: dict[int, Hit]) -> int:
        """A zone's name takes the short district names right before it (喀什深圳产业园)."""
        while (prev := by_end.get(h.start)) and all(self._div[c].level > 1 for c in prev.codes):
            h = prev
        return h.start

    def _zone_head(self, simp: str, h: Hit, ends: set[int]) -> int | None:
        """Start of the zone name when a full name that is itself a zone word (滨海新区,
        浦东新区) follows other name characters instead of a boundary or its parent."""
        if not self._zh_zone_word.search(h.form) or h.start in ends:
            return None
        begin = h.start
        while begin > max(0, h.start - 4) and self._zh_name_char.match(simp, begin - 1):
            begin -= 1
        return begin if begin < h.start else None

    def _facility_end(
        self, text: str, simp: str, h: Hit, starts: set[int], named: set[int]
    ) -> int | None:
        if h.lang == "en":
            m = self._en_facility.match(text, h.end)
            if m:
                return m.end()
            if self._en_facility_before.search(text, max(0, h.start - 8), h.start):
                return h.end
            return None
        if h.end not in starts:
            if m := self._zh_facility.match(simp, h.end):
                return m.end()
            port, not_before = self._zh_port
            if simp.startswith(port, h.end) and simp[h.end + 1 : h.end + 2] not in not_before:
                return h.end + 1
        m = self._zh_far.match(simp, h.end)
        if m and not any(h.end <= s < m.start(1) for s in named):
            return m.end()
        return None

    def _towns(self, text: str, simp: str, names: list[Hit]) -> list[Hit]:
        inside = {i for h in names for i in range(h.start + 1, h.end)}
        out = []
        for m in self._zh_town.finditer(simp):
            start, word = m.start(1), m.group(1)
            if (
                start in inside
                or word + m.group(2) in self._not_towns
                or word in self._not_towns
                or word[-1] + m.group(2) in self._not_towns
                or self._town_breakers & set(word)
            ):
                continue
            out.append(Hit(start, m.end(2), "town"))
        for m in self._en_town.finditer(text):
            if m.group(1) not in ("The", "This", "That", "Old", "New", "Small", "A"):
                out.append(Hit(m.start(), m.end(), "town", lang="en"))
        return out

    def _rank(self, h: Hit) -> int:
        # on a tie of length a prefecture or province name beats a county's (从江门: 江门)
        if h.kind == "name" and all(self._div[c].level == 3 for c in h.codes):
            return _RANK["name"] + 1
        return _RANK[h.kind]
