"""A small threaded HTTP server on 127.0.0.1 that serves a directory like a news site would."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

CHARSETS_FILE = "_charsets.json"

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".gz": "application/gzip",
}


@dataclass(frozen=True)
class RouteRequest:
    """What a route handler sees of a request."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class RouteResponse:
    """What a route handler returns: status, headers and body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Route = Callable[[RouteRequest], RouteResponse]


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server answered (for tests: what was fetched, and how)."""

    method: str
    path: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None


class SiteServer:
    """Serve ``root`` on 127.0.0.1 at an ephemeral port, in a background thread.

    Files get a Content-Type from their extension; ``.html`` carries a charset only when
    ``root/_charsets.json`` (``{"path/page.html": "gbk"}``) names one, so legacy pages can be
    served without a charset or with a wrong one.  Every file has an ETag and Last-Modified
    and answers conditional requests with 304.  ``routes`` map exact paths to handlers, for
    pages that must misbehave (slow, redirect loops, errors).  Files whose name starts with
    ``_`` are not served.

    >>> with SiteServer(Path("site")) as server:   # doctest: +SKIP
    ...     urllib.request.urlopen(server.base_url + "/robots.txt")
    """

    def __init__(
        self,
        root: Path,
        routes: dict[str, Route] | None = None,
        *,
        delay: float = 0.0,
    ) -> None:
        self.root = Path(root).resolve()
        self.routes: dict[str, Route] = dict(routes or {})
        self.delay = delay  # seconds added before every answer (tests that need a slow site)
        self.requests: list[LoggedRequest] = []
        charsets = self.root / CHARSETS_FILE
        self.charsets: dict[str, str] = (
            json.loads(charsets.read_text(encoding="utf-8")) if charsets.is_file() else {}
        )
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not running: use it as a context manager or start()")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SiteServer:
        handler = type("Handler", (_Handler,), {"site": self})
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def paths(self, status: int | None = None) -> list[str]:
        """Paths requested so far (optionally only those answered with ``status``)."""
        return [r.path for r in list(self.requests) if status is None or r.status == status]

    def content_type(self, relative: str) -> str:
        suffix = Path(relative).suffix.lower()
        ctype = (
            _TYPES.get(suffix) or mimetypes.guess_type(relative)[0] or "application/octet-stream"
        )
        charset = self.charsets.get(relative)
        if charset and ctype == "text/html":
            ctype = f"text/html; charset={charset}"
        return ctype


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 overflows when a few crawlers open 8 connections
    # each: the kernel drops the SYNs and the client's connect times out after a second.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, size limits) are expected here; stay quiet."""


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha1(data).hexdigest()[:16] + '"'


def _not_modified(headers: Any, etag: str, mtime: float) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        return etag in [tag.strip() for tag in inm.split(",")] or inm.strip() == "*"
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
        return int(mtime) <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    site: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "coopwatch-demo/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log is kept in ``SiteServer.requests``."""

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        if self.site.delay:
            time.sleep(self.site.delay)
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        route = self.site.routes.get(path)
        if route is not None:
            resp = route(RouteRequest(path, parse_qs(parts.query), dict(self.headers.items())))
            self._send(resp.status, resp.headers, resp.body, head)
            return
        status, headers, body = self._file(path)
        self._send(status, headers, body, head)

    def _file(self, path: str) -> tuple[int, dict[str, str], bytes]:
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        target = (self.site.root / relative).resolve()
        if (
            not target.is_relative_to(self.site.root)
            or not target.is_file()
            or any(part.startswith(("_", ".")) for part in Path(relative).parts)
        ):
            return (
                404,
                {"Content-Type": "text/html"},
                b"<html><body><h1>Not found</h1></body></html>",
            )
        data = target.read_bytes()
        mtime = target.stat().st_mtime
        etag = _etag(data)
        headers = {
            "Content-Type": self.site.content_type(relative),
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
        }
        if _not_modified(self.headers, etag, mtime):
            return 304, {"ETag": etag, "Last-Modified": headers["Last-Modified"]}, b""
        return 200, headers, data

    def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool) -> None:
        self.site.requests.append(
            LoggedRequest(
                self.command,
                self.path,
                status,
                self.headers.get("If-None-Match"),
                self.headers.get("If-Modified-Since"),
                self.headers.get("User-Agent"),
            )
        )
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head and status != 304 and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout or a size limit): nothing left to answer.
            self.close_connection = True


def write_sources(template: Path, base_url: str, dest: Path) -> Path:
    """Copy a sources file, replacing ``{base}`` with the server's base URL."""
    text = Path(template).read_text(encoding="utf-8").replace("{base}", base_url.rstrip("/"))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest
