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
   related mention: the unit in another form, an ancestor, a descendant or a sibling. So does
   an ordinary English word with District ("the Southern District of New York"). A bare
   English short name of a county-level unit is often a word of English or another language
   ("Guide", Indonesian "Dari"): it counts only in a text that speaks of China (another
   division named, China / Chinese, or Chinese characters). An English name right after a
   Chinese surname is a person's given name ("Xi Jinping"), not a place.
6. Ambiguity. A name with several candidates keeps those its adjacent parent allows (江门鹤山,
   "Heshan in Jiangmen"); the rest are scored over the whole document by the other mentions:
   the same division named unambiguously (x4), its parent (x2) or grandparent (x1), its
   descendants (x1.5), siblings (x1.5), same province (x0.5), ambiguous mentions counting a share.
   Priors break what evidence leaves tied: province-level units (+1: 吉林, 海南), prefecture
   cities (+0.3), county-level cities (+0.2), then the `home_region` (+0.05: Guangdong, the
   project's domain). One surface form gets one reading per document.

Spans: DISTRICT (levels 2 and 3) and REGION (level 1) with kb_id_ = code; TOWN and ZONE with
kb_id_ = "". span._.candidates lists the codes that were considered.

Rules 1 to 3 are in place_matching.py, rules 4 to 6 in place_resolution.py; this module is the
spaCy component that runs them and writes the spans.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, IDX, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.components.place_matching import PlaceMatcher, simplified_copy
from nlp.components.place_resolution import PlaceResolver
from nlp.components.sentences import TEXT

LEXICON = Path(__file__).resolve().parent.parent / "data" / "places.toml"

if not Span.has_extension("candidates"):
    Span.set_extension("candidates", default=None)


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

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        from nlp.gazetteer import Gazetteer

        path = Path(self.lexicon_path) if self.lexicon_path else LEXICON
        with open(path, "rb") as fh:
            lex = tomllib.load(fh)
        gaz = Gazetteer.load()
        self._div = {d.code: d for d in gaz}
        self._matcher = PlaceMatcher(gaz, lex)
        self._resolver = PlaceResolver(gaz, lex, self.home_region)
        self._ready = True

    def __call__(self, doc: Doc) -> Doc:
        if not self._ready:
            self.initialize()
        # The sentences component (or the Analyzer) keeps the text; rebuilding it costs.
        text = doc.user_data.get(TEXT) or self._text(doc)
        kept = self._matcher.find(text, simplified_copy(text))
        considered = self._resolver.resolve(text, [h for h in kept if h.kind in ("full", "name")])
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
