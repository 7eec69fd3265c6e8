"""Downloader middleware: stop a redirect loop at the first repeat instead of after N hops."""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectLoopError(IgnoreRequest):
    """A redirect leads back to a URL already visited in the same redirect chain."""


class RedirectLoopMiddleware:
    """Sits after RedirectMiddleware in the response path (priority above 600)."""

    def process_response(self, request: Request, response: Response) -> Response:
        raw = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not raw:
            return response
        location = raw.decode("latin-1")
        target = urljoin(request.url, location).split("#")[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectLoopError(f"redirect loop: {request.url} -> {target}")
        return response
