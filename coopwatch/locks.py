"""Leases in the store: `with store_lock(store, "send", ttl=600):` runs once across processes."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coopwatch.errors import CoopwatchError
from coopwatch.schema import locks
from coopwatch.store import Store


class LockBusy(CoopwatchError):
    """Another process (here or on another machine) holds the lock."""


class LockLost(CoopwatchError):
    """The lease expired or was taken over while the holder was still working."""


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Lease:
    """A held lock; `check()` raises LockLost once it is no longer ours."""

    store: Store
    name: str
    owner: str
    ttl: float
    lost: threading.Event = field(default_factory=threading.Event)

    def renew(self) -> bool:
        now = datetime.now(UTC)
        with self.store.engine.begin() as conn:
            result = conn.execute(
                locks.update()
                .where(locks.c.name == self.name, locks.c.owner == self.owner)
                .values(expires_at=now + timedelta(seconds=self.ttl))
            )
        if result.rowcount != 1:
            self.lost.set()
        return not self.lost.is_set()

    def check(self) -> None:
        if self.lost.is_set():
            raise LockLost(
                f"lock {self.name!r} expired or was taken over; stopping so the work is not "
                "done twice (raise [schedule] lock_ttl if steps are slow)."
            )


def _dead_here(owner: str) -> bool:
    """True when ``owner`` names a process on this machine that no longer runs."""
    host, _sep, rest = owner.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(store: Store, name: str, *, ttl: float, owner: str | None = None) -> Lease:
    """Take the lock or raise LockBusy. An expired lease (a crashed holder) is taken over."""
    owner = owner or default_owner()
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=ttl)
    try:
        with store.engine.begin() as conn:
            conn.execute(
                locks.insert().values(name=name, owner=owner, acquired_at=now, expires_at=expires)
            )
        return Lease(store, name, owner, ttl)
    except IntegrityError:
        pass
    # One UPDATE decides between competitors: only one sees the old, expired row.
    with store.engine.begin() as conn:
        taken = conn.execute(
            locks.update()
            .where(locks.c.name == name, locks.c.expires_at < now)
            .values(owner=owner, acquired_at=now, expires_at=expires)
        )
        if taken.rowcount == 1:
            return Lease(store, name, owner, ttl)
        holder = conn.execute(
            sa.select(locks.c.owner, locks.c.expires_at).where(locks.c.name == name)
        ).first()
        if holder is not None and _dead_here(holder[0]):
            # A process on this machine that died holding the lock (killed, crashed).
            taken = conn.execute(
                locks.update()
                .where(locks.c.name == name, locks.c.owner == holder[0])
                .values(owner=owner, acquired_at=now, expires_at=expires)
            )
            if taken.rowcount == 1:
                return Lease(store, name, owner, ttl)
    who = f" by {holder[0]} until {holder[1]}" if holder else ""
    raise LockBusy(f"lock {name!r} is held{who}: another run of this step is in progress.")


def release(lease: Lease) -> None:
    with lease.store.engine.begin() as conn:
        conn.execute(locks.delete().where(locks.c.name == lease.name, locks.c.owner == lease.owner))


@contextmanager
def store_lock(
    store: Store, name: str, *, ttl: float = 600, owner: str | None = None
) -> Iterator[Lease]:
    """Hold ``name`` for the block, renewing the lease every ttl/3 on a background thread.

    Raises LockBusy when another holder has it. Long work should call ``lease.check()`` between
    units (each email, say) so that a lease lost to a stall stops the work.
    """
    lease = acquire(store, name, ttl=ttl, owner=owner)
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(ttl / 3):
            try:
                if not lease.renew():
                    return
            except sa.exc.SQLAlchemyError:
                continue  # the database blinked; the next beat tries again before expiry

    thread = threading.Thread(target=heartbeat, name=f"lock-{name}", daemon=True)
    thread.start()
    try:
        yield lease
    finally:
        stop.set()
        thread.join(timeout=5)
        release(lease)


def held_locks(store: Store) -> list[tuple[str, str, datetime]]:
    """(name, owner, expires_at) of every lock row, expired ones included."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(locks.c.name, locks.c.owner, locks.c.expires_at).order_by(locks.c.name)
        )
        return [(n, o, e.replace(tzinfo=UTC) if e.tzinfo is None else e) for n, o, e in rows]
