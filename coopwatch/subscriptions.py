"""Subscribers in the store: validated addresses, language, frequency, followed places, status."""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from coopwatch.errors import CoopwatchError
from coopwatch.schema import subscriber_filters, subscribers
from coopwatch.store import Store

LANGUAGES = ("en", "zh", "both")
FREQUENCIES = ("daily", "weekly")
STATUSES = ("confirmed", "unsubscribed", "paused")
CONSENTS = ("double_opt_in", "admin")
PLACE = re.compile(r"^[0-9]{6}$")
MAX_FILTERS = 50


class SubscriptionError(CoopwatchError):
    """A bad address, language, frequency or filter; the message says which and why."""


@dataclass
class Subscriber:
    id: int
    email: str
    language: str
    frequency: str
    status: str
    consent: str
    key: str
    created_at: datetime
    confirmed_at: datetime | None
    failures: int = 0
    places: list[str] = field(default_factory=list)
    pairings: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return ["en", "zh"] if self.language == "both" else [self.language]

    def to_json(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "language": self.language,
            "frequency": self.frequency,
            "status": self.status,
            "consent": self.consent,
            "created_at": self.created_at.isoformat(),
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
            "failures": self.failures,
            "places": list(self.places),
            "pairings": ["-".join(p) for p in self.pairings],
        }


def normalize_email(raw: str) -> tuple[str, str]:
    """(address as it will be written to, lookup key) or SubscriptionError.

    email-validator checks the syntax and normalises the domain (lower case, IDNA, Unicode
    NFC); the lookup key also lower-cases the local part, so Li@Example.org and li@example.org
    are one subscriber. No DNS lookups: the confirmation email is the deliverability test.
    """
    try:
        found = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise SubscriptionError(f"{raw!r} is not a valid email address: {exc}") from None
    return found.normalized, found.normalized.lower()


def parse_filters(
    places: Iterable[str] = (), pairings: Iterable[str] = ()
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Six-digit division codes, and pairings as codes joined by '-' (440783-440784)."""
    out_places: list[str] = []
    for raw in places:
        for code in re.split(r"[\s,]+", raw.strip()):
            if not code:
                continue
            if not PLACE.match(code):
                raise SubscriptionError(
                    f"district {code!r}: give a six-digit division code such as 440705."
                )
            if code not in out_places:
                out_places.append(code)
    out_pairs: list[tuple[str, ...]] = []
    for raw in pairings:
        for item in re.split(r"[\s,]+", raw.strip()):
            if not item:
                continue
            codes = tuple(sorted(set(item.split("-"))))
            if len(codes) < 2 or not all(PLACE.match(c) for c in codes):
                raise SubscriptionError(
                    f"pairing {item!r}: give two six-digit codes joined by '-', "
                    "such as 440783-440784."
                )
            if codes not in out_pairs:
                out_pairs.append(codes)
    if len(out_places) + len(out_pairs) > MAX_FILTERS:
        raise SubscriptionError(f"at most {MAX_FILTERS} districts and pairings can be followed.")
    return out_places, out_pairs


def check_choice(language: str, frequency: str) -> None:
    if language not in LANGUAGES:
        raise SubscriptionError(f"language {language!r}: use en, zh or both.")
    if frequency not in FREQUENCIES:
        raise SubscriptionError(f"frequency {frequency!r}: use daily or weekly.")


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _write_filters(
    conn: Connection, sid: int, places: list[str], pairings: list[tuple[str, ...]]
) -> None:
    conn.execute(subscriber_filters.delete().where(subscriber_filters.c.subscriber_id == sid))
    rows = [{"subscriber_id": sid, "kind": "place", "code": c} for c in places]
    rows += [{"subscriber_id": sid, "kind": "pairing", "code": "-".join(p)} for p in pairings]
    if rows:
        conn.execute(subscriber_filters.insert(), rows)


def subscribe(
    store: Store,
    email: str,
    *,
    language: str,
    frequency: str,
    places: list[str] | None = None,
    pairings: list[tuple[str, ...]] | None = None,
    consent: str = "double_opt_in",
) -> Subscriber:
    """Record a confirmed subscriber (after the confirmation link, or added by an admin).

    An existing subscriber (any status) is confirmed again with the new choices.
    """
    check_choice(language, frequency)
    if consent not in CONSENTS:
        raise SubscriptionError(f"consent {consent!r}: use double_opt_in or admin.")
    address, key = normalize_email(email)
    now = datetime.now(UTC)
    values = {
        "email": address,
        "language": language,
        "frequency": frequency,
        "status": "confirmed",
        "consent": consent,
        "confirmed_at": now,
        "changed_at": now,
        "failures": 0,
    }
    for _attempt in range(2):
        try:
            with store.engine.begin() as conn:
                sid = conn.execute(
                    sa.select(subscribers.c.id).where(subscribers.c.email_key == key)
                ).scalar_one_or_none()
                if sid is None:
                    result = conn.execute(
                        subscribers.insert().values(
                            email_key=key, key=secrets.token_urlsafe(16), created_at=now, **values
                        )
                    )
                    assert result.inserted_primary_key is not None
                    sid = int(result.inserted_primary_key[0])
                else:
                    conn.execute(subscribers.update().where(subscribers.c.id == sid).values(values))
                _write_filters(conn, sid, places or [], pairings or [])
            break
        except IntegrityError:
            continue  # the same address confirmed twice at once: the second time updates
    found = get(store, key=key)
    assert found is not None
    return found


def update_preferences(
    store: Store,
    sid: int,
    *,
    language: str,
    frequency: str,
    places: list[str],
    pairings: list[tuple[str, ...]],
) -> None:
    check_choice(language, frequency)
    with store.engine.begin() as conn:
        conn.execute(
            subscribers.update()
            .where(subscribers.c.id == sid)
            .values(language=language, frequency=frequency, changed_at=datetime.now(UTC))
        )
        _write_filters(conn, sid, places, pairings)


def set_status(store: Store, sid: int, status: str) -> None:
    if status not in STATUSES:
        raise SubscriptionError(f"status {status!r}: use one of {', '.join(STATUSES)}.")
    with store.engine.begin() as conn:
        conn.execute(
            subscribers.update()
            .where(subscribers.c.id == sid)
            .values(status=status, changed_at=datetime.now(UTC))
        )


def remove(store: Store, email: str) -> bool:
    """Delete a subscriber and everything kept about them (send log, failures, filters)."""
    _address, key = normalize_email(email)
    with store.engine.begin() as conn:
        sid = conn.execute(
            sa.select(subscribers.c.id).where(subscribers.c.email_key == key)
        ).scalar_one_or_none()
        if sid is None:
            return False
        # Explicit deletes: SQLite enforces ON DELETE CASCADE only with foreign_keys on.
        from coopwatch.schema import delivery_failures, send_log

        for table in (subscriber_filters, send_log, delivery_failures):
            conn.execute(table.delete().where(table.c.subscriber_id == sid))
        conn.execute(subscribers.delete().where(subscribers.c.id == sid))
    return True


def _from_rows(conn: Connection, rows: Iterable[Any]) -> list[Subscriber]:
    found = [
        Subscriber(
            id=r.id,
            email=r.email,
            language=r.language,
            frequency=r.frequency,
            status=r.status,
            consent=r.consent,
            key=r.key,
            created_at=_aware(r.created_at) or datetime.now(UTC),
            confirmed_at=_aware(r.confirmed_at),
            failures=r.failures,
        )
        for r in rows
    ]
    if not found:
        return found
    by_id = {s.id: s for s in found}
    filters: dict[int, list[tuple[str, str]]] = defaultdict(list)
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = (
            sa.select(subscriber_filters)
            .where(subscriber_filters.c.subscriber_id.in_(chunk))
            .order_by(subscriber_filters.c.kind, subscriber_filters.c.code)
        )
        for f in conn.execute(query):
            filters[f.subscriber_id].append((f.kind, f.code))
    for sid, items in filters.items():
        sub = by_id[sid]
        sub.places = [code for kind, code in items if kind == "place"]
        sub.pairings = [tuple(code.split("-")) for kind, code in items if kind == "pairing"]
    return found


def get(store: Store, *, sid: int | None = None, key: str | None = None) -> Subscriber | None:
    """One subscriber by id or by lookup key (see normalize_email)."""
    query = sa.select(subscribers)
    if sid is not None:
        query = query.where(subscribers.c.id == sid)
    elif key is not None:
        query = query.where(subscribers.c.email_key == key)
    else:
        raise ValueError("get() needs sid or key")
    with store.engine.connect() as conn:
        found = _from_rows(conn, conn.execute(query))
    return found[0] if found else None


def list_subscribers(
    store: Store, *, status: str | None = None, frequency: str | None = None
) -> list[Subscriber]:
    query = sa.select(subscribers).order_by(subscribers.c.id)
    if status is not None:
        query = query.where(subscribers.c.status == status)
    if frequency is not None:
        query = query.where(subscribers.c.frequency == frequency)
    with store.engine.connect() as conn:
        return _from_rows(conn, conn.execute(query))


def counts(store: Store) -> dict[str, int]:
    """Subscribers by status."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(subscribers.c.status, sa.func.count()).group_by(subscribers.c.status)
        )
        return {status: int(n) for status, n in rows}
