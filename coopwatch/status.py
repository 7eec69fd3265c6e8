"""`coopwatch status` as text: last runs per step, recent runs, locks, subscribers, send log."""

from __future__ import annotations

from datetime import datetime

from coopwatch import sendlog, subscriptions
from coopwatch.locks import held_locks
from coopwatch.runs import RunRecord, last_by_step, recent_runs
from coopwatch.store import Store


def _duration(record: RunRecord) -> str:
    seconds = record.duration
    if seconds is None:
        return "running"
    if seconds < 90:
        return f"{seconds:.1f}s"
    return f"{seconds / 60:.1f}min"


def _line(r: RunRecord) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
    error = f"  error: {r.error}" if r.error else ""
    return (
        f"{r.step:<14} {r.started:%Y-%m-%d %H:%M:%S}Z {r.status:<8} {_duration(r):>9}"
        f"  {counts}{error}"
    )


def status_text(store: Store, *, limit: int = 10, now: datetime) -> str:
    lines = ["Last run of each step:"]
    latest = last_by_step(store)
    lines += [f"  {_line(r)}" for r in latest.values()] or ["  (nothing has run yet)"]
    lines.append(f"Recent runs (newest first, up to {limit}):")
    lines += [f"  {_line(r)}" for r in recent_runs(store, limit=limit)] or ["  -"]
    held = [(n, o, e) for n, o, e in held_locks(store) if e > now]
    lines.append("Locks held: " + (", ".join(f"{n} by {o}" for n, o, _e in held) or "none"))
    subs = subscriptions.counts(store)
    lines.append(
        "Subscribers: "
        + (", ".join(f"{status} {n}" for status, n in sorted(subs.items())) or "none")
    )
    log = sendlog.summary(store)
    uncertain = log.get("sending", 0)
    lines.append(
        f"Send log: sent {log.get('sent', 0)}, failed {log.get('failed', 0)}"
        + (f", uncertain {uncertain} (interrupted mid-send; not resent)" if uncertain else "")
    )
    return "\n".join(lines)
