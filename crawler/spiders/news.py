"""The one spider: feeds, sitemaps and listing pages of every source lead to article pages."""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from coopwatch.article import Article
from coopwatch.errors import ExtractionError
from coopwatch.sources import Source
from coopwatch.store import Store
from coopwatch.urls import canonical_url, is_http_url
from crawler.extract import Page, extract, join_pages
from crawler.failures import PERMANENT, error_kind
from crawler.workers import ExtractionPool

__all__ = ["PERMANENT", "STATS", "NewsSpider", "error_kind"]

logger = logging.getLogger(__name__)

STATS = "coopwatch/"
_GZIP_MAGIC = b"\x1f\x8b"


def _asked(response: Response) -> str:
    """The URL we asked for (before redirects): validators and ancestry are keyed by it."""
    return response.request.url if response.request is not None else response.url


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


class _Rules:
    """A source's link rules, compiled once."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.domains = {_host(f"http://{d}/") for d in source.domains}
        self.allow = [re.compile(p) for p in source.allow]
        self.deny = [re.compile(p) for p in source.deny]
        self.follow = [re.compile(p) for p in source.follow]
        self.links = LinkExtractor(
            restrict_css=tuple(source.restrict_css),
            deny=tuple(source.deny),
            unique=True,
        )

    def on_domain(self, url: str) -> bool:
        host = _host(url)
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def is_article(self, url: str) -> bool:
        """On the source's domains, not denied, and matching ``allow`` when it is given."""
        if not is_http_url(url) or not self.on_domain(url):
            return False
        if any(p.search(url) for p in self.deny):
            return False
        return not self.allow or any(p.search(url) for p in self.allow)

    def is_listing(self, url: str) -> bool:
        if not is_http_url(url) or not self.on_domain(url):
            return False
        if any(p.search(url) for p in self.deny):
            return False
        return any(p.search(url) for p in self.follow)


class NewsSpider(scrapy.Spider):
    """Crawl the given sources; yield one ``Article`` per (possibly multi-page) article.

    Request meta is plain data (source id, depth, ancestors, collected pages) and every
    callback is a method, so a JOBDIR queue can be pickled and resumed.
    """

    name = "coopwatch"

    def __init__(self, sources: Iterable[Source] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules = {s.id: _Rules(s) for s in sources}
        self.allowed_domains = sorted({d for s in sources for d in s.domains})
        self.store: Store | None = None
        self.known: set[str] = set()
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.seen: set[str] = set()
        self.fresh: dict[str, tuple[str | None, str | None]] = {}
        self.dirty: set[str] = set()
        self.max_pages = 20
        self.extract_workers = 0
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = crawler.settings.getint("COOPWATCH_MAX_ARTICLE_PAGES", 20)
        spider.extract_workers = crawler.settings.getint("COOPWATCH_EXTRACT_WORKERS", 0)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    # -- lifecycle ------------------------------------------------------------------------

    def _opened(self) -> None:
        s = self.crawler.settings
        self.store = Store.open(
            s["COOPWATCH_DATABASE_URL"], echo=s.getbool("COOPWATCH_DATABASE_ECHO"), migrate=False
        )
        self.known = self.store.known_urls()
        self.validators = self.store.validators()
        state = getattr(self, "state", None)  # present with JOBDIR: survives a resume
        if s.getbool("COOPWATCH_REDIS"):
            from crawler.frontier import shared_seen  # needs the optional scrapy-redis

            self.seen = shared_seen(self)  # type: ignore[assignment]
        elif isinstance(state, dict):
            self.seen = state.setdefault("seen", set())
        self._start_pool()

    def _idle(self) -> None:
        """A shared-frontier worker started with --worker waits for work instead of stopping."""
        if self.settings.getbool("COOPWATCH_KEEP_RUNNING"):
            raise DontCloseSpider

    def _start_pool(self) -> None:
        """Extraction is CPU-bound: with workers, it runs beside the reactor, not in it."""
        if self.extract_workers <= 0:
            return
        try:
            self.pool = ExtractionPool(self.extract_workers)
        except (OSError, RuntimeError) as exc:  # e.g. no processes allowed, or unguarded main
            logger.warning("extraction workers did not start (%s); extracting in-process", exc)
            self.pool = None

    def _stop_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def _closed(self, reason: str) -> None:
        self._stop_pool()
        if self.store is None:
            return
        try:
            if reason == "finished":
                # Only a finished crawl may promise "nothing new behind this 304".
                for url, (etag, modified) in self.fresh.items():
                    if url not in self.dirty:
                        self.store.save_validators(url, etag, modified)
        finally:
            self.store.close()
            self.store = None

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(STATS + key, count)

    # -- scheduling -----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.settings.getbool("COOPWATCH_REDIS"):
            from crawler.frontier import claim_seeding

            if not claim_seeding(self):
                return  # another worker scheduled the start URLs into the shared frontier
        for rules in self.rules.values():
            src = rules.source
            for url in src.feeds:
                yield self._index_request(url, self.parse_feed, src.id, 0, [])
            for url in src.sitemaps:
                yield self._index_request(url, self.parse_sitemap, src.id, 0, [])
            for url in src.listings:
                yield self._index_request(url, self.parse_listing, src.id, 0, [])

    def _index_request(
        self, url: str, callback: Any, source: str, depth: int, ancestors: list[str]
    ) -> Request:
        """A feed, sitemap or listing request, conditional when we hold validators."""
        self.seen.add(canonical_url(url))
        headers: dict[str, str] = {}
        etag, modified = self.validators.get(url, (None, None))
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            meta={
                "source": source,
                "listing_depth": depth,
                "ancestors": ancestors,
                "handle_httpstatus_list": [304],
            },
        )

    def _article_request(self, url: str, source: str, ancestors: list[str]) -> Request | None:
        canon = canonical_url(url)
        if canon in self.known or url in self.known:
            self._inc("skipped/known")
            return None
        if canon in self.seen:
            return None
        self.seen.add(canon)
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            priority=10,
            meta={"source": source, "ancestors": ancestors},
        )

    def _unchanged(self, response: Response) -> bool:
        """Count a 304, or remember the validators of a 200 to save when the crawl finishes."""
        if response.status == 304:
            self._inc("not_modified")
            return True
        self._inc("pages_fetched")
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if etag or modified:
            self.fresh[_asked(response)] = (
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            )
        return False

    # -- feeds, sitemaps, listings ----------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self._unchanged(response):
            return
        meta = response.meta
        rules = self.rules[meta["source"]]
        parsed = feedparser.parse(response.body, sanitize_html=False, resolve_relative_uris=False)
        if not parsed.entries:
            self._fail("bad_feed", response.url, "no entries", meta)
            return
        ancestors = [*meta["ancestors"], _asked(response)]
        for entry in parsed.entries:
            link = entry.get("link") or next(
                (x.get("href") for x in entry.get("links", []) if x.get("href")), None
            )
            if link:
                link = response.urljoin(link)
                if rules.is_article(link) and (
                    req := self._article_request(link, meta["source"], ancestors)
                ):
                    yield req

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if self._unchanged(response):
            return
        meta = response.meta
        rules = self.rules[meta["source"]]
        body = response.body
        if body[:2] == _GZIP_MAGIC:
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error):
                self._fail("bad_sitemap", response.url, "broken gzip", meta)
                return
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except (lxml.etree.XMLSyntaxError, StopIteration, ValueError) as exc:
            self._fail("bad_sitemap", response.url, str(exc), meta)
            return
        ancestors = [*meta["ancestors"], _asked(response)]
        for entry in entries:
            loc = entry.get("loc")
            if not loc:
                continue
            loc = response.urljoin(loc.strip())
            if sitemap.type == "sitemapindex":
                if rules.on_domain(loc) and canonical_url(loc) not in self.seen:
                    yield self._index_request(
                        loc, self.parse_sitemap, meta["source"], meta["listing_depth"], ancestors
                    )
            elif rules.is_article(loc) and (
                req := self._article_request(loc, meta["source"], ancestors)
            ):
                yield req

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if self._unchanged(response):
            return
        meta = response.meta
        if not isinstance(response, TextResponse):
            self._fail("not_html", response.url, "listing page is not text", meta)
            return
        rules = self.rules[meta["source"]]
        depth = meta["listing_depth"]
        ancestors = [*meta["ancestors"], _asked(response)]
        for link in rules.links.extract_links(response):
            url = link.url
            if rules.is_listing(url):
                if depth < rules.source.max_depth and canonical_url(url) not in self.seen:
                    yield self._index_request(
                        url, self.parse_listing, meta["source"], depth + 1, ancestors
                    )
            elif rules.is_article(url) and (
                req := self._article_request(url, meta["source"], ancestors)
            ):
                yield req

    # -- articles -----------------------------------------------------------------------

    async def _extract(self, response: Response) -> Page | None:
        ctype = response.headers.get("Content-Type")
        args = (response.body, response.url, ctype.decode("latin-1") if ctype else None)
        try:
            if self.pool is None:
                return extract(*args)
            return await self.pool.extract(*args)
        except ExtractionError as exc:
            self._fail("extraction_failed", response.url, str(exc), response.meta)
            return None

    async def parse_article(self, response: Response) -> AsyncIterator[Article | Request]:
        self._inc("pages_fetched")
        page = await self._extract(response)
        if page is None:
            return
        meta = {
            "source": response.meta["source"],
            "ancestors": response.meta["ancestors"],
            "pages": [asdict(page.article)],
            "visited": [response.url, _asked(response)],
            "queue": page.next_pages,
        }
        for result in self._continue(meta):
            yield result

    async def parse_next_page(self, response: Response) -> AsyncIterator[Article | Request]:
        self._inc("pages_fetched")
        meta = dict(response.meta)
        page = await self._extract(response)
        if page is not None:
            meta["pages"] = [*meta["pages"], asdict(page.article)]
            meta["visited"] = [*meta["visited"], response.url]
            meta["queue"] = [*meta["queue"], *page.next_pages]
        for result in self._continue(meta):
            yield result

    def on_next_page_error(self, failure: Failure) -> Iterator[Article | Request]:
        """A continuation page failed: count it and keep the pages we have."""
        self.on_error(failure)
        yield from self._continue(dict(failure.request.meta))  # type: ignore[attr-defined]

    def _continue(self, meta: dict[str, Any]) -> Iterator[Article | Request]:
        """Fetch the next unvisited continuation page, or join the pages into the article."""
        rules = self.rules[meta["source"]]
        visited = set(meta["visited"])
        queue = [u for u in meta["queue"] if u not in visited and rules.on_domain(u)]
        if queue and len(meta["pages"]) < self.max_pages:
            url, rest = queue[0], queue[1:]
            self.seen.add(canonical_url(url))
            yield Request(
                url,
                callback=self.parse_next_page,
                errback=self.on_next_page_error,
                dont_filter=True,
                priority=20,
                meta={
                    "source": meta["source"],
                    "ancestors": meta["ancestors"],
                    "pages": meta["pages"],
                    "visited": [*meta["visited"], url],
                    "queue": rest,
                },
            )
            return
        yield self._article(meta["pages"], meta["source"])

    def _article(self, pages: list[dict[str, Any]], source: str) -> Article:
        joined = join_pages([Page(article=Article(**fields)) for fields in pages])
        joined.url = canonical_url(joined.url or pages[0]["fetched_url"])
        joined.source_id = source
        joined.fetched_url = pages[0]["fetched_url"]
        joined.fetched_at = datetime.now(UTC)
        self.seen.add(joined.url)
        return joined

    # -- failures -------------------------------------------------------------------------

    def _fail(self, kind: str, url: str, detail: str, meta: dict[str, Any]) -> None:
        self._inc(f"errors/{kind}")
        logger.warning("%s: %s (%s)", kind, url, detail)
        if kind not in PERMANENT:
            self.dirty.update(meta.get("ancestors", []))

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        frontier = getattr(self, "frontier", None)
        if frontier is not None:
            frontier.ack(request)
        kind = error_kind(failure)
        self._fail(kind, request.url, failure.getErrorMessage(), request.meta)
        if kind not in PERMANENT and request.callback != self.parse_article:
            self.dirty.add(request.url)
