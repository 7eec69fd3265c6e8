"""Reconcile trafilatura's paragraphs with the densest region's: keep the article, drop junk."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.textclean import normalize_space, title_like

_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"\w+")
_SENTENCE_PUNCT = re.compile(r"[，。！？；,.!?;]")
_SENTENCE_END = re.compile(r"[.。!！?？…\"”'’)）]\s*$")


def _units(text: str, chinese: bool) -> str | list[str]:
    """Shingle units: the characters without whitespace (Chinese) or lower-cased words."""
    return "".join(text.split()) if chinese else _WORD.findall(text.lower())


def _windows(units: str | list[str]) -> list[str]:
    """Runs of four units (one shorter run when there are fewer)."""
    if isinstance(units, str):
        return [units[i : i + 4] for i in range(max(1, len(units) - 3))]
    return [" ".join(units[i : i + 4]) for i in range(max(1, len(units) - 3))]


def _shingles(text: str) -> set[str]:
    """4-character (text with Han characters) or 4-word shingles of a text."""
    return set(_windows(_units(text, bool(_HAN.search(text)))))


class _Shingler:
    """Shingles of joined paragraph lists, each paragraph's windows computed once.

    ``joined(ps)`` equals ``_shingles(" ".join(ps))``: the windows inside each paragraph
    (cached, so paragraphs that the region and trafilatura share cost nothing the second
    time) plus the windows that cross paragraph boundaries.
    """

    def __init__(self) -> None:
        self.cache: dict[tuple[str, bool], tuple[str | list[str], set[str]]] = {}

    def paragraph(self, text: str, chinese: bool) -> tuple[str | list[str], set[str]]:
        """(units, windows lying wholly inside the paragraph) in the given mode."""
        key = (text, chinese)
        found = self.cache.get(key)
        if found is None:
            units = _units(text, chinese)
            found = (units, set(_windows(units)) if len(units) >= 4 else set())
            self.cache[key] = found
        return found

    def joined(self, paragraphs: list[str]) -> set[str]:
        chinese = any(_HAN.search(p) for p in paragraphs)
        result: set[str] = set()
        carry: str | list[str] = "" if chinese else []  # the last three units so far
        total = 0
        for text in paragraphs:
            units, inner = self.paragraph(text, chinese)
            if not units:
                continue
            result |= inner
            if carry:
                # windows that start in the carry and run into this paragraph; those that
                # run past it are added at a later boundary, whose carry still holds them
                head = carry + units[:3]  # type: ignore[operator]
                if len(head) >= 4:
                    result.update(_windows(head)[: min(len(carry), len(head) - 3)])
            total += len(units)
            carry = (carry + units)[-3:]  # type: ignore[operator]
        if total < 4:  # too short for one window: the whole text is the shingle
            return _shingles(" ".join(paragraphs))
        return result

    def own(self, text: str) -> set[str]:
        """``_shingles(text)`` for one paragraph, from the cache when its mode was used."""
        units, inner = self.paragraph(text, bool(_HAN.search(text)))
        return inner if len(units) >= 4 else set(_windows(units))


def junk_like(paragraph: str) -> bool:
    """A list item, a short or title-like line, or a long line with hardly any punctuation."""
    paragraph = paragraph.lstrip("-•* ")
    if len(paragraph) < 80 or title_like(paragraph):
        return True
    return len(paragraph) / (len(_SENTENCE_PUNCT.findall(paragraph)) + 1) > 60


def _substance(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs if not junk_like(p))


def _edge_junk(paragraph: str, links: list[str]) -> bool:
    line = paragraph.lstrip("-•* ")
    return _link_dense(line, links) or (len(line) < 40 and not _SENTENCE_END.search(line))


def _trim_edges(paragraphs: list[str], links: list[str]) -> list[str]:
    """Drop runs of two or more link or label lines (navigation, toolbars) at both ends."""
    start, end = 0, len(paragraphs)
    while start < end and _edge_junk(paragraphs[start], links):
        start += 1
    if start < 2:
        start = 0
    stop = end
    while stop > start and _edge_junk(paragraphs[stop - 1], links):
        stop -= 1
    if end - stop < 2:
        stop = end
    return paragraphs[start:stop] or paragraphs


def link_texts(root: HtmlElement, limit: int = 3000) -> list[str]:
    """Normalised texts of the page's links (long enough to be headlines)."""
    texts = []
    for anchor in root.iter("a"):
        text = normalize_space(anchor.text_content())
        if len(text) >= 6:
            texts.append(text)
            if len(texts) >= limit:
                break
    return texts


def _link_dense(paragraph: str, links: list[str]) -> bool:
    covered = sum(len(t) for t in links if t in paragraph)
    return covered >= 0.5 * len(paragraph)


def combine(main: list[str], region: list[str], links: list[str] | None = None) -> list[str]:
    """Reconcile trafilatura's paragraphs with the densest region's.

    The region is trusted when trafilatura's output contains it and it holds trafilatura's
    most substantial paragraph: then junk-like paragraphs outside the region's span are
    dropped. When trafilatura found little of a substantial region, the region is used.
    """
    links = links or []
    if not region:
        return _trim_edges(main, links)
    if not main:
        return region
    shingler = _Shingler()
    region_sh = shingler.joined(region)
    main_sh = shingler.joined(main)
    shared = len(region_sh & main_sh)
    if _substance(main) < 0.5 * _substance(region) and shared >= 0.5 * len(main_sh):
        return region
    if shared < 0.8 * len(region_sh):
        return _trim_edges(main, links)
    inside = []
    for p in main:
        own = shingler.own(p)
        inside.append(len(own & region_sh) >= 0.5 * len(own))
    longest = max(range(len(main)), key=lambda i: 0 if junk_like(main[i]) else len(main[i]))
    if not inside[longest]:
        return _trim_edges(main, links)
    first = inside.index(True)
    last = len(inside) - 1 - inside[::-1].index(True)
    return [
        p
        for i, p in enumerate(main)
        if first <= i <= last or not (junk_like(p) or _link_dense(p, links))
    ]
