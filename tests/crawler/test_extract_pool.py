"""Article callbacks give the same articles with extraction in the crawl's process or a pool."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from crawlkit import SITE, SOURCES_TEMPLATE
from scrapy.http import HtmlResponse, Request

from coopwatch.article import Article
from coopwatch.demo.server import write_sources
from coopwatch.settings import Settings
from coopwatch.sources import load_sources
from crawler.settings import extract_workers, scrapy_settings
from crawler.spiders.news import NewsSpider

PAGES = ["news/2024/xinhui-taishan.html", "news/2024/taishan-gbk.html", "news/2024/broken.html"]


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def _spider(tmp_path: Any, workers: int) -> NewsSpider:
    path = write_sources(SOURCES_TEMPLATE, "http://news.test", tmp_path / "sources.toml")
    spider = NewsSpider(sources=load_sources(path))
    spider.crawler = type("C", (), {"stats": _Stats()})()  # type: ignore[assignment]
    spider.extract_workers = workers
    return spider


def _response(name: str) -> HtmlResponse:
    request = Request(f"http://news.test/{name}", meta={"source": "jmdaily", "ancestors": []})
    return HtmlResponse(request.url, body=(SITE / name).read_bytes(), request=request)


async def _articles(spider: NewsSpider) -> list[dict[str, Any]]:
    found = []
    for name in PAGES:
        async for item in spider.parse_article(_response(name)):
            if isinstance(item, Article):
                fields = asdict(item)
                fields.pop("fetched_at")
                found.append(fields)
    return found


def test_pool_and_in_process_extraction_give_the_same_articles(tmp_path: Any) -> None:
    local = _spider(tmp_path, 0)
    local._start_pool()
    assert local.pool is None
    expected = asyncio.run(_articles(local))
    assert len(expected) == len(PAGES)

    pooled = _spider(tmp_path, 1)
    pooled._start_pool()
    try:
        assert pooled.pool is not None
        assert asyncio.run(_articles(pooled)) == expected
    finally:
        pooled._stop_pool()
    assert pooled.pool is None


def test_a_dead_worker_is_replaced_and_the_page_retried(tmp_path: Any) -> None:
    spider = _spider(tmp_path, 1)
    spider._start_pool()
    try:
        assert spider.pool is not None
        first = spider.pool.executor
        asyncio.run(_articles(spider))  # the worker is up
        for process in list(first._processes.values()):  # type: ignore[union-attr]
            process.kill()
            process.join()
        articles = asyncio.run(_articles(spider))
        assert len(articles) == len(PAGES)
        assert spider.pool.executor is not first
        assert "coopwatch/errors/extraction_failed" not in spider.crawler.stats.values  # type: ignore[union-attr]
    finally:
        spider._stop_pool()


def test_extract_workers_default_leaves_a_cpu_for_the_reactor() -> None:
    workers = extract_workers(Settings())
    assert workers >= 1
    assert scrapy_settings(Settings())["COOPWATCH_EXTRACT_WORKERS"] == workers
