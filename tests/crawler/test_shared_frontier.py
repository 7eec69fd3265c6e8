"""Crawlers on one Redis frontier share the work: each article stored once, none lost."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import redis
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


def shared_config(path: Path, url: str, frontier: tuple[str, str], **extra: object) -> Path:
    redis_url, name = frontier
    return write_config(
        path,
        url,
        redis_url=redis_url,
        frontier=name,
        worker_timeout=3,
        extract_workers=0,
        **extra,  # type: ignore[arg-type]
    )


def stored_paths(url: str) -> Counter[str]:
    with Store.open(url) as store:
        return Counter(path_of(a.url) for a in store.articles())


def test_two_crawlers_share_one_frontier(
    postgres_url: str, frontier: tuple[str, str], tmp_path: Path
) -> None:
    with SiteServer(SITE, ROUTES, delay=0.05) as server:
        config = shared_config(tmp_path / "coopwatch.toml", postgres_url, frontier)
        sources = sources_for(server, tmp_path / "sources.toml")
        command = crawl_command(config, "--sources", str(sources))
        procs = [
            subprocess.Popen(command, cwd=ROOT, env=crawl_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]  # fmt: skip
        outputs = [p.communicate(timeout=180) for p in procs]
        for proc, (_out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
        fetched = article_requests(server.requests)
    # On failure, say what each crawler reported and logged (timeouts, errors).
    reports = "\n".join(
        "\n".join([out.strip()[-2000:], *(ln for ln in err.splitlines() if "WARNING" in ln)])
        for out, err in outputs
    )
    assert stored_paths(postgres_url) == Counter(ARTICLES), reports
    # No article page was fetched twice: the two crawlers split the frontier between them.
    assert [p for p, n in Counter(fetched).items() if n > 1] == []
    assert all('"pages_fetched"' in out for out, _ in outputs)


def test_a_crawler_killed_mid_crawl_loses_nothing(
    postgres_url: str, frontier: tuple[str, str], tmp_path: Path
) -> None:
    redis_url, name = frontier
    client = redis.Redis.from_url(redis_url)
    with SiteServer(SITE, ROUTES, delay=0.4) as server:
        config = shared_config(
            tmp_path / "coopwatch.toml",
            postgres_url,
            frontier,
            concurrent_requests=4,
            concurrent_per_domain=4,
        )
        sources = sources_for(server, tmp_path / "sources.toml")
        doomed = subprocess.Popen(
            crawl_command(config, "--sources", str(sources)),
            cwd=ROOT,
            env=crawl_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        held = 0
        while held == 0:  # wait until it holds article requests in flight
            assert doomed.poll() is None, "the crawler ended before it could be killed"
            assert time.monotonic() < deadline
            held = sum(client.hlen(k) for k in client.scan_iter(match=f"{name}:inflight:*"))
            time.sleep(0.05)
        time.sleep(0.5)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        before = sum(stored_paths(postgres_url).values())
        assert before < len(ARTICLES)
        server.delay = 0.0
        rest = run_crawl(config, "--sources", str(sources), timeout=180)
        assert rest.returncode == 0, rest.stderr
    client.close()
    assert stored_paths(postgres_url) == Counter(ARTICLES)


def test_worker_without_redis_url_is_a_clear_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "coopwatch.toml", f"sqlite:///{tmp_path / 'x.db'}")
    proc = subprocess.run(
        [*crawl_command(config), "--worker"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=crawl_env(),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2 and "redis_url" in proc.stderr
