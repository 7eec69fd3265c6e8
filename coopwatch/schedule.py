"""`coopwatch schedule`: run the cycle's jobs on cron expressions (croniter and a plain loop)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from croniter import croniter

from coopwatch.cycle import JOBS
from coopwatch.errors import ConfigError
from coopwatch.settings import Settings

log = logging.getLogger(__name__)
MAX_SLEEP = 30.0  # seconds: wake up this often to notice a stop request or a clock jump


@dataclass(frozen=True)
class Job:
    name: str  # crawl | daily | weekly
    cron: str
    steps: tuple[str, ...]

    def next_after(self, moment: datetime) -> datetime:
        return croniter(self.cron, moment).get_next(datetime)  # type: ignore[no-any-return]


def jobs_from(settings: Settings) -> list[Job]:
    """The jobs whose cron expression is set in [schedule]."""
    found = []
    for name, step_names in JOBS.items():
        expr = getattr(settings.schedule, name)
        if expr:
            found.append(Job(name, expr, step_names))
    if not found:
        raise ConfigError(
            "[schedule] crawl, daily and weekly are all empty: set at least one cron expression."
        )
    return found


def zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.schedule.timezone)
    except (KeyError, ValueError):
        raise ConfigError(
            f"[schedule] timezone = {settings.schedule.timezone!r} is not a time zone name "
            "(e.g. Asia/Shanghai, UTC)."
        ) from None


class Scheduler:
    """Fires each job at its cron times, one job at a time in this process.

    A job that comes due while another runs starts right after it; firings missed meanwhile
    are coalesced into one. Steps themselves take store locks, so two schedulers (on two
    machines sharing PostgreSQL) never run the same step at once, and the send log keeps a
    second send of the same digest from going out.
    """

    def __init__(
        self,
        jobs: list[Job],
        run_job: Callable[[Job], None],
        tz: ZoneInfo,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.jobs = jobs
        self.run_job = run_job
        self.tz = tz
        self.now = now or (lambda: datetime.now(tz))
        start = self.now()
        self.next = {job.name: job.next_after(start) for job in jobs}

    def due(self) -> list[Job]:
        moment = self.now()
        return sorted(
            (j for j in self.jobs if self.next[j.name] <= moment), key=lambda j: self.next[j.name]
        )

    def run(self, stop: threading.Event, *, max_jobs: int | None = None) -> int:
        """Loop until ``stop`` is set (or ``max_jobs`` jobs ran); returns how many ran."""
        ran = 0
        while not stop.is_set():
            due = self.due()
            if not due:
                wait = min(self.next.values()) - self.now()
                stop.wait(max(0.05, min(MAX_SLEEP, wait.total_seconds())))
                continue
            for job in due:
                if stop.is_set():
                    break
                log.info("running job %s (due %s)", job.name, self.next[job.name])
                try:
                    self.run_job(job)
                except Exception:  # noqa: BLE001 - the scheduler outlives a failed job
                    log.exception("job %s failed", job.name)
                self.next[job.name] = job.next_after(self.now())
                ran += 1
                if max_jobs is not None and ran >= max_jobs:
                    return ran
        return ran

    def upcoming(self) -> list[tuple[str, datetime]]:
        return sorted(self.next.items(), key=lambda kv: kv[1])
