"""The headline as the page shows it, and the header lines around it (bylines, dates)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.textclean import clean_title, squash, title_parts

_NON_WORD = re.compile(r"[\W_]+")
_SEPARATOR_AHEAD = re.compile(r"\s*[-_|｜–—·:：]")


def _same(a: str, b: str) -> bool:
    return bool(a) and squash(a) == squash(b)


def choose_title(
    root: HtmlElement, meta: dict[str, str], site: str | None, lines: list[str] | None = None
) -> str:
    """The headline as shown: an h1 or visible line the <title>/og:title confirms.

    Falls back to the <title> without its site-name part.
    """
    page_title = clean_title(root.findtext(".//title"))
    og_title = clean_title(meta.get("og:title") or meta.get("twitter:title"))
    references = [t for t in (page_title, og_title) if t]
    site_names = {s for s in (site, meta.get("application-name")) if s}
    headings = [clean_title(h.text_content()) for h in root.iter("h1", "h2")][:12]
    headings = [
        h for h in headings if 2 <= len(h) <= 300 and not any(_same(h, s) for s in site_names)
    ]
    for heading in headings:
        key = squash(heading)
        if len(key) < 2:
            continue
        for ref in references:
            parts = title_parts(ref)
            ref_key = squash(ref)
            if _same(heading, ref) or (parts and _same(heading, parts[0])):
                return heading
            if (
                len(key) >= 6
                and ref_key.startswith(key)
                and not any(_same(heading, p) for p in parts[1:])
            ):
                return heading
            if parts and len(squash(parts[0])) >= 6 and key.startswith(squash(parts[0])):
                return heading
    shown = _shown_prefix(lines or [], references, site_names)
    if shown:
        return shown
    for ref in (og_title, page_title):
        if not ref:
            continue
        parts = [p for p in title_parts(ref) if not any(_same(p, s) for s in site_names)]
        if not parts:
            continue
        if _same(ref, og_title) and len(parts) == 1:
            return parts[0]
        return max(parts, key=len) if len(parts[0]) < 0.5 * max(len(p) for p in parts) else parts[0]
    return headings[0] if headings else ""


def _ends_at_separator(shown: str, rest: str) -> bool:
    if not rest or _SEPARATOR_AHEAD.match(rest):
        return True
    return rest[0].isspace() and len(rest.strip()) < 0.5 * len(shown)


def _shown_prefix(lines: list[str], references: list[str], site_names: set[str]) -> str:
    """The longest visible line (of the first 600) that is the page title or a part of it.

    A part is what the title holds between site-name separators; a line the title merely
    begins with must end where a separator follows, so a headline broken over two lines
    does not count.
    """
    refs = [clean_title(ref) for ref in references]
    parts = {
        p for ref in refs for p in title_parts(ref) if not any(_same(p, s) for s in site_names)
    }
    longest = max((len(p) for p in parts), default=0)
    parts = {p for p in parts if len(p) >= 0.5 * longest}
    best = ""
    for line in lines[:600]:
        if len(line) > 300 or len(line) <= len(best):
            continue
        shown = clean_title(line)
        if len(_NON_WORD.sub("", shown)) < 5:
            continue
        if shown in parts or any(
            ref.startswith(shown) and _ends_at_separator(shown, ref[len(shown) :]) for ref in refs
        ):
            best = shown
    return best


def header_window(lines: list[str], title: str, before: int = 4, after: int = 14) -> list[str]:
    """The lines around the headline, where bylines and date lines sit."""
    key = squash(title)
    if key:
        for index, line in enumerate(lines):
            if squash(line) == key:
                return lines[max(0, index - before) : index + after]
    return []
