"""Item pipelines: score relevance, then store (with dedup). Thin: one call each."""

from __future__ import annotations

from dataclasses import replace

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from coopwatch.article import Article
from coopwatch.relevance import Topics
from coopwatch.store import Store

STATS_PREFIX = "coopwatch/articles/"


def with_relevance(article: Article, topics: Topics, threshold: float) -> Article:
    """The article with its topic score and whether it reaches the threshold."""
    score = topics.score(article.title, article.text)
    return replace(article, relevance=score, relevant=score >= threshold)


class RelevancePipeline:
    """Set ``relevance``/``relevant``; irrelevant articles are still stored (and counted)."""

    def __init__(self, crawler: Crawler, keywords: str, threshold: float) -> None:
        self.crawler = crawler
        self.topics = Topics.load(keywords or None)
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RelevancePipeline:
        s = crawler.settings
        return cls(
            crawler,
            s.get("COOPWATCH_RELEVANCE_KEYWORDS", ""),
            s.getfloat("COOPWATCH_RELEVANCE_THRESHOLD", 3.0),
        )

    def process_item(self, item: Article) -> Article:
        return with_relevance(item, self.topics, self.threshold)


class StorePipeline:
    """Store each article; count new / duplicate / syndicated; drop the already known."""

    def __init__(self, crawler: Crawler, url: str, echo: bool, near_threshold: float) -> None:
        self.crawler = crawler
        self.url = url
        self.echo = echo
        self.near_threshold = near_threshold
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        s = crawler.settings
        return cls(
            crawler,
            s["COOPWATCH_DATABASE_URL"],
            s.getbool("COOPWATCH_DATABASE_ECHO"),
            s.getfloat("COOPWATCH_DEDUP_NEAR_THRESHOLD", 0.8),
        )

    def open_spider(self) -> None:
        self.store = Store.open(self.url, echo=self.echo, migrate=False)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def process_item(self, item: Article) -> Article:
        assert self.store is not None, "open_spider opens the store"
        stored = self.store.add_article(item, self.near_threshold)
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(STATS_PREFIX + (stored.status or "unknown"))
        if stored.status == "known":
            raise DropItem(f"already stored: {stored.url}", log_level="DEBUG")
        if not stored.relevant:
            stats.inc_value(STATS_PREFIX + "irrelevant")
        return stored
