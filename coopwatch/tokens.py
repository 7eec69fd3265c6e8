"""Signed links (confirm, manage), CSRF tokens and rate limits for the subscription pages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from coopwatch.errors import CoopwatchError
from coopwatch.schema import app_secrets, rate_limits
from coopwatch.store import Store
from coopwatch.subscriptions import Subscriber

SECRET_NAME = "signing_key"
CSRF_MAX_AGE = 2 * 3600


class BadToken(CoopwatchError):
    """A link or form token that is forged, damaged, expired or no longer valid."""


def signing_key(store: Store, configured: str = "") -> str:
    """[site] secret_key, else the key kept in the database (made on first use). Never logged."""
    if configured:
        return configured
    with store.engine.connect() as conn:
        found = conn.execute(
            sa.select(app_secrets.c.value).where(app_secrets.c.name == SECRET_NAME)
        ).scalar_one_or_none()
    if found:
        return str(found)
    try:
        with store.engine.begin() as conn:
            conn.execute(app_secrets.insert().values(name=SECRET_NAME, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another process made it first: use theirs
    with store.engine.connect() as conn:
        return str(
            conn.execute(
                sa.select(app_secrets.c.value).where(app_secrets.c.name == SECRET_NAME)
            ).scalar_one()
        )


@dataclass
class Signer:
    """Signs and checks the tokens in links and forms (salts keep their purposes apart)."""

    key: str
    confirm_max_age: int = 48 * 3600

    def _s(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.key, salt=f"coopwatch.{salt}")

    def confirm_token(self, choice: dict[str, Any]) -> str:
        """The subscription the reader asked for: nothing is stored until they confirm."""
        return self._s("confirm").dumps(choice)

    def read_confirm(self, token: str) -> tuple[dict[str, Any], float]:
        """(choice, issued at as a Unix time) or BadToken."""
        try:
            data, issued = self._s("confirm").loads(
                token, max_age=self.confirm_max_age, return_timestamp=True
            )
        except SignatureExpired:
            raise BadToken("this confirmation link has expired: subscribe again.") from None
        except BadSignature:
            raise BadToken("this confirmation link is not valid.") from None
        if not isinstance(data, dict):
            raise BadToken("this confirmation link is not valid.")
        return data, issued.timestamp()

    def manage_token(self, sub: Subscriber) -> str:
        """For the preferences page and one-click unsubscribe; valid while the subscriber
        exists (removing them changes the random key it carries)."""
        return self._s("manage").dumps([sub.id, sub.key])

    def read_manage(self, token: str) -> tuple[int, str]:
        try:
            sid, key = self._s("manage").loads(token)
            return int(sid), str(key)
        except (BadSignature, ValueError, TypeError):
            raise BadToken("this link is not valid (or the subscription was removed).") from None

    def csrf_token(self, client: str) -> str:
        return self._s("csrf").dumps(client)

    def check_csrf(self, token: str, client: str) -> None:
        try:
            value = self._s("csrf").loads(token, max_age=CSRF_MAX_AGE)
        except (BadSignature, SignatureExpired):
            raise BadToken("the form has expired: reload the page and send it again.") from None
        if not isinstance(value, str) or not hmac.compare_digest(value, client):
            raise BadToken("the form has expired: reload the page and send it again.")

    def hashed(self, text: str) -> str:
        """A keyed hash: rate-limit keys do not keep addresses or client IPs in clear."""
        return hmac.new(self.key.encode(), text.encode(), hashlib.sha256).hexdigest()[:40]


def hit(
    store: Store, key: str, limit: int, *, window: int = 3600, now: float | None = None
) -> bool:
    """Count one request under ``key`` in the current fixed window; False when over ``limit``."""
    current = int((now if now is not None else time.time()) // window)
    with store.engine.begin() as conn:
        found = conn.execute(
            sa.select(rate_limits.c.window, rate_limits.c.count).where(rate_limits.c.key == key)
        ).first()
        row: tuple[int, int] | None = (int(found[0]), int(found[1])) if found else None
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(rate_limits.insert().values(key=key, window=current, count=1))
                return True
            except IntegrityError:
                row = (current, 0)
        if row[0] != current:
            conn.execute(
                rate_limits.update().where(rate_limits.c.key == key).values(window=current, count=1)
            )
            return True
        if row[1] >= limit:
            return False
        conn.execute(
            rate_limits.update()
            .where(rate_limits.c.key == key)
            .values(count=rate_limits.c.count + 1)
        )
        return True


def prune_rate_limits(store: Store, *, window: int = 3600) -> int:
    """Forget counters of past windows."""
    current = int(time.time() // window)
    with store.engine.begin() as conn:
        return int(
            conn.execute(rate_limits.delete().where(rate_limits.c.window < current)).rowcount
        )
