"""Continuation pages of multi-page articles, and joining those pages into one article."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

from coopwatch.article import Article

_NEXT_TEXT = re.compile(
    r"^\s*(?:下一页|下页|下一頁|下頁|后页|Next(?:\s+page)?|Next\s*[›»>]|[›»]|>)\s*[›»>]*\s*$", re.I
)
_PAGE_SUFFIX = re.compile(r"(?P<stem>.+?)[_-](?P<num>\d{1,3})(?P<ext>\.[A-Za-z]{2,5})?$")
_PAGE_PARAMS = ("page", "p", "pg", "pn", "pageno", "pagenum", "page_no", "currentpage")
_LISTING = re.compile(
    r"^(?:index|list|default|category|tag|tags|archive|node|search)(?:[_-]|$)", re.I
)


def _page_key(url: str) -> tuple[str, int] | None:
    """(article identity, page number) of a URL, or None when it cannot be a paged article."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path or "/"
    folder, _, name = path.rpartition("/")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    number = 1
    for param in _PAGE_PARAMS:
        if param in query and query[param].isdigit():
            number = int(query.pop(param))
            break
    else:
        match = _PAGE_SUFFIX.match(name)
        if match:
            name = match.group("stem") + (match.group("ext") or "")
            number = int(match.group("num"))
    if not name or _LISTING.match(name):
        return None
    identity = urlunsplit(
        (
            parts.scheme,
            parts.netloc.lower(),
            f"{folder}/{name}",
            urlencode(sorted(query.items())),
            "",
        )
    )
    return identity, number


def find_next_pages(root: HtmlElement, url: str, canonical: str | None = None) -> list[str]:
    """Absolute URLs of the pages that continue this article, in page order."""
    current = _page_key(url)
    if current is None:
        return []
    identity, number = current
    seen = {url.split("#")[0], (canonical or url).split("#")[0]}
    found: dict[str, int] = {}

    def consider(href: str | None, explicit: bool) -> None:
        if not href or href.strip().lower().startswith(("javascript:", "mailto:", "#")):
            return
        try:
            absolute = urljoin(url, href.strip()).split("#")[0]
        except ValueError:
            return
        key = _page_key(absolute)
        if key is None or absolute in seen or key[0] != identity:
            return
        if key[1] > number or (explicit and key[1] != number):
            found.setdefault(absolute, key[1])

    for link in root.iter("link", "a"):
        rel = (link.get("rel") or "").lower().split()
        if "next" in rel:
            consider(link.get("href"), True)
            continue
        if link.tag != "a":
            continue
        text = link.text_content() if len(link) < 20 else ""
        if _NEXT_TEXT.match(text) or text.strip().isdigit():
            consider(link.get("href"), bool(_NEXT_TEXT.match(text)))
    return sorted(found, key=lambda u: found[u])


def join_pages(pages: list) -> Article:
    """One article from the pages of a multi-page article: first page's metadata, texts joined.

    Paragraphs a page repeats from the previous page at the boundary (a repeated lead or
    summary) are dropped once.
    """
    if not pages:
        raise ValueError("join_pages needs at least one page")
    first = pages[0].article
    paragraphs = list(first.paragraphs)
    for page in pages[1:]:
        following = page.article.paragraphs
        earlier = set(paragraphs)
        start = 0
        while start < len(following) and following[start] in earlier:
            start += 1
        paragraphs.extend(following[start:])
    total = sum(max(1, page.article.pages) for page in pages)
    return replace(first, text="\n\n".join(paragraphs), pages=total, authors=list(first.authors))
