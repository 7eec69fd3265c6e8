"""Fixtures for the output tests: a store of sample stories and a site rendered from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from digestkit import fill

from coopwatch.settings import load_settings
from coopwatch.store import Store
from output.site import SiteReport, render_site


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("store") / "coopwatch.db"
    with Store.open(f"sqlite:///{path}") as opened:
        fill(opened)
        yield opened


@pytest.fixture(scope="module")
def site(store: Store, tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    """The sample store rendered with default settings (English and Simplified Chinese)."""
    directory = tmp_path_factory.mktemp("site") / "site"
    return render_site(store, load_settings(environ={}), site_dir=directory)


@pytest.fixture
def site_dir(site: SiteReport) -> Path:
    return site.directory
