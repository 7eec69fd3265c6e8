"""Text/symbol-density scoring of the DOM: finds the element that holds the article body."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from crawler.metadata import BLOCK_TAGS, SKIP_TAGS
from crawler.textclean import normalize_space, title_like

_PUNCT = re.compile(r"[，。！？；：、“”‘’,.!?;:\"'（）()《》]")
_WS = re.compile(r"\s+")
_CONTAINERS = frozenset(
    [
        "div",
        "article",
        "section",
        "main",
        "td",
        "body",
        "form",
        "span",
        "font",
        "center",
        "blockquote",
    ]
)
_BONUS = re.compile(r"article|content|post|story|entry|text|body|detail|main", re.I)
_MALUS = re.compile(
    r"comment|footer|sidebar|related|recommend|share|nav|menu|ad-|banner|copyright|hot", re.I
)


@dataclass
class _Stats:
    chars: int = 0
    link_chars: int = 0
    tags: int = 0
    link_tags: int = 0
    punct: int = 0
    paragraphs: int = 0
    child_density: list[float] = field(default_factory=list)

    def density(self) -> float:
        tags = self.tags - self.link_tags
        return (self.chars - self.link_chars) / tags if tags > 0 else 0.0


def _count(text: str | None) -> tuple[int, int]:
    if not text:
        return 0, 0
    squashed = _WS.sub("", text)
    return len(squashed), len(_PUNCT.findall(squashed))


_LINK_BLOCKS = frozenset(
    [
        "ul",
        "ol",
        "dl",
        "div",
        "table",
        "tbody",
        "tr",
        "td",
        "section",
        "aside",
        "nav",
        "p",
        "span",
        "header",
        "footer",
        "menu",
    ]
)


def analyse(root: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """(element with the best text density x symbol density x paragraph score, link-dense blocks).

    A link-dense block is an outermost list/box whose text is mostly link text (navigation,
    related-article and "hot news" lists).
    """
    body = root.find("body")
    start = body if body is not None else root
    stats: dict[HtmlElement, _Stats] = {}
    stack: list[_Stats] = []
    link_depth = 0
    best: tuple[float, HtmlElement | None] = (0.0, None)
    link_dense: list[tuple[HtmlElement, int]] = []
    depth = 0
    walker = etree.iterwalk(start, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if tag is None or tag in SKIP_TAGS:
                walker.skip_subtree()
                if stack and el.tail:
                    _add_text(stack[-1], el.tail, link_depth > 0)
                continue
            if tag == "a":
                link_depth += 1
            depth += 1
            current = _Stats()
            stack.append(current)
            _add_text(current, el.text, link_depth > 0)
            continue
        if tag is None or tag in SKIP_TAGS:
            continue
        current = stack.pop()
        depth -= 1
        if tag == "a":
            link_depth -= 1
            current.link_tags += 1
            current.link_chars = current.chars
        if tag == "p" or (
            tag in BLOCK_TAGS and current.chars - current.link_chars >= 10 and current.punct
        ):
            current.paragraphs += 1 if tag == "p" or not current.paragraphs else 0
        if tag in _CONTAINERS or tag == "p":
            stats[el] = current
        if tag in _CONTAINERS and current.paragraphs:
            score = _score(current, el)
            if score > best[0]:
                best = (score, el)
        if (
            tag in _LINK_BLOCKS
            and current.link_tags >= 3
            and current.link_chars >= 0.6 * current.chars
        ):
            while link_dense and link_dense[-1][1] > depth:
                link_dense.pop()  # an outer block replaces the inner ones it contains
            link_dense.append((el, depth))
        if stack:
            parent = stack[-1]
            parent.chars += current.chars
            parent.link_chars += current.link_chars
            parent.tags += current.tags + 1
            parent.link_tags += current.link_tags
            parent.punct += current.punct
            parent.paragraphs += current.paragraphs
            parent.child_density.append(current.density())
            if el.tail:
                _add_text(parent, el.tail, link_depth > 0)
    region = _with_siblings(best[1], stats) if best[1] is not None else []
    return region, [el for el, _ in link_dense]


def _with_siblings(best: HtmlElement, stats: dict[HtmlElement, _Stats]) -> list[HtmlElement]:
    """The best element plus the siblings that read like more of the same article.

    Article bodies are often split into several boxes (around ads or pictures); a sibling
    with little link text and real sentences belongs to the region.
    """
    parent = best.getparent()
    if parent is None:
        return [best]
    core = stats[best]
    core_text = core.chars - core.link_chars
    region = []
    for sibling in parent:
        if sibling is best:
            region.append(sibling)
            continue
        info = stats.get(sibling)
        if info is None or not info.paragraphs:
            continue
        text = info.chars - info.link_chars
        if info.link_chars > 0.3 * max(1, info.chars) or info.punct < 2:
            continue
        if _MALUS.search(f"{sibling.get('class', '')} {sibling.get('id', '')}"):
            continue
        if text >= 0.2 * core_text or text >= 150:
            region.append(sibling)
    return region


def main_element(root: HtmlElement) -> HtmlElement | None:
    """The element that most likely holds the article body."""
    region = analyse(root)[0]
    if not region:
        return None
    return region[0] if len(region) == 1 else region[0].getparent()


def _add_text(stats: _Stats, text: str | None, in_link: bool) -> None:
    if not text or text.isspace():
        return
    chars, punct = _count(text)
    stats.chars += chars
    stats.punct += punct
    if in_link:
        stats.link_chars += chars


def _score(stats: _Stats, el: HtmlElement) -> float:
    text = stats.chars - stats.link_chars
    if text < 20:
        return 0.0
    densities = stats.child_density or [0.0]
    mean = sum(densities) / len(densities)
    std = math.sqrt(sum((d - mean) ** 2 for d in densities) / len(densities))
    symbol_density = text / (stats.punct + 1)
    score = (
        math.log(std + 2)
        * (stats.density() + 1)
        * math.log10(stats.paragraphs + 2)
        * math.log(symbol_density + 2)
    )
    score *= (1 - stats.link_chars / max(1, stats.chars)) ** 2
    hint = f"{el.get('class', '')} {el.get('id', '')}"
    if _MALUS.search(hint):
        score *= 0.5
    elif _BONUS.search(hint):
        score *= 1.3
    return score


def element_lines(el: HtmlElement) -> list[str]:
    """Block-separated text lines of one element (scripts and styles left out)."""
    parts: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag is None or tag in SKIP_TAGS:
                walker.skip_subtree()
                if node is not el and node.tail:
                    parts.append(node.tail)
                continue
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
        elif tag is not None and tag not in SKIP_TAGS:
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if node is not el and node.tail:
                parts.append(node.tail)
    lines = [
        normalize_space(line) for line in "".join(parts).split("\n") if line and not line.isspace()
    ]
    return [line for line in lines if line]


_SENTENCE_PUNCT = re.compile(r"[，。！？；,.!?;]")
_SENTENCE_END = re.compile(r"[.。!！?？…\"”'’)）]\s*$")


def _shingles(text: str) -> set[str]:
    if re.search(r"[\u4e00-\u9fff]", text):
        squashed = _WS.sub("", text)
        return {squashed[i : i + 4] for i in range(max(1, len(squashed) - 3))}
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


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
    region_sh = _shingles(" ".join(region))
    main_sh = _shingles(" ".join(main))
    shared = len(region_sh & main_sh)
    if _substance(main) < 0.5 * _substance(region) and shared >= 0.5 * len(main_sh):
        return region
    if shared < 0.8 * len(region_sh):
        return _trim_edges(main, links)
    inside = [len(_shingles(p) & region_sh) >= 0.5 * len(_shingles(p)) for p in main]
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
