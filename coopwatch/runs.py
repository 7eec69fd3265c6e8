"""Run history of the cycle's steps (crawl, analyse, render, send) for `coopwatch status`."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from coopwatch.schema import runs
from coopwatch.store import Store


@dataclass
class RunRecord:
    id: int
    step: str
    started: datetime
    finished: datetime | None
    status: str
    counts: dict[str, Any]
    error: str | None
    host: str

    @property
    def duration(self) -> float | None:
        if self.finished is None:
            return None
        return (self.finished - self.started).total_seconds()


@dataclass
class Run:
    """The step in progress: put what it did in ``counts``."""

    id: int
    step: str
    counts: dict[str, Any] = field(default_factory=dict)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def start_run(store: Store, step: str) -> Run:
    with store.engine.begin() as conn:
        result = conn.execute(
            runs.insert().values(
                step=step,
                started=datetime.now(UTC),
                status="running",
                counts={},
                host=socket.gethostname(),
            )
        )
    key = result.inserted_primary_key
    assert key is not None
    return Run(int(key[0]), step)


def finish_run(store: Store, run: Run, status: str, error: str | None = None) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            runs.update()
            .where(runs.c.id == run.id)
            .values(finished=datetime.now(UTC), status=status, counts=run.counts, error=error)
        )


@contextmanager
def recorded(store: Store, step: str) -> Iterator[Run]:
    """Record the block as a run of ``step``: ok, or error with the exception's message."""
    run = start_run(store, step)
    try:
        yield run
    except BaseException as exc:
        finish_run(store, run, "error", f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finish_run(store, run, "ok")


def record_skip(store: Store, step: str, reason: str) -> None:
    run = start_run(store, step)
    finish_run(store, run, "skipped", reason)


def _record(r: Any) -> RunRecord:
    return RunRecord(
        id=r.id,
        step=r.step,
        started=_aware(r.started) or datetime.now(UTC),
        finished=_aware(r.finished),
        status=r.status,
        counts=dict(r.counts or {}),
        error=r.error,
        host=r.host,
    )


def recent_runs(store: Store, *, limit: int = 20, step: str | None = None) -> list[RunRecord]:
    """Newest first."""
    query = sa.select(runs).order_by(runs.c.id.desc()).limit(limit)
    if step is not None:
        query = query.where(runs.c.step == step)
    with store.engine.connect() as conn:
        return [_record(r) for r in conn.execute(query)]


def last_by_step(store: Store) -> dict[str, RunRecord]:
    """The latest run of each step, by step name."""
    latest = sa.select(sa.func.max(runs.c.id)).group_by(runs.c.step).scalar_subquery()
    query = sa.select(runs).where(runs.c.id.in_(latest)).order_by(runs.c.step)
    with store.engine.connect() as conn:
        return {r.step: _record(r) for r in conn.execute(query)}
