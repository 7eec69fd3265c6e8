"""`coopwatch serve`'s app: the rendered files, read-only, nothing outside the site."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from output.web import SiteServer


def request(url: str, method: str = "GET", path: str | None = None) -> tuple[int, dict[str, str]]:
    """Status and headers of a raw request (the path is sent as given, not normalised)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request(method, path if path is not None else parts.path)
        resp = conn.getresponse()
        resp.read()
        return resp.status, dict(resp.headers)
    finally:
        conn.close()


def test_serves_pages_with_types_and_security_headers(site_dir: Path) -> None:
    with SiteServer(site_dir) as server:
        with urllib.request.urlopen(server.url + "zh/digests/2022-W18.html") as resp:
            body = resp.read().decode("utf-8")
            assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
            assert "script-src 'none'" in resp.headers["Content-Security-Policy"]
        assert "鹤山—开平" in body
        with urllib.request.urlopen(server.url) as resp:
            assert "简体中文" in resp.read().decode("utf-8")
        with urllib.request.urlopen(server.url + "en/feed.atom") as resp:
            assert resp.headers["Content-Type"].startswith("application/atom+xml")
        status, headers = request(server.url, path="/en")
        assert status == 301 and headers["Location"] == "/en/"


@pytest.mark.parametrize(
    "path", ["/../coopwatch.db", "/%2e%2e/%2e%2e/etc/passwd", "/.hidden", "/nope.html"]
)
def test_nothing_outside_the_site(site_dir: Path, path: str) -> None:
    (site_dir / ".hidden").write_text("secret")
    with SiteServer(site_dir) as server:
        assert request(server.url, path=path)[0] == 404


def test_read_only(site_dir: Path) -> None:
    with SiteServer(site_dir) as server:
        status, headers = request(server.url, method="POST", path="/en/index.html")
        assert status == 405 and headers["Allow"] == "GET, HEAD"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(urllib.request.Request(server.url, method="DELETE"))
