"""Page metadata from an lxml tree: meta tags, JSON-LD, canonical URL, dates, authors, language."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

from crawler.textclean import (
    BEIJING,
    find_authors,
    find_source,
    is_dateline,
    labelled_date,
    parse_date,
)

_DATE_META = re.compile(
    r"^(?:article:published_time|og:published_time|og:release_date|published_time|publishdate|publish_date|"
    r"pubdate|pubtime|publishtime|publish-date|datepublished|date|dc\.date|dc\.date\.issued|"
    r"dcterms\.created|firstpublishedtime|sailthru\.date|parsely-pub-date|weibo:article:create_at|"
    r"created|createdate|releasedate|release_date|article\.published|bt:pubdate)$",
    re.I,
)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def meta_tags(root: HtmlElement) -> dict[str, str]:
    """Lower-cased name/property/itemprop -> first non-empty content."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (
            meta.get("property")
            or meta.get("name")
            or meta.get("itemprop")
            or meta.get("http-equiv")
        )
        value = meta.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    return found


def json_ld(root: HtmlElement) -> list[dict]:
    """Every JSON-LD object on the page (graphs flattened); broken blocks are skipped."""
    objects: list[dict] = []
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack and len(objects) < 50:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return objects


_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|_ga|spm)$", re.I)


def strip_tracking(url: str) -> str:
    """The URL without utm_* and click-id query parameters."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def canonical_url(root: HtmlElement, url: str, meta: dict[str, str]) -> str:
    """The page's declared canonical http(s) URL, else the URL it was fetched from."""
    candidates = [
        link.get("href")
        for link in root.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates.append(meta.get("og:url"))
    for href in candidates:
        if not href or not href.strip():
            continue
        try:
            absolute = urljoin(url, href.strip())
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and parts.netloc:
            return strip_tracking(absolute)
    return strip_tracking(url)


def _aware(value: datetime, chinese: bool) -> datetime:
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=BEIJING if chinese else UTC)


def _parse_iso(value: str) -> datetime | None:
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(value)


def meta_date(meta: dict[str, str], ld: list[dict]) -> datetime | None:
    """Publication date declared in meta tags or JSON-LD."""
    for key, value in meta.items():
        if _DATE_META.match(key):
            parsed = _parse_iso(value)
            if parsed:
                return parsed
    for obj in ld:
        stamp = obj.get("datePublished") or obj.get("dateCreated")
        if isinstance(stamp, str):
            parsed = _parse_iso(stamp)
            if parsed:
                return parsed
    return None


def visible_date(window: list[str]) -> datetime | None:
    """A labelled date in the header window, else a date line there."""
    for line in window:
        found = labelled_date(line)
        if found:
            return found
    for line in window:
        if is_dateline(line):
            found = parse_date(line)
            if found:
                return found
    return None


def choose_date(
    window_date: datetime | None, declared: datetime | None, fallback: str | None, chinese: bool
) -> datetime | None:
    """Header date first (metadata's if same day and richer), then metadata, then htmldate."""
    if window_date is not None:
        if (
            declared is not None
            and declared.tzinfo
            and declared.date() == window_date.date()
            and (declared.hour or declared.minute or not (window_date.hour or window_date.minute))
        ):
            return declared
        return _aware(window_date, chinese)
    if declared is not None:
        return _aware(declared, chinese)
    if fallback:
        parsed = parse_date(fallback)
        if parsed:
            return _aware(parsed, chinese)
    return None


def source_and_authors(lines: list[str]) -> tuple[str | None, list[str]]:
    """The outlet and author names the given metadata lines announce."""
    source: str | None = None
    authors: list[str] = []
    for line in lines:
        if source is None:
            source = find_source(line)
        for name in find_authors(line):
            if name not in authors:
                authors.append(name)
    return source, authors


def meta_authors(meta: dict[str, str], ld: list[dict]) -> list[str]:
    """Author names from meta author/article:author and JSON-LD author objects."""
    names: list[str] = []
    for key in (
        "author",
        "article:author",
        "byl",
        "dc.creator",
        "parsely-author",
        "sailthru.author",
    ):
        value = meta.get(key)
        if value and not value.startswith("http"):
            names.extend(
                re.split(r"\s*(?:[,;，、]|\band\b)\s*", re.sub(r"^(?:By|作者[:：])\s*", "", value))
            )
    for obj in ld:
        author = obj.get("author")
        for item in author if isinstance(author, list) else [author]:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and not name.startswith("http"):
                names.append(name)
    return [n.strip() for n in names if n and 1 < len(n.strip()) < 60]


def detect_language(root: HtmlElement | None, meta: dict[str, str], text: str) -> str | None:
    """Script of the text when telling (Han zh, kana ja, hangul ko), else the declared language."""
    sample = text[:4000]
    han, kana, hangul = (len(rx.findall(sample)) for rx in (_HAN, _KANA, _HANGUL))
    latin = len(_LATIN.findall(sample))
    if kana > 20 and kana + han > latin:
        return "ja"
    if hangul > 20 and hangul > latin:
        return "ko"
    if han > 10 and han > latin / 3:
        return "zh"
    declared = None
    if root is not None:
        declared = root.get("lang") or root.get("xml:lang")
    declared = (
        declared or meta.get("content-language") or meta.get("og:locale") or meta.get("language")
    )
    if declared:
        code = re.split(r"[-_,;\s]", declared.strip().lower())[0]
        if code.isalpha() and 2 <= len(code) <= 3 and code != "zh":
            return code
    return None
