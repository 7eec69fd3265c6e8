"""Pairings: which places a sentence says cooperate, pair, assist or co-build, and who helps whom."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from nlp.lexicon import Hit, Lexicon, load_toml

# Most specific relation first: when a sentence has several, the first found here wins.
RELATION_ORDER = ("assistance", "sister_city", "pairing", "co_build", "cooperation")
GROUP_MARKER = re.compile(r"^\s*(?:三地|三区|三县|三市|四地|两地|等地|trio|three|four)", re.I)
LIST_SEPARATOR = re.compile(r"[、,，;；]")
MAX_GAP_ZH = 30
MAX_GAP_EN = 90


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


@cache
def relation_lexicon() -> RelationLexicon:
    return RelationLexicon()


def _is_link(between: str, lex: RelationLexicon) -> bool:
    words = between.strip().lower()
    if not words:
        return True
    if words in lex.links:
        return True
    # "Xinhui District and Taishan City" / "新会区与台山市" / "Xinhui (新会) and Taishan"
    stripped = re.sub(r"\([^)]*\)|（[^）]*）", "", words).strip()
    return stripped in lex.links


def _bridge(between: str, lex: RelationLexicon, chinese: bool) -> str | None:
    """How a longer stretch of text joins two places: "directed", "passive", "with" or None."""
    limit = MAX_GAP_ZH if chinese else MAX_GAP_EN
    if len(between) > limit or re.search(r"[。！？!?;；]", between):
        return None
    if any(True for _ in lex.passive.find(between)):
        return "passive"
    if any(True for _ in lex.directed.find(between)):
        return "directed"
    if not any(True for _ in lex.relations.find(between)):
        return None
    tail = between.strip().lower()
    if chinese:
        # "A与B签署" is a plain link; "A同B共建" too; "A在…与B" keeps the "with" at its end
        if any(w in between for w in ("与", "和", "同", "跟")):
            return "with"
        return "with" if len(between) <= 12 else None
    return "with" if any(tail.endswith(" " + w) or tail == w for w in lex.with_words) else None


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
    hits = list(lex.relations.find(sentence))
    relation = _relation(hits)
    if relation is None or len({p.code for p in places}) < 2:
        return []
    chinese = bool(re.search(r"[\u4e00-\u9fff]", sentence))
    ordered = _drop_qualifiers(sorted(places, key=lambda p: p.start), is_parent)
    groups: list[list[PlaceRef]] = []
    directions: list[tuple[str, str] | None] = []
    current: list[PlaceRef] = [ordered[0]]
    direction: tuple[str, str] | None = None
    for prev, place in zip(ordered, ordered[1:], strict=False):
        between = sentence[prev.end : place.start]
        if _is_link(between, lex) or LIST_SEPARATOR.fullmatch(between.strip() or "x"):
            current.append(place)
            continue
        bridge = _bridge(between, lex, chinese)
        if bridge is not None and not LIST_SEPARATOR.search(between):
            if bridge == "directed":
                direction = (current[-1].code, place.code)
            elif bridge == "passive":
                direction = (place.code, current[-1].code)
            current.append(place)
            continue
        groups.append(current)
        directions.append(direction)
        current, direction = [place], None
    groups.append(current)
    directions.append(direction)
    found: list[Found] = []
    for group, dirn in zip(groups, directions, strict=True):
        for part in _split_lists(sentence, group, lex):
            codes = tuple(dict.fromkeys(p.code for p in part))
            if len(codes) < 2:
                continue
            source, target = dirn if dirn and relation == "assistance" else (None, None)
            if source not in codes or target not in codes:
                source = target = None
            found.append(Found(tuple(sorted(codes)), relation, source, target))
    return found


def _drop_qualifiers(
    places: list[PlaceRef], is_parent: Callable[[str, str], bool]
) -> list[PlaceRef]:
    """ "江门鹤山" / "Heshan, Jiangmen": a prefecture next to its own county qualifies it."""
    out: list[PlaceRef] = []
    for i, place in enumerate(places):
        nxt = places[i + 1] if i + 1 < len(places) else None
        prev = out[-1] if out else None
        if nxt is not None and nxt.start - place.end <= 1 and is_parent(place.code, nxt.code):
            continue
        if prev is not None and place.start - prev.end <= 2 and is_parent(place.code, prev.code):
            continue
        out.append(place)
    return out


def _split_lists(
    sentence: str, group: list[PlaceRef], lex: RelationLexicon
) -> list[list[PlaceRef]]:
    """ "A与B、C和D与E" is two groups; "A、B、C三地" is one."""
    if len(group) < 3:
        return [group]
    parts: list[list[PlaceRef]] = [[group[0]]]
    for prev, place in zip(group, group[1:], strict=False):
        between = sentence[prev.end : place.start]
        if LIST_SEPARATOR.search(between) and not _is_link(between, lex):
            parts.append([place])
        else:
            parts[-1].append(place)
    if len(parts) == 1:
        return parts
    after = sentence[group[-1].end :]
    if GROUP_MARKER.match(after) or all(len(p) == 1 for p in parts):
        return [group]
    return [p for p in parts if len(p) >= 2] or [group]
