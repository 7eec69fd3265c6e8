"""The cycle's steps (crawl, analyse, render, send), each under a store lock and recorded."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coopwatch.errors import CoopwatchError
from coopwatch.locks import Lease, LockBusy, store_lock
from coopwatch.runs import Run, record_skip, recorded
from coopwatch.settings import Settings
from coopwatch.store import Store

log = logging.getLogger(__name__)

StepFn = Callable[[Lease, Run], None]
# The crawl runs Scrapy, which only the CLI may import: it hands this module a callable.
CrawlFn = Callable[[Settings], dict[str, Any]]
CRAWL_COUNTS = ("pages", "articles_new", "duplicate", "syndicated", "irrelevant", "errors")


@dataclass(frozen=True)
class StepResult:
    step: str
    status: str  # ok | error | skipped
    counts: dict[str, Any]
    message: str = ""

    def text(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.counts.items() if not isinstance(v, dict))
        tail = f": {self.message}" if self.message else ""
        return f"[{self.step}] {self.status}{' (' + counts + ')' if counts else ''}{tail}"


def run_step(store: Store, step: str, fn: StepFn, *, ttl: float) -> StepResult:
    """Run one step unless another process runs it (lock named by the step's kind: the daily
    and weekly sends share the "send" lock). Errors are recorded, not raised."""
    lock = step.split(":", 1)[0]
    try:
        with store_lock(store, lock, ttl=ttl) as lease, recorded(store, step) as run:
            fn(lease, run)
        return StepResult(step, "ok", run.counts)
    except LockBusy as exc:
        record_skip(store, step, str(exc))
        return StepResult(step, "skipped", {}, str(exc))
    except (CoopwatchError, Exception) as exc:  # noqa: BLE001 - recorded; the cycle goes on
        log.exception("step %s failed", step)
        return StepResult(step, "error", {}, f"{type(exc).__name__}: {exc}")


def _numbers(report: dict[str, Any], keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    items = report.items() if keys is None else ((k, report.get(k)) for k in keys)
    return {k: v for k, v in items if isinstance(v, int | float) and not isinstance(v, bool)}


def steps(settings: Settings, store: Store, crawl: CrawlFn | None = None) -> dict[str, StepFn]:
    """Step name -> function. Names: crawl, analyze, render:daily|weekly, send:daily|weekly|all."""

    def do_crawl(lease: Lease, run: Run) -> None:
        if crawl is None:
            raise CoopwatchError("no crawler was given to the cycle (run it from the CLI).")
        report = crawl(settings)
        lease.check()
        run.counts.update(_numbers(report, CRAWL_COUNTS) or _numbers(report))

    def do_analyze(lease: Lease, run: Run) -> None:
        from nlp.run import analyze_store

        report = analyze_store(store, settings)
        run.counts.update(
            analysed=report.analysed,
            failed=report.failed,
            pairings=report.pairings,
            initiatives=report.initiatives,
        )

    def do_render(kind: str) -> StepFn:
        def render(lease: Lease, run: Run) -> None:
            from output.site import render_site

            report = render_site(store, settings, period=kind)
            run.counts.update(
                digests=len(report.digests), stories=report.stories, files=report.files
            )

        return render

    def do_send(kind: str) -> StepFn:
        def send(lease: Lease, run: Run) -> None:
            from output.mail import SmtpTransport
            from output.send import send_digests

            frequency = None if kind == "all" else kind
            with SmtpTransport.from_settings(settings) as transport:
                report = send_digests(store, settings, transport, frequency=frequency, lease=lease)
            run.counts.update(dict(report.counts), paused=len(report.paused))

        return send

    return {
        "crawl": do_crawl,
        "analyze": do_analyze,
        "render:daily": do_render("daily"),
        "render:weekly": do_render("weekly"),
        "send:daily": do_send("daily"),
        "send:weekly": do_send("weekly"),
        "send:all": do_send("all"),
    }


# What `coopwatch run` does, and what each scheduled job does, in order.
CYCLE = ("crawl", "analyze", "render:weekly", "render:daily", "send:all")
JOBS = {
    "crawl": ("crawl", "analyze"),
    "daily": ("render:daily", "send:daily"),
    "weekly": ("render:weekly", "send:weekly"),
}


def run_cycle(
    store: Store,
    settings: Settings,
    names: tuple[str, ...] = CYCLE,
    *,
    crawl: CrawlFn | None = None,
    on_result: Callable[[StepResult], None] | None = None,
) -> list[StepResult]:
    """Run steps in order; a failed step does not stop the next (emails need no crawl)."""
    table = steps(settings, store, crawl)
    results = []
    for name in names:
        result = run_step(store, name, table[name], ttl=settings.schedule.lock_ttl)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
