"""The send log (never twice: one row per subscriber and digest) and delivery failures."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coopwatch.schema import delivery_failures, send_log, subscribers
from coopwatch.store import Store


def claim(store: Store, sid: int, digest: str, stories: list[int]) -> bool:
    """Log the message as being sent, before it goes out; False if it was logged already.

    The row outlives a crash: a rerun does not send a digest whose row exists, so a message
    interrupted by a kill at the very moment the server accepted it is not sent twice.
    """
    try:
        with store.engine.begin() as conn:
            conn.execute(
                send_log.insert().values(
                    subscriber_id=sid,
                    digest=digest,
                    status="sending",
                    stories=stories,
                    at=datetime.now(UTC),
                )
            )
        return True
    except IntegrityError:
        return False


def mark_sent(store: Store, sid: int, digest: str, message_id: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            send_log.update()
            .where(send_log.c.subscriber_id == sid, send_log.c.digest == digest)
            .values(status="sent", message_id=message_id, at=datetime.now(UTC))
        )


def unclaim(store: Store, sid: int, digest: str) -> None:
    """The message certainly did not go out (refused, or interrupted before sending)."""
    with store.engine.begin() as conn:
        conn.execute(
            send_log.delete().where(
                send_log.c.subscriber_id == sid,
                send_log.c.digest == digest,
                send_log.c.status == "sending",
            )
        )


def record_failure(
    store: Store,
    sid: int,
    digest: str | None,
    *,
    code: int | None,
    message: str,
    permanent: bool,
    max_failures: int,
) -> bool:
    """Note a failed delivery. A permanent one counts against the address (and is logged as
    the digest's outcome); a temporary one frees the digest for the next run. True when the
    address is now paused."""
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(
            delivery_failures.insert().values(
                subscriber_id=sid,
                digest=digest,
                at=now,
                code=code,
                permanent=permanent,
                message=message[:2000],
            )
        )
        if digest is not None:
            where = sa.and_(send_log.c.subscriber_id == sid, send_log.c.digest == digest)
            if permanent:
                conn.execute(send_log.update().where(where).values(status="failed", at=now))
            else:
                conn.execute(send_log.delete().where(where, send_log.c.status == "sending"))
        if not permanent:
            return False
        conn.execute(
            subscribers.update()
            .where(subscribers.c.id == sid)
            .values(failures=subscribers.c.failures + 1)
        )
        failures = conn.execute(
            sa.select(subscribers.c.failures).where(subscribers.c.id == sid)
        ).scalar_one()
        if failures >= max_failures:
            conn.execute(
                subscribers.update()
                .where(subscribers.c.id == sid, subscribers.c.status == "confirmed")
                .values(status="paused", changed_at=now)
            )
            return True
    return False


def reset_failures(store: Store, sid: int) -> None:
    """A delivered message clears the count of consecutive permanent failures."""
    with store.engine.begin() as conn:
        conn.execute(
            subscribers.update()
            .where(subscribers.c.id == sid, subscribers.c.failures > 0)
            .values(failures=0)
        )


def history(store: Store) -> tuple[set[tuple[int, str]], dict[int, set[int]]]:
    """(subscriber, digest) pairs already logged, and the stories each subscriber was sent (or
    may have been: an interrupted "sending" row counts as sent)."""
    logged: set[tuple[int, str]] = set()
    sent: dict[int, set[int]] = defaultdict(set)
    query = sa.select(
        send_log.c.subscriber_id, send_log.c.digest, send_log.c.status, send_log.c.stories
    )
    with store.engine.connect() as conn:
        for sid, digest, status, stories in conn.execution_options(yield_per=2000).execute(query):
            logged.add((sid, digest))
            if status in ("sent", "sending"):
                sent[sid].update(stories or [])
    return logged, sent


def summary(store: Store) -> dict[str, int]:
    """Send-log rows by status (``sending`` rows left by a crash are "uncertain")."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(send_log.c.status, sa.func.count()).group_by(send_log.c.status)
        )
        return {status: int(n) for status, n in rows}


def failures_of(store: Store, sid: int, limit: int = 10) -> list[tuple[datetime, int | None, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(delivery_failures.c.at, delivery_failures.c.code, delivery_failures.c.message)
            .where(delivery_failures.c.subscriber_id == sid)
            .order_by(delivery_failures.c.id.desc())
            .limit(limit)
        )
        return [(at, code, message) for at, code, message in rows]
