"""Run a crawl in this process and return its report (also: ``python -m crawler.run``)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from scrapy.crawler import CrawlerProcess

from coopwatch.errors import ConfigError, CoopwatchError
from coopwatch.settings import Settings, load_settings
from coopwatch.sources import Source, load_sources
from coopwatch.store import Store
from crawler.extensions import crawl_report_text, report_from_stats
from crawler.settings import scrapy_settings
from crawler.spiders.news import NewsSpider

__all__ = ["crawl", "crawl_report_text", "main"]


def _progress_on(settings: Settings, progress: bool | None) -> bool:
    if progress is not None:
        return progress
    if settings.crawl.progress == "auto":
        return sys.stderr.isatty()
    return settings.crawl.progress == "on"


def crawl(
    settings: Settings,
    sources: list[Source],
    *,
    progress: bool | None = None,
    worker: bool = False,
) -> dict[str, Any]:
    """Crawl ``sources`` into the store named by ``settings`` and return the closing report.

    Runs Scrapy's reactor in this process, so it can run once per process (Twisted's
    reactor cannot restart). The run and its report are recorded in the store. Articles
    are extracted in spawned worker processes (``[crawl] extract_workers``), so a script
    calling this needs the ``if __name__ == "__main__":`` guard.
    """
    with Store.open(settings.database.url, echo=settings.database.echo) as store:
        run_id = store.start_run()
        if worker and not settings.crawl.redis_url:
            raise ConfigError(
                "crawl --worker shares a frontier through Redis: set [crawl] redis_url "
                "(or COOPWATCH_CRAWL_REDIS_URL), e.g. redis://127.0.0.1:6379/0."
            )
        if settings.crawl.redis_url:
            _check_redis(settings.crawl.redis_url)
        process = CrawlerProcess(
            scrapy_settings(
                settings, progress=_progress_on(settings, progress), keep_running=worker
            )
        )
        # A robots.txt that cannot be fetched is logged with a traceback by Scrapy; the request
        # itself fails too, and the spider logs and counts that once, by kind. (Set after
        # CrawlerProcess, whose logging set-up resets the levels of scrapy.* loggers.)
        logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, sources=list(sources))
        process.start()
        assert crawler.stats is not None
        report = report_from_stats(crawler.stats.get_stats())
        report["run_id"] = run_id
        report["sources"] = len(sources)
        store.finish_run(run_id, report)
    return report


def _check_redis(url: str) -> None:
    """Fail early and clearly when the shared frontier cannot be reached."""
    try:
        import redis
    except ImportError:
        raise ConfigError(
            "[crawl] redis_url is set but the Redis client is not installed: "
            "pip install 'coopwatch[distributed]'."
        ) from None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as exc:
        raise ConfigError(
            f"[crawl] redis_url {url!r}: cannot reach the shared frontier ({exc}). "
            "Check the URL and that Redis is running."
        ) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Crawl from the command line without the CLI: for subprocess tests and benchmarks."""
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    parser.add_argument("--config", help="settings file (TOML)")
    parser.add_argument("--sources", help="sources file (TOML)")
    parser.add_argument("--database-url")
    parser.add_argument("--jobdir")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--worker", action="store_true", help="keep waiting for shared work")
    args = parser.parse_args(argv)
    try:
        layers = {
            "database": {"url": args.database_url},
            "crawl": {"sources": args.sources, "jobdir": args.jobdir},
        }
        overrides = {
            section: {k: v for k, v in values.items() if v is not None}
            for section, values in layers.items()
        }
        settings = load_settings(args.config, overrides=overrides)
        sources = load_sources(settings.crawl.sources or None)
        report = crawl(settings, sources, progress=args.progress, worker=args.worker)
    except CoopwatchError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(json.dumps(report, ensure_ascii=False) if args.json else crawl_report_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
