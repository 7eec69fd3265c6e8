"""A crawl stopped with Ctrl-C resumes from its job directory: the rest is fetched, once."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from crawlkit import (
    ROOT,
    ROUTES,
    SITE,
    crawl_command,
    crawl_env,
    run_crawl,
    sources_for,
    write_config,
)
from test_crawl import ARTICLES, article_requests, path_of

from coopwatch.demo.server import SiteServer
from coopwatch.store import Store


def stored(url: str) -> Counter[str]:
    try:
        with Store.open(url) as store:
            return Counter(path_of(a.url) for a in store.articles())
    except Exception:  # noqa: BLE001 - the tables may not exist yet
        return Counter()


def test_interrupted_crawl_resumes_from_its_jobdir(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    jobdir = tmp_path / "job"
    with SiteServer(SITE, ROUTES, delay=0.3) as server:
        config = write_config(
            tmp_path / "coopwatch.toml",
            url,
            jobdir=str(jobdir),
            concurrent_requests=1,
            concurrent_per_domain=1,
            extract_workers=0,
        )
        sources = sources_for(server, tmp_path / "sources.toml")
        first = subprocess.Popen(
            crawl_command(config, "--sources", str(sources)),
            cwd=ROOT,
            env=crawl_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while sum(stored(url).values()) < 2:
            assert first.poll() is None, "the crawl ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.1)
        first.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy stops cleanly and keeps its queue
        first.wait(timeout=60)
        before = stored(url)
        assert 2 <= sum(before.values()) < len(ARTICLES)
        assert (jobdir / "requests.queue").exists()
        seen = len(server.requests)
        server.delay = 0.0
        rest = run_crawl(config, "--sources", str(sources))
        assert rest.returncode == 0, rest.stderr
        again = article_requests(server.requests[seen:])
    assert stored(url) == Counter(ARTICLES)
    assert not set(before) & set(again)  # what the first run stored is not fetched again
