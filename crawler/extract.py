"""Pure page -> article extraction: decode, pick the main text, read title/date/source/authors."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from coopwatch.article import Article
from coopwatch.errors import ExtractionError
from crawler import metadata as meta_
from crawler.density import walk
from crawler.encoding import decode_html
from crawler.pagination import find_next_pages, join_pages
from crawler.reconcile import combine, link_texts
from crawler.textclean import (
    clean_paragraphs,
    find_source,
    is_boilerplate_line,
    labelled_date,
    normalize_space,
    parse_date,
    squash,
)
from crawler.titles import choose_title, header_window

__all__ = ["Page", "decode_html", "extract", "join_pages", "warm_up"]

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_HTML_HINT = re.compile(
    r"<\s*(?:!doctype|html|head|body|div|p|br|meta|title|span|a|table|article|section|h[1-6])\b",
    re.I,
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_STRAY_END = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_NAME = re.compile(r"^(?!.*(?:@|https?:|www\.))(?![a-z]+$)\S.{0,58}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


@dataclass
class Page:
    """One fetched page: its article fields and the URLs of the article's further pages."""

    article: Article
    next_pages: list[str] = field(default_factory=list)


def _to_text(body: bytes | str, url: str, content_type: str | None) -> tuple[str, str]:
    if isinstance(body, str):
        text, encoding = body, "utf-8"
    else:
        if not body or not body.strip():
            raise ExtractionError(f"empty page, nothing to extract: {url}")
        if b"\x00" in body[:65536] and not body.startswith(
            (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")
        ):
            raise ExtractionError(f"binary content (NUL bytes), not a web page: {url}")
        text, encoding = decode_html(body, content_type)
    if not text.strip():
        raise ExtractionError(f"empty page, nothing to extract: {url}")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise ExtractionError(f"binary or undecodable content, not a web page: {url}")
    return text, encoding


def _parse(html: str) -> HtmlElement | None:
    # A stray </html> or </body> before the content makes libxml2 drop everything after it;
    # the tags are optional in HTML, so dropping them all loses nothing.
    html = _STRAY_END.sub("", _XML_DECL.sub("", html))
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    if not isinstance(root.tag, str):
        return None
    # Comments are not text, but the text after one (its tail) is: "<p>a <!-- x --> b</p>"
    # is "a  b"; removing them here keeps every later step from dropping that tail.
    etree.strip_elements(root, etree.Comment, with_tail=False)
    return root


def _trafilatura_paragraphs(root: HtmlElement, url: str) -> list[str]:
    try:
        doc = trafilatura.bare_extraction(
            root, url=url, include_comments=False, with_metadata=False
        )
    except Exception:  # noqa: BLE001 - a third-party extractor failing on one page is not our crash
        logging.getLogger(__name__).debug("trafilatura failed on %s", url, exc_info=True)
        return []
    text = getattr(doc, "text", None)
    if not isinstance(text, str) or not text:
        return []
    return [normalize_space(line) for line in text.split("\n") if line.strip()]


def _htmldate(root: HtmlElement, url: str) -> str | None:
    try:
        from htmldate import find_date

        return find_date(root, extensive_search=False, original_date=True, url=url)
    except Exception:  # noqa: BLE001 - date guessing is best effort
        return None


def _strip_title(paragraphs: list[str], title: str) -> list[str]:
    key = squash(title)
    while paragraphs and key and squash(paragraphs[0]) == key:
        paragraphs = paragraphs[1:]
    return paragraphs


def _extract_html(html: str, url: str, encoding: str) -> Page:
    root = _parse(html)
    if root is None:
        raise ExtractionError(f"page could not be parsed as HTML: {url}")
    # lxml.html builds each element's Python proxy through a Python-level class lookup, and
    # a proxy dies with its last reference; holding them all for the page lets every later
    # pass over the tree (ours, not trafilatura's: it works on a copy) reuse them.
    proxies = list(root.iter())
    meta = meta_.meta_tags(root)
    ld = meta_.json_ld(root)
    site = meta.get("og:site_name")
    canonical = meta_.canonical_url(root, url, meta)
    page_text = walk(root)
    lines = page_text.lines
    next_pages = find_next_pages(root, url, canonical)
    title = choose_title(root, meta, site, lines)
    window = header_window(lines, title)
    region = clean_paragraphs(page_text.region_lines)
    links = link_texts(root)
    raw = _trafilatura_paragraphs(root, url)
    paragraphs = _strip_title(
        combine(clean_paragraphs(raw), _strip_title(region, title), links), title
    )
    text = "\n\n".join(paragraphs)
    if not text.strip():
        raise ExtractionError(f"no article text found on the page: {url}")

    dropped = [p for p in raw if is_boilerplate_line(p)]
    source, authors = meta_.source_and_authors(window + dropped)
    source = source or site
    for name in meta_.meta_authors(meta, ld):
        if name not in authors:
            authors.append(name)
    authors = [a for a in authors if a not in (source, site) and _NAME.match(a)][:10]
    language = meta_.detect_language(root, meta, text)
    chinese = language == "zh"
    window_date = meta_.visible_date(window) or next(
        filter(None, map(labelled_date, dropped)), None
    )
    declared = meta_.meta_date(meta, ld)
    if window_date is None and declared is None:
        window_date = next(filter(None, map(labelled_date, lines[:400])), None)
    fallback = None if (window_date or declared) else _htmldate(root, url)
    del proxies
    published = meta_.choose_date(window_date, declared, fallback, chinese)
    article = Article(
        url=canonical,
        title=title,
        text=text,
        published=published,
        source=source,
        authors=authors,
        language=language,
        fetched_url=url,
        encoding=encoding,
    )
    return Page(article=article, next_pages=next_pages)


def _extract_plain(text: str, url: str, encoding: str) -> Page:
    lines = [normalize_space(line) for line in text.splitlines()]
    nonempty = [line for line in lines if line]
    if not nonempty:
        raise ExtractionError(f"no text found in the document: {url}")
    title = nonempty[0]
    rest = lines[lines.index(title) + 1 :] if title in lines else lines[1:]
    blocks: list[str] = []
    if any(not line for line in rest):
        current: list[str] = []
        for line in rest + [""]:
            if line:
                current.append(line)
            elif current:
                blocks.append(
                    " ".join(current)
                    if not _HAN_TEXT.search("".join(current))
                    else "".join(current)
                )
                current = []
    else:
        blocks = [line for line in rest if line]
    meta_lines = [b for b in blocks if is_boilerplate_line(b)]
    paragraphs = clean_paragraphs(blocks)
    source, authors = meta_.source_and_authors(meta_lines)
    published_naive = next(filter(None, map(labelled_date, meta_lines)), None)
    if published_naive is None:
        published_naive = next(
            filter(None, (parse_date(b) for b in meta_lines if find_source(b))), None
        )
    language = meta_.detect_language(None, {}, text)
    published = meta_.choose_date(published_naive, None, None, language == "zh")
    article = Article(
        url=url,
        title=title,
        text="\n\n".join(paragraphs),
        published=published,
        source=source,
        authors=authors,
        language=language,
        fetched_url=url,
        encoding=encoding,
    )
    return Page(article=article)


_HAN_TEXT = re.compile(r"[\u4e00-\u9fff]")


def extract(body: bytes | str, url: str, content_type: str | None = None) -> Page:
    """Extract the article fields of one page.

    ``body`` is the raw response (bytes are decoded by evidence, see ``decode_html``) or
    already decoded text; HTML and plain text are both accepted.  Raises
    ``ExtractionError`` naming the URL when the page is empty, binary or has no text.

    >>> extract(b"<html><body><h1>Hi</h1><p>Some text.</p></body></html>", "https://example.org/a").article.title
    'Hi'
    """
    text, encoding = _to_text(body, url, content_type)
    is_plain = (content_type or "").lower().startswith("text/plain") or not _HTML_HINT.search(
        text[:20000]
    )
    try:
        if is_plain:
            return _extract_plain(text, url, encoding)
        return _extract_html(text, url, encoding)
    except ExtractionError:
        raise
    except (
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        RecursionError,
        etree.LxmlError,
    ) as err:
        raise ExtractionError(f"could not extract an article from {url}: {err}") from err


def warm_up() -> None:
    """Import and run everything ``extract`` uses once (the initializer of a worker process)."""
    extract(
        b"<html><body><h1>Warm up</h1><p>One sentence, no date.</p></body></html>",
        "https://x.invalid/",
    )
