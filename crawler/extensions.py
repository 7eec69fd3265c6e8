"""Crawl progress on stderr, and the closing report built from the crawl's stats."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

STATS = "coopwatch/"
STATUSES = ("new", "duplicate", "syndicated", "known", "irrelevant")


def report_from_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The closing report: what was fetched, what was stored, and every error by kind."""
    articles = {status: int(stats.get(f"{STATS}articles/{status}", 0)) for status in STATUSES}
    articles["stored"] = articles["new"] + articles["duplicate"] + articles["syndicated"]
    articles["skipped_known"] = int(stats.get(f"{STATS}skipped/known", 0))
    errors = {
        key[len(STATS + "errors/") :]: int(value)
        for key, value in stats.items()
        if key.startswith(STATS + "errors/")
    }
    start, finish = stats.get("start_time"), stats.get("finish_time")
    elapsed = (finish - start).total_seconds() if start and finish else None
    return {
        "pages_fetched": int(stats.get(f"{STATS}pages_fetched", 0)),
        "not_modified": int(stats.get(f"{STATS}not_modified", 0)),
        "responses": int(stats.get("response_received_count", 0)),
        "articles": articles,
        "errors": dict(sorted(errors.items())),
        "error_total": sum(errors.values()),
        "finish_reason": stats.get("finish_reason"),
        "elapsed_seconds": round(elapsed, 2) if elapsed is not None else None,
    }


def crawl_report_text(report: dict[str, Any]) -> str:
    """The report for people: a few aligned lines."""
    a = report["articles"]
    lines = [
        f"Pages fetched:    {report['pages_fetched']} "
        f"(+{report['not_modified']} unchanged, answered 304)",
        f"Articles stored:  {a['stored']}  (new {a['new']}, duplicate {a['duplicate']}, "
        f"syndicated {a['syndicated']}; {a['irrelevant']} of them not relevant)",
        f"Already stored:   {a['skipped_known']} not fetched again, {a['known']} seen again",
    ]
    if report["errors"]:
        kinds = ", ".join(f"{kind} {count}" for kind, count in report["errors"].items())
        lines.append(f"Errors:           {report['error_total']} ({kinds})")
    else:
        lines.append("Errors:           none")
    tail = f"Finished:         {report.get('finish_reason') or '?'}"
    if report.get("elapsed_seconds") is not None:
        tail += f" in {report['elapsed_seconds']:.1f} s"
    if report.get("run_id") is not None:
        tail += f" (run {report['run_id']})"
    lines.append(tail)
    return "\n".join(lines)


class Progress:
    """Every ~2 s one line on stderr: pages, articles stored, queue, in flight, errors.

    Reads counters Scrapy and our components keep anyway; costs one stats lookup per tick.
    Enabled by the ``COOPWATCH_PROGRESS`` setting.
    """

    def __init__(self, crawler: Crawler, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("COOPWATCH_PROGRESS"):
            raise NotConfigured
        ext = cls(
            crawler, crawler.settings.getfloat("COOPWATCH_PROGRESS_INTERVAL", 2.0), sys.stderr
        )
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.tick()
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        engine = self.crawler.engine
        queued = in_flight = 0
        if engine is not None:
            sched = engine.scheduler
            queued = len(sched) if sched is not None and hasattr(sched, "__len__") else 0
            in_flight = len(engine.downloader.active)
        stored = sum(int(stats.get(f"{STATS}articles/{s}", 0)) for s in STATUSES[:3])
        errors = sum(int(v) for k, v in stats.items() if k.startswith(STATS + "errors/"))
        elapsed = time.monotonic() - self.started
        return (
            f"[coopwatch] {elapsed:5.0f}s  pages {stats.get('response_received_count', 0)}"
            f"  stored {stored}  queued {queued}  in flight {in_flight}  errors {errors}"
        )

    def tick(self) -> None:
        end = "\r" if self.tty else "\n"
        self.stream.write(self.line() + end)
        self.stream.flush()
