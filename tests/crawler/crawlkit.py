"""Helpers for crawl tests: the fixture site, misbehaving routes, configs, a crawl runner."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopwatch.demo.server import RouteRequest, RouteResponse, SiteServer, write_sources

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "tests" / "fixtures" / "site"
SOURCES_TEMPLATE = SITE / "_sources.toml"
TIMEOUT = 1.0  # [crawl] timeout of test crawls; /errors/slow answers later than this
MAX_PAGE_BYTES = 200_000


def _status(code: int) -> Any:
    def route(_: RouteRequest) -> RouteResponse:
        return RouteResponse(code, {"Content-Type": "text/html"}, b"<h1>Server error</h1>")

    return route


def _slow(_: RouteRequest) -> RouteResponse:
    time.sleep(TIMEOUT + 1.5)
    return RouteResponse(200, {"Content-Type": "text/html"}, b"<p>too late</p>")


def _redirect(target: str) -> Any:
    def route(_: RouteRequest) -> RouteResponse:
        return RouteResponse(302, {"Location": target}, b"")

    return route


def _body(content_type: str, body: bytes) -> Any:
    def route(_: RouteRequest) -> RouteResponse:
        return RouteResponse(200, {"Content-Type": content_type}, body)

    return route


ROUTES = {
    "/errors/500": _status(500),
    "/errors/slow": _slow,
    "/errors/loop": _redirect("/errors/loop-back"),
    "/errors/loop-back": _redirect("/errors/loop"),
    "/errors/binary": _body("application/octet-stream", bytes(range(256)) * 64),
    "/errors/empty": _body("text/html", b""),
    "/errors/huge": _body("text/html", b"<p>" + b"x" * (MAX_PAGE_BYTES + 50_000) + b"</p>"),
}


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path, database_url: str, **crawl: Any) -> Path:
    """A settings file for a fast, polite-enough loopback crawl."""
    values: dict[str, Any] = {
        "obey_robots": True,
        "download_delay": 0.0,
        "autothrottle": False,
        "concurrent_requests": 8,
        "concurrent_per_domain": 8,
        "timeout": TIMEOUT,
        "retries": 0,
        "max_page_bytes": MAX_PAGE_BYTES,
        "progress": "off",
        "log_level": "WARNING",
    }
    values.update(crawl)
    lines = ["[database]", f"url = {json.dumps(database_url)}", "", "[crawl]"]
    for key, value in values.items():
        lines.append(f"{key} = {json.dumps(value)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sources_for(server: SiteServer, dest: Path, *, dead_port: int | None = None) -> Path:
    path = write_sources(SOURCES_TEMPLATE, server.base_url, dest)
    if dead_port is not None:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(
                '\n[[source]]\nid = "dead"\nname = "Nobody home"\n'
                f'feeds = ["http://127.0.0.1:{dead_port}/feed.xml"]\n'
            )
    return path


def crawl_env() -> dict[str, str]:
    """The environment without COOPWATCH_* settings: the config file says everything."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOPWATCH_")}
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    return env


@dataclass
class CrawlRun:
    returncode: int
    report: dict[str, Any]
    stderr: str


def crawl_command(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler.run", "--config", str(config), "--json", *extra]


def run_crawl(config: Path, *extra: str, timeout: float = 90) -> CrawlRun:
    """Crawl in a subprocess (Twisted's reactor runs once per process); parse its report."""
    proc = subprocess.run(
        crawl_command(config, *extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=crawl_env(),
        check=False,
    )
    report = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
    return CrawlRun(proc.returncode, report, proc.stderr)
