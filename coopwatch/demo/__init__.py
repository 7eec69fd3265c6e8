"""The offline demo: serve the bundled sample site on 127.0.0.1, crawl it, report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from coopwatch.demo.server import SiteServer, write_sources
from coopwatch.errors import ConfigError
from coopwatch.settings import Settings
from coopwatch.sources import load_sources

HERE = Path(__file__).parent
SITE = HERE / "site"
SOURCES_TEMPLATE = HERE / "sources.toml"  # {base} stands for the demo server's base URL

__all__ = ["SITE", "SOURCES_TEMPLATE", "SiteServer", "run_demo", "write_sources"]


def run_demo(settings: Settings) -> str:
    """Crawl the bundled sample site into the configured store; return the report text."""
    # Imported here: the CLI is the only caller, and the core must not need Scrapy.
    from crawler.run import crawl, crawl_report_text

    if not SITE.is_dir() or not SOURCES_TEMPLATE.is_file():
        raise ConfigError(
            f"the demo site is missing ({SITE} and {SOURCES_TEMPLATE}); reinstall coopwatch."
        )
    # A loopback server needs no politeness delay.
    fast = settings.model_copy(
        update={
            "crawl": settings.crawl.model_copy(
                update={"download_delay": 0.0, "autothrottle": False, "jobdir": ""}
            )
        }
    )
    with SiteServer(SITE) as server, tempfile.TemporaryDirectory() as tmp:
        sources = load_sources(
            write_sources(SOURCES_TEMPLATE, server.base_url, Path(tmp) / "sources.toml")
        )
        report = crawl(fast, sources)
    return crawl_report_text(report)
