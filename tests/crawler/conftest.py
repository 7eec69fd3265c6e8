"""Fixtures for crawl tests: the fixture site on 127.0.0.1 and a database per backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from crawlkit import ROUTES, SITE

from coopwatch.demo.server import SiteServer


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer(SITE, ROUTES) as server:
        yield server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def backend_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database per test module and backend (PostgreSQL: a schema dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'coopwatch.db'}"
        return
    with request.getfixturevalue("postgres_schema")() as url:
        yield url
