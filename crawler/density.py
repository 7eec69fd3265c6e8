"""One walk over the page body: its visible lines and the densest element (the article body)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "title",
        "option",
    ]
)
SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "head", "select", "textarea", "iframe"]
)
_PUNCT = re.compile(r"[，。！？；：、“”‘’,.!?;:\"'（）()《》]")
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
_SCORED = _CONTAINERS | {"p"}
_BONUS = re.compile(r"article|content|post|story|entry|text|body|detail|main", re.I)
_MALUS = re.compile(
    r"comment|footer|sidebar|related|recommend|share|nav|menu|ad-|banner|copyright|hot", re.I
)


class _Stats:
    """Text counts of one element's subtree, and where its text sits in the walk's parts."""

    __slots__ = (
        "chars",
        "link_chars",
        "tags",
        "link_tags",
        "punct",
        "paragraphs",
        "child_density",
        "first",
        "last",
    )

    def __init__(self, first: int) -> None:
        self.chars = 0
        self.link_chars = 0
        self.tags = 0
        self.link_tags = 0
        self.punct = 0
        self.paragraphs = 0
        self.child_density: list[float] = []
        self.first = first  # index into the walk's parts, -1 when past the collection limit
        self.last = -1

    def density(self) -> float:
        tags = self.tags - self.link_tags
        return (self.chars - self.link_chars) / tags if tags > 0 else 0.0

    def add_text(self, text: str, in_link: bool) -> None:
        chars = len("".join(text.split()))  # non-whitespace characters (split() = regex \s)
        self.chars += chars
        self.punct += len(_PUNCT.findall(text))
        if in_link:
            self.link_chars += chars


@dataclass
class PageText:
    """What one walk over the body finds: visible lines, and the article region's lines."""

    lines: list[str]
    region: list[HtmlElement]
    region_lines: list[str]


def split_lines(text: str) -> list[str]:
    """Non-empty lines of block-separated text, whitespace normalised."""
    return [line for raw in text.split("\n") if (line := " ".join(raw.split()))]


def walk(root: HtmlElement, limit: int = 4000) -> PageText:
    """Visible lines of the page (scripts and styles left out) and the article region.

    The region is the element with the best text density x symbol density x paragraph
    score, plus its siblings that read like more of the same article (see ``_with_siblings``).
    One ``iterwalk`` serves both: the lines are collected as text parts, and each scored
    element remembers its span of parts, so the region's lines need no second walk.
    """
    body = root.find("body")
    start = body if body is not None else root
    parts: list[str] = []
    append = parts.append
    cap = limit * 8
    collecting = True
    stats: dict[HtmlElement, _Stats] = {}
    stack: list[_Stats] = []
    link_depth = 0
    best: tuple[float, HtmlElement | None] = (0.0, None)
    skip_tags, block_tags, scored = SKIP_TAGS, BLOCK_TAGS, _SCORED
    walker = etree.iterwalk(start, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        skip = tag in skip_tags or not isinstance(tag, str)
        if event == "start":
            if skip:
                walker.skip_subtree()
                tail = el.tail
                if tail:
                    if stack and not tail.isspace():
                        stack[-1].add_text(tail, link_depth > 0)
                    if collecting:
                        append(tail)
                continue  # the limit is checked at this element's end event, which follows
            if tag == "a":
                link_depth += 1
            current = _Stats(len(parts) if collecting else -1)
            stack.append(current)
            text = el.text
            if collecting:
                if tag in block_tags:
                    append("\n")
                if text:
                    append(text)
            if text and not text.isspace():
                current.add_text(text, link_depth > 0)
        elif not skip:
            current = stack.pop()
            if tag == "a":
                link_depth -= 1
                current.link_tags += 1
                current.link_chars = current.chars
            block = tag in block_tags
            if collecting and block:
                append("\n")
            if tag == "p" or (block and current.chars - current.link_chars >= 10 and current.punct):
                current.paragraphs += 1 if tag == "p" or not current.paragraphs else 0
            if tag in scored:
                if collecting:
                    current.last = len(parts)
                stats[el] = current
                if tag != "p" and current.paragraphs:
                    score = _score(current, el)
                    if score > best[0]:
                        best = (score, el)
            tail = el.tail
            if stack:
                parent = stack[-1]
                parent.chars += current.chars
                parent.link_chars += current.link_chars
                parent.tags += current.tags + 1
                parent.link_tags += current.link_tags
                parent.punct += current.punct
                parent.paragraphs += current.paragraphs
                parent.child_density.append(current.density())
                if tail and not tail.isspace():
                    parent.add_text(tail, link_depth > 0)
            if collecting and tail:
                append(tail)
        if collecting and len(parts) > cap:
            collecting = False
    lines = split_lines("".join(parts))[:limit]
    region = _with_siblings(best[1], stats) if best[1] is not None else []
    region_lines: list[str] = []
    for element in region:
        info = stats[element]
        if info.first >= 0 and info.last >= 0:
            region_lines.extend(split_lines("".join(parts[info.first : info.last])))
        else:  # the page is longer than the collection limit: walk this element again
            region_lines.extend(element_lines(element))
    return PageText(lines=lines, region=region, region_lines=region_lines)


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
    region = walk(root).region
    if not region:
        return None
    return region[0] if len(region) == 1 else region[0].getparent()


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
    return split_lines("".join(parts))
