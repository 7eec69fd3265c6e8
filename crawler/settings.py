"""Scrapy settings built from the one coopwatch Settings object (no settings module, no globals)."""

from __future__ import annotations

import os
from typing import Any

from coopwatch.settings import Settings


def extract_workers(settings: Settings) -> int:
    """Processes that extract articles beside the crawl; 0 extracts in the crawl's process.

    ``[crawl] extract_workers`` when set, else one per CPU but the one the reactor (and the
    store) use, at least one.
    """
    configured = getattr(settings.crawl, "extract_workers", None)
    if configured is not None:
        return max(0, int(configured))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cpus or 1) - 1)


def scrapy_settings(
    settings: Settings, *, progress: bool = False, keep_running: bool = False
) -> dict[str, Any]:
    """The Scrapy settings dict for a crawl; ``COOPWATCH_*`` keys carry ours to components."""
    crawl = settings.crawl
    result: dict[str, Any] = {
        "BOT_NAME": "coopwatch",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.5),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": crawl.autothrottle_target_concurrency,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "RETRY_ENABLED": crawl.retries > 0,
        "RETRY_TIMES": crawl.retries,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "DOWNLOAD_WARNSIZE": max(crawl.max_page_bytes // 2, 1),
        "REDIRECT_MAX_TIMES": crawl.max_redirects,
        "LOG_LEVEL": crawl.log_level,
        # Nothing listens on a port: no telnet console, no remote-control endpoint.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        # The spider deduplicates by canonical URL itself (and against the store), so
        # Scrapy's fingerprint filter would only hide redirect loops and lose continuation
        # pages; the no-op filter keeps every decision in one place.
        "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
        "DEPTH_PRIORITY": 0,
        "LOGSTATS_INTERVAL": 0,
        "MEMUSAGE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.RedirectLoopMiddleware": 650,
            # robots.txt obeyed by every request that waits for it (see the class)
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.SharedRobotsTxtMiddleware": 100,
        },
        "ITEM_PIPELINES": {
            "crawler.pipelines.RelevancePipeline": 300,
            "crawler.pipelines.StorePipeline": 800,
        },
        "EXTENSIONS": {
            "crawler.extensions.Progress": 500,
        },
        "DEFAULT_DROPITEM_LOG_LEVEL": "INFO",
        "COOPWATCH_DATABASE_URL": settings.database.url,
        "COOPWATCH_DATABASE_ECHO": settings.database.echo,
        "COOPWATCH_MAX_ARTICLE_PAGES": crawl.max_article_pages,
        "COOPWATCH_EXTRACT_WORKERS": extract_workers(settings),
        "COOPWATCH_RELEVANCE_KEYWORDS": settings.relevance.keywords,
        "COOPWATCH_RELEVANCE_THRESHOLD": settings.relevance.threshold,
        "COOPWATCH_DEDUP_NEAR_THRESHOLD": settings.dedup.near_threshold,
        "COOPWATCH_PROGRESS": progress,
        "COOPWATCH_PROGRESS_INTERVAL": 2.0,
    }
    if crawl.redis_url:
        result.update(_shared_frontier(settings, keep_running))
    elif crawl.jobdir:
        result["JOBDIR"] = crawl.jobdir
    return result


def _shared_frontier(settings: Settings, keep_running: bool) -> dict[str, Any]:
    """scrapy-redis with the reliable queue of crawler.frontier (see its docstring)."""
    crawl = settings.crawl
    return {
        "SCHEDULER": "crawler.frontier.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.frontier.ReliableQueue",
        "SCHEDULER_QUEUE_KEY": f"{crawl.frontier}:requests",
        "DUPEFILTER_CLASS": "crawler.frontier.NoDupeFilter",  # scrapy-redis reads this name
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": crawl.redis_url,
        "SPIDER_MIDDLEWARES": {"crawler.frontier.AckMiddleware": 10},
        "COOPWATCH_REDIS": True,
        "COOPWATCH_FRONTIER": crawl.frontier,
        "COOPWATCH_REVISIT_AFTER": crawl.revisit_after,
        "COOPWATCH_WORKER_TIMEOUT": crawl.worker_timeout,
        "COOPWATCH_KEEP_RUNNING": keep_running,
    }
