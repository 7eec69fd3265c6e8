"""Store locks (SQLite and PostgreSQL), the cron scheduler, run history and `status`."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from coopwatch.cycle import run_step
from coopwatch.errors import ConfigError
from coopwatch.locks import LockBusy, LockLost, acquire, release, store_lock
from coopwatch.runs import last_by_step, recent_runs
from coopwatch.schedule import Job, Scheduler, jobs_from
from coopwatch.schema import locks
from coopwatch.settings import load_settings
from coopwatch.status import status_text
from coopwatch.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_one_holder_at_a_time_across_stores(database_url: str) -> None:
    """Two Store objects stand for two processes (or machines) sharing the database."""
    with Store.open(database_url) as one, Store.open(database_url) as two:
        with store_lock(one, "send", ttl=30) as lease:
            with pytest.raises(LockBusy, match="another run"):
                acquire(two, "send", ttl=30)
            lease.check()
        with store_lock(two, "send", ttl=30):
            pass  # released: free again


def test_only_one_of_many_racing_processes_wins(database_url: str) -> None:
    with Store.open(database_url) as store:
        winners: list[str] = []
        barrier = threading.Barrier(6)

        def race(i: int) -> None:
            barrier.wait()
            try:
                acquire(store, "crawl", ttl=30, owner=f"racer-{i}")
                winners.append(f"racer-{i}")
            except LockBusy:
                pass

        threads = [threading.Thread(target=race, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(winners) == 1


def test_expired_lease_is_taken_over_and_the_old_holder_stops(database_url: str) -> None:
    with Store.open(database_url) as store:
        old = acquire(store, "send", ttl=30, owner="otherhost:1:dead")
        with store.engine.begin() as conn:  # the holder stalled past its lease
            conn.execute(locks.update().values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        new = acquire(store, "send", ttl=30)
        assert not old.renew()
        with pytest.raises(LockLost):
            old.check()
        release(old)  # releasing a lost lease leaves the new holder alone
        with pytest.raises(LockBusy):
            acquire(store, "send", ttl=30)
        release(new)


def test_lease_is_renewed_while_held(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(f"sqlite:///{tmp_path / 'l.db'}") as store, store_lock(store, "x", ttl=0.6):
        first = _expiry(store)
        time.sleep(0.5)
        assert _expiry(store) > first


def _expiry(store: Store) -> datetime:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(locks.c.expires_at)).scalar_one()  # type: ignore[no-any-return]


def test_steps_are_recorded_and_busy_steps_skipped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(f"sqlite:///{tmp_path / 'r.db'}") as store:

        def ok(lease, run):  # type: ignore[no-untyped-def]
            run.counts["sent"] = 3

        def boom(lease, run):  # type: ignore[no-untyped-def]
            raise RuntimeError("SMTP on fire")

        assert run_step(store, "send:daily", ok, ttl=30).status == "ok"
        assert run_step(store, "render:daily", boom, ttl=30).status == "error"
        with store_lock(store, "send", ttl=30):
            skipped = run_step(store, "send:weekly", ok, ttl=30)
        assert skipped.status == "skipped"
        last = last_by_step(store)
        assert last["send:daily"].counts == {"sent": 3} and last["send:daily"].duration is not None
        assert last["render:daily"].error == "RuntimeError: SMTP on fire"
        assert [r.step for r in recent_runs(store)] == ["send:weekly", "render:daily", "send:daily"]
        text = status_text(store, now=datetime.now(UTC))
        assert "send:daily" in text and "sent 3" in text and "SMTP on fire" in text
        assert "Locks held: none" in text


def test_scheduler_fires_on_cron_times_and_coalesces() -> None:
    clock = [datetime(2026, 3, 2, 6, 59, tzinfo=SHANGHAI)]  # a Monday
    ran: list[tuple[str, datetime]] = []

    def run_job(job: Job) -> None:
        ran.append((job.name, clock[0]))
        clock[0] += timedelta(minutes=90 if job.name == "crawl" else 1)  # a long crawl

    jobs = [
        Job("crawl", "0 * * * *", ("crawl", "analyze")),
        Job("daily", "0 7 * * *", ("render:daily", "send:daily")),
        Job("weekly", "0 7 * * 1", ("render:weekly", "send:weekly")),
    ]
    scheduler = Scheduler(jobs, run_job, SHANGHAI, now=lambda: clock[0])
    clock[0] = datetime(2026, 3, 2, 7, 0, tzinfo=SHANGHAI)
    assert scheduler.run(threading.Event(), max_jobs=3) == 3
    names = [name for name, _at in ran]
    assert names == ["crawl", "daily", "weekly"]  # all due at 07:00, one at a time
    # the crawl took 90 minutes: the 08:00 firing it overlapped runs once, right after
    assert scheduler.next["crawl"] == datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    assert scheduler.next["weekly"] == datetime(2026, 3, 9, 7, 0, tzinfo=SHANGHAI)


def test_schedule_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"\[schedule\] daily"):
        load_settings(environ={"COOPWATCH_SCHEDULE_DAILY": "at seven"})
    settings = load_settings(
        environ={"COOPWATCH_SCHEDULE_CRAWL": "", "COOPWATCH_SCHEDULE_WEEKLY": ""}
    )
    assert [j.name for j in jobs_from(settings)] == ["daily"]
