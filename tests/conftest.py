"""Shared fixtures: a database URL for each backend (SQLite always, PostgreSQL when it runs)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

REDIS_URL = os.environ.get("COOPWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get(
    "COOPWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRED = os.environ.get("COOPWATCH_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")
FIXTURES = Path(__file__).parent / "fixtures"


def service_missing(what: str, reason: str) -> None:
    """Skip with a message, or fail when the run requires every service (CI)."""
    message = f"{what} is not available ({reason})"
    if REQUIRED:
        pytest.fail(f"{message}, and COOPWATCH_REQUIRE_SERVICES is set", pytrace=False)
    pytest.skip(f"{message}; start it (or point COOPWATCH_TEST_* at it) to run these tests")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means the service is absent
        service_missing(f"PostgreSQL at {POSTGRES_URL}", str(exc).splitlines()[0])
    return POSTGRES_URL


@contextmanager
def fresh_schema(server: str) -> Iterator[str]:
    """A URL whose tables live in a new schema of the test database, dropped afterwards."""
    schema = "cw_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(server)
    with engine.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    sep = "&" if "?" in server else "?"
    try:
        yield f"{server}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_schema(postgres_server: str) -> Callable[[], AbstractContextManager[str]]:
    """For fixtures of any scope: ``with postgres_schema() as url: ...``."""
    return lambda: fresh_schema(postgres_server)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose tables live in a fresh schema of the test database, dropped afterwards."""
    with fresh_schema(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'coopwatch.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="session")
def redis_server() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means the service is absent
        service_missing(f"Redis at {REDIS_URL}", str(exc).splitlines()[0])
    return REDIS_URL


@pytest.fixture
def frontier(redis_server: str) -> Iterator[tuple[str, str]]:
    """(Redis URL, frontier name) for one test; the frontier's keys are deleted afterwards."""
    import redis

    name = "cwtest_" + uuid.uuid4().hex[:10]
    yield redis_server, name
    client = redis.Redis.from_url(redis_server)
    for key in client.scan_iter(match=f"{name}:*"):
        client.delete(key)
    client.close()
