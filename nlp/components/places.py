"""coopwatch_places: place names in English and Chinese text linked to GB/T 2260 codes.

Rules, in the order they apply:

1. Matching. Chinese is matched on characters, never on tokens: every Chinese name of the
   gazetteer (official name, short name, aliases, Traditional forms mapped to Simplified) is
   looked up at every position of the Simplified copy of the text (same length as the text),
   so no word segmentation can lose a name. English names are matched on word boundaries,
   case-sensitively for the name ("Taishan", "Xinhui District", "Xinhui district"), so
   hyphenated pairs ("Xinhui-Taishan") give each member. Names of one character never match.
2. Shapes around a name. A name followed by a facility word (中山大学, 中山路, 中山公园,
   "Zhongshan Road", "Mount Tai...") is part of a facility name and not a mention, unless the
   name is written in full with its suffix (新会区人民医院 still mentions 新会区). A name
   followed by a town suffix (长安镇, "Changan Town") is a TOWN; a name or named zone followed
   by zone words (江门高新区, 横琴粤澳深度合作区, "Nansha New Area") is a ZONE; when the name in
   a zone is written in full (江门市高新区) the name stays a division and the rest is the ZONE.
   Other towns are two characters before 镇/乡/街道 ("会城街道") outside a stop list.
3. Overlaps. The longest candidate wins; on a tie, full names before zones, facilities, towns
   and short names (a province's or prefecture's before a county's: 从江门 is 江门); then the
   leftmost. Blockers (孙中山, 中华: words that contain or straddle a name) take part too.
4. Common words. Short names that are ordinary words (合作, 振兴, 新兴, 太平...; listed in
   nlp/data/places.toml with the principle) count only when written with their suffix, right
   after their parent (云浮新兴, "Xinxing in Yunfu"), or as an item of a list of places in the
   same province (新兴、郁南、罗定).
5. Support. Matched on characters, a bare Chinese short name of a county-level unit also
   turns up across word boundaries (首都安全: 都安), so it counts only when the document has a
   related mention: the unit in another form, an ancestor, a descendant or a sibling.
6. Ambiguity. A name with several candidates keeps those its adjacent parent allows (江门鹤山,
   "Heshan in Jiangmen"); the rest are scored over the whole document by the other mentions:
   the same division named unambiguously (x4), its parent (x2) or grandparent (x1), its
   descendants (x1.5), siblings (x1.5), same province (x0.5), ambiguous mentions counting a share.
   Priors break what evidence leaves tied: province-level units (+1: 吉林, 海南), prefecture
   cities (+0.3), county-level cities (+0.2), then the `home_region` (+0.05: Guangdong, the
   project's domain). One surface form gets one reading per document.

Spans: DISTRICT (levels 2 and 3) and REGION (level 1) with kb_id_ = code; TOWN and ZONE with
kb_id_ = "". span._.candidates lists the codes that were considered.
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, count
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, IDX, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.components.sentences import TEXT
from nlp.language import to_simplified

LEXICON = Path(__file__).resolve().parent.parent / "data" / "places.toml"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Ties of length: full names, zones, facilities (dropped), towns, short names.
_RANK = {"full": 0, "zone": 1, "block": 2, "town": 3, "name": 4}
_EN_TYPE_WORDS = re.compile(
    r"\s(?:District|City|County|Banner|Prefecture|League|Province|Municipality|Region|"
    r"Parish|Autonomous .*|Special Administrative Region|SAR)$"
)

if not Span.has_extension("candidates"):
    Span.set_extension("candidates", default=None)


@dataclass(frozen=True)
class _Entry:
    """What a name form stands for: candidate codes, or a zone / blocker word."""

    kind: str  # "name", "zone", "block"
    codes: tuple[str, ...] = ()
    full: bool = False
    common: bool = False


@dataclass
class _Hit:
    start: int
    end: int
    kind: str  # "full", "name", "zone", "town", "block"
    entry: _Entry | None = None
    form: str = ""
    lang: str = "zh"
    codes: list[str] = field(default_factory=list)
    narrowed: bool = False  # by an adjacent parent (江门鹤山) or a list of places


@Language.factory(
    "coopwatch_places",
    default_config={"overwrite_ents": True, "home_region": "440000", "lexicon_path": ""},
)
def make_places(
    nlp: Language, name: str, overwrite_ents: bool, home_region: str, lexicon_path: str
) -> PlaceLinker:
    return PlaceLinker(
        name, overwrite_ents=overwrite_ents, home_region=home_region, lexicon_path=lexicon_path
    )


def _trie_regex(words: Iterable[str], space: str = r"\s+") -> str:
    """One regex alternation shaped as a trie: it matches the longest word at a position."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [(space if ch == " " else re.escape(ch)) + build(sub)
                for ch, sub in sorted(node.items()) if ch]  # fmt: skip
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _simplify_char(ch: str) -> str:
    out = to_simplified(ch)
    return out if len(out) == 1 else ch


def _simplified(text: str) -> str:
    """Simplified copy of text with the same length (offsets stay valid)."""
    out = to_simplified(text)
    if len(out) == len(text):
        return out
    return "".join(map(_simplify_char, text))


class PlaceLinker:
    """Finds districts, regions, towns and zones; see the module docstring for the rules."""

    def __init__(
        self, name: str, *, overwrite_ents: bool, home_region: str, lexicon_path: str
    ) -> None:
        self.name = name
        self.overwrite_ents = overwrite_ents
        self.home_region = home_region
        self.lexicon_path = lexicon_path
        self._ready = False
        self._orth_keys = numpy.zeros(0, dtype=numpy.uint64)
        self._orth_words = numpy.zeros(0, dtype=object)

    # ------------------------------------------------------------------ initialize
    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        from nlp.gazetteer import Gazetteer

        path = Path(self.lexicon_path) if self.lexicon_path else LEXICON
        with open(path, "rb") as fh:
            lex = tomllib.load(fh)
        zh, en = lex["zh"], lex["en"]
        gaz = Gazetteer.load()
        self._div = {d.code: d for d in gaz}
        self._up = {d.code: tuple(p.code for p in gaz.parents(d.code)) for d in gaz}
        self._build_zh(gaz, zh)
        self._build_en(gaz, en)
        self._ready = True

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
        # 区 also means "area": a common word with 区 is still a phrase (老城区, 城北区)
        common |= {n for n in forms if n.endswith("区") and n[:-1] in common}
        table: dict[str, _Entry] = {
            n: _Entry("name", tuple(codes), full and n not in common, n in common)
            for n, (codes, full) in forms.items()
        }
        for word in lex["named_zones"]:
            table.setdefault(to_simplified(word), _Entry("zone"))
        for word in lex["blockers"]:
            table[to_simplified(word)] = _Entry("block")
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
        self._zh_separators = set(lex["list_separators"])
        self._zh_links = tuple(lex["parent_links"])

    @staticmethod
    def _aliases_zh(gaz: Any, division: Any) -> set[str]:
        # The gazetteer's public API has no alias listing: ask it which forms of the name lead
        # back to this division (Traditional forms and 特区 style aliases).
        out = set()
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
            for name in names:
                full = name != d.short_en
                add(name, d.code, full)
                if full and name.startswith(d.short_en + " "):
                    add(d.short_en + name[len(d.short_en) :].lower(), d.code, True)
            for alias in self._aliases_en(gaz, d):
                add(alias, d.code, bool(_EN_TYPE_WORDS.search(alias)))
        table = {
            f: _Entry("name", tuple(c), full, f in common and not full)
            for f, (c, full) in forms.items()
        }
        for word in lex["named_zones"]:
            table.setdefault(word, _Entry("zone"))
        self._en = table
        # (the lookahead of the names' first letters lets the scan pass other positions quickly)
        first = re.escape("".join(sorted({form[0] for form in table})))
        self._en_re = re.compile(
            rf"(?=[{first}])(?<![A-Za-z0-9])(" + _trie_regex(table) + r")(?![A-Za-z0-9])"
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
        self._en_facility = re.compile(rf"{chain}\s+(?:{_alternation(lex['facility_words'])})\b")
        self._en_facility_before = re.compile(rf"(?:{_alternation(lex['facility_prefixes'])})\s+$")
        self._en_links = tuple(lex["parent_links"])

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
        return {p for p in probes if any(d.code == division.code for d in gaz.by_name_en(p))}

    # ------------------------------------------------------------------ matching
    def _scan_zh(self, simp: str) -> list[_Hit]:
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
                        hits.append(_Hit(i, i + n, kind, entry, form, "zh", list(entry.codes)))
                        break
        return hits

    def _scan_en(self, text: str) -> list[_Hit]:
        hits = []
        for m in self._en_re.finditer(text):
            form = " ".join(m.group(1).split())
            entry = self._en[form]
            kind = "full" if entry.full else entry.kind
            hits.append(_Hit(m.start(1), m.end(1), kind, entry, form, "en", list(entry.codes)))
        return hits

    def _shapes(self, text: str, simp: str, hits: list[_Hit]) -> list[_Hit]:
        """Zones, towns and facilities built around the names found."""
        starts = {h.start for h in hits}
        ends = {h.end for h in hits}
        full_starts = {h.start for h in hits if h.kind == "full"}
        by_end = {h.end: h for h in hits if h.kind == "name"}
        out: list[_Hit] = []
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
                out.append(_Hit(begin, zone.end(), "zone", lang=h.lang))
                continue
            if h.kind == "zone":
                out.append(_Hit(h.start, h.end, "zone", lang=h.lang))
                continue
            if full:
                head = self._zone_head(simp, h, ends) if h.lang == "zh" else None
                if head is not None:
                    out.append(_Hit(head, h.end, "zone"))  # 银湖湾滨海新区 is no 滨海新区
                continue
            if town:
                out.append(_Hit(h.start, max(town.end(), h.end), "town", lang=h.lang))
            elif (end := self._facility_end(text, simp, h, starts)) is not None:
                out.append(_Hit(h.start, end, "block", lang=h.lang))
        return out

    def _chain_start(self, h: _Hit, by_end: dict[int, _Hit]) -> int:
        """A zone's name takes the short district names right before it (喀什深圳产业园)."""
        while (prev := by_end.get(h.start)) and all(self._div[c].level > 1 for c in prev.codes):
            h = prev
        return h.start

    def _zone_head(self, simp: str, h: _Hit, ends: set[int]) -> int | None:
        """Start of the zone name when a full name that is itself a zone word (滨海新区,
        浦东新区) follows other name characters instead of a boundary or its parent."""
        if not self._zh_zone_word.search(h.form) or h.start in ends:
            return None
        begin = h.start
        while begin > max(0, h.start - 4) and self._zh_name_char.match(simp, begin - 1):
            begin -= 1
        return begin if begin < h.start else None

    def _facility_end(self, text: str, simp: str, h: _Hit, starts: set[int]) -> int | None:
        if h.lang == "en":
            m = self._en_facility.match(text, h.end)
            if m:
                return m.end()
            if self._en_facility_before.search(text, max(0, h.start - 6), h.start):
                return h.end
            return None
        if h.end not in starts:
            if m := self._zh_facility.match(simp, h.end):
                return m.end()
            port, not_before = self._zh_port
            if simp.startswith(port, h.end) and simp[h.end + 1 : h.end + 2] not in not_before:
                return h.end + 1
        m = self._zh_far.match(simp, h.end)
        if m and not any(h.end <= s < m.start(1) for s in starts):
            return m.end()
        return None

    def _towns(self, text: str, simp: str, names: list[_Hit]) -> list[_Hit]:
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
            out.append(_Hit(start, m.end(2), "town"))
        for m in self._en_town.finditer(text):
            if m.group(1) not in ("The", "This", "That", "Old", "New", "Small", "A"):
                out.append(_Hit(m.start(), m.end(), "town", lang="en"))
        return out

    def _rank(self, h: _Hit) -> int:
        # on a tie of length a prefecture or province name beats a county's (从江门: 江门)
        if h.kind == "name" and all(self._div[c].level == 3 for c in h.codes):
            return _RANK["name"] + 1
        return _RANK[h.kind]

    # ------------------------------------------------------------------ resolving
    def _related(self, a: str, b: str) -> bool:
        return a[:2] == b[:2] or a in self._up[b] or b in self._up[a]

    def _link(self, text: str, left: _Hit, right: _Hit) -> bool:
        gap = text[left.end : right.start]
        links = self._zh_links if left.lang == "zh" and right.lang == "zh" else self._en_links
        return gap in links or (gap == "" and left.lang != right.lang)

    def _local(self, text: str, names: list[_Hit]) -> None:
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

    def _support(self, names: list[_Hit]) -> None:
        """A bare Chinese short name of a county-level unit needs a related mention elsewhere
        in the document (itself in another form, an ancestor, a child or a sibling): matched
        on characters, such names otherwise turn up across word boundaries (首都安全)."""
        forms: dict[str, set[str]] = {}
        for h in names:
            for code in h.codes:
                forms.setdefault(code, set()).add(h.form)
        for h in names:
            if h.lang != "zh" or h.kind != "name" or h.narrowed:
                continue
            if any(self._div[c].level < 3 for c in h.codes):
                continue
            h.codes = [c for c in h.codes if self._supported(c, h.form, forms)]

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

    def _resolve(self, names: list[_Hit]) -> None:
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

    # ------------------------------------------------------------------ call
    def __call__(self, doc: Doc) -> Doc:
        if not self._ready:
            self.initialize()
        # The sentences component (or the Analyzer) keeps the text; rebuilding it costs.
        text = doc.user_data.get(TEXT) or self._text(doc)
        simp = _simplified(text)
        found = self._scan_zh(simp) + self._scan_en(text)
        found += self._shapes(text, simp, found)
        found += self._towns(text, simp, [h for h in found if h.kind in ("full", "name")])
        found.sort(key=lambda h: (h.start - h.end, self._rank(h), h.start))
        taken = bytearray(len(text) + 1)
        kept: list[_Hit] = []
        for h in found:
            if not any(taken[h.start : h.end]):
                taken[h.start : h.end] = b"\x01" * (h.end - h.start)
                kept.append(h)
        kept.sort(key=lambda h: h.start)
        names = [h for h in kept if h.kind in ("full", "name")]
        self._local(text, names)
        names = [h for h in names if h.codes]
        self._support(names)
        names = [h for h in names if h.codes]
        considered = {id(h): list(h.codes) for h in names}
        self._resolve(names)
        starts = doc.to_array(IDX)
        spans = []
        for h in kept:
            if h.kind in ("full", "name"):
                if not h.codes:
                    continue
                code = h.codes[0]
                label = "REGION" if self._div[code].level == 1 else "DISTRICT"
            elif h.kind in ("town", "zone"):
                code, label = "", h.kind.upper()
            else:
                continue
            # the tokens overlapping the characters (char_span's "expand", without Token objects)
            first = int(starts.searchsorted(h.start, "right")) - 1
            last = int(starts.searchsorted(h.end, "left"))
            span = Span(doc, max(first, 0), last, label=label, kb_id=code)
            spans.append((span, considered.get(id(h), [])))
        mine = filter_spans([s for s, _ in spans])
        candidates = {(s.start, s.end): c for s, c in spans}
        for span in mine:
            if span.label_ in ("DISTRICT", "REGION"):
                span._.candidates = candidates[(span.start, span.end)]
        self._set_ents(doc, mine)
        return doc

    def _text(self, doc: Doc) -> str:
        """doc.text without a Token object per token (that alone cost a third of the time):
        token texts come from a sorted table of the lexemes seen so far."""
        table = doc.to_array([ORTH, SPACY])
        orths = table[:, 0]
        at = self._orth_keys.searchsorted(orths).clip(0, max(len(self._orth_keys) - 1, 0))
        if not len(self._orth_keys) or (self._orth_keys[at] != orths).any():
            strings = doc.vocab.strings
            known = dict(zip(self._orth_keys.tolist(), self._orth_words.tolist(), strict=True))
            known.update((o, strings[o]) for o in set(orths.tolist()) - known.keys())
            keys = sorted(known)
            self._orth_keys = numpy.array(keys, dtype=orths.dtype)
            self._orth_words = numpy.array([known[k] for k in keys], dtype=object)
            at = self._orth_keys.searchsorted(orths)
        words = self._orth_words[at]
        spaced = table[:, 1].astype(bool)
        if spaced.any():
            words[spaced] = words[spaced] + " "
        return "".join(words.tolist())

    def _set_ents(self, doc: Doc, mine: list[Span]) -> None:
        # reading doc.ents walks every token: only do it when an earlier component set some
        if not doc.has_annotation("ENT_IOB"):
            _write_ents(doc, mine)
            return
        if self.overwrite_ents:
            covered = {i for span in mine for i in range(span.start, span.end)}
            old = [e for e in doc.ents if covered.isdisjoint(range(e.start, e.end))]
        else:
            old = list(doc.ents)
            taken = {i for e in old for i in range(e.start, e.end)}
            mine = [s for s in mine if taken.isdisjoint(range(s.start, s.end))]
        doc.ents = sorted(old + mine, key=lambda s: s.start)


def _write_ents(doc: Doc, spans: list[Span]) -> None:
    """What ``doc.ents = spans`` does on a document without entities (the spans do not
    overlap), in one write of the token columns: the setter checks every token in Python."""
    iob = numpy.full(len(doc), 2, dtype=numpy.uint64)  # O
    label = numpy.zeros(len(doc), dtype=numpy.uint64)
    kb_id = doc.to_array(ENT_KB_ID)  # the setter leaves it alone outside the spans
    for span in spans:
        iob[span.start] = 3  # B
        iob[span.start + 1 : span.end] = 1  # I
        label[span.start : span.end] = span.label
        kb_id[span.start : span.end] = span.kb_id
    columns = numpy.stack([iob, label, kb_id], axis=1)
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], columns)  # type: ignore[arg-type]
