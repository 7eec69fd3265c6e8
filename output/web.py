"""The site over HTTP: a small WSGI app serving the rendered files read-only (routes can grow)."""

from __future__ import annotations

import contextlib
import mimetypes
import posixpath
import threading
from collections.abc import Callable, Iterable
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from coopwatch.errors import CoopwatchError

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
Handler = Callable[[Environ, StartResponse], Iterable[bytes]]

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
]


class SiteApp:
    """Serves files under ``root``; GET and HEAD only; ``routes`` (exact paths) come first."""

    def __init__(self, root: str | Path, routes: dict[str, Handler] | None = None) -> None:
        self.root = Path(root).resolve()
        self.routes: dict[str, Handler] = dict(routes or {})

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        if path in self.routes:
            return self.routes[path](environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _plain(
                start_response,
                "405 Method Not Allowed",
                "Method not allowed.\n",
                [("Allow", "GET, HEAD")],
            )
        file = self.resolve(path)
        if file is None:
            return _plain(start_response, "404 Not Found", "Not found.\n")
        if file.is_dir():
            location = path.rstrip("/") + "/"
            if not path.endswith("/"):
                return _plain(start_response, "301 Moved Permanently", "", [("Location", location)])
            file = file / "index.html"
            if not file.is_file():
                return _plain(start_response, "404 Not Found", "Not found.\n")
        body = file.read_bytes()
        ctype = (
            TYPES.get(file.suffix)
            or mimetypes.guess_type(file.name)[0]
            or "application/octet-stream"
        )
        headers = [
            ("Content-Type", ctype),
            ("Content-Length", str(len(body))),
            ("Last-Modified", formatdate(file.stat().st_mtime, usegmt=True)),
            ("Cache-Control", "no-cache"),
            *SECURITY_HEADERS,
        ]
        start_response("200 OK", headers)
        return [b"" if method == "HEAD" else body]

    def resolve(self, path: str) -> Path | None:
        """The file for a URL path, never outside the root and never a hidden file."""
        clean = posixpath.normpath(unquote(path))
        parts = [p for p in clean.split("/") if p and p != "."]
        if any(p == ".." or p.startswith(".") for p in parts):
            return None
        target = self.root.joinpath(*parts) if parts else self.root
        try:
            target.resolve().relative_to(self.root)
        except ValueError:
            return None
        return target if target.exists() else None


def _plain(
    start_response: StartResponse,
    status: str,
    text: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    body = text.encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, headers + (extra or []) + SECURITY_HEADERS)
    return [body]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return None


class SiteServer:
    """The app on a background thread (tests, the demo): ``with SiteServer(dir) as s: s.url``."""

    def __init__(
        self,
        root: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        routes: dict[str, Handler] | None = None,
    ) -> None:
        self.app = SiteApp(root, routes)
        self._server: WSGIServer = make_server(host, port, self.app, handler_class=_QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)
        return f"http://{host}:{port}/"

    def __enter__(self) -> SiteServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def serve(
    root: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    ready: Callable[[str], None] | None = None,
    routes: dict[str, Handler] | None = None,
) -> None:
    """Serve the site (and ``routes``, e.g. the subscription pages) until interrupted;
    ``ready`` gets the address once listening."""
    directory = Path(root)
    if not (directory / "index.html").is_file():
        raise CoopwatchError(
            f"{directory} holds no rendered site (no index.html): run `coopwatch digest` first "
            "or set [site] dir."
        )
    try:
        server = make_server(host, port, SiteApp(directory, routes), handler_class=_QuietHandler)
    except OSError as exc:
        raise CoopwatchError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port."
        ) from None
    with server:
        if ready is not None:
            ready(f"http://{host}:{server.server_address[1]}/")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
