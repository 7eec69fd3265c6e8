"""Downloader middlewares: stop a redirect loop at the first repeat instead of after N hops;
obey robots.txt for every request that waits for it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

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


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every waiting request given the parsed file.

    While robots.txt of a host is being fetched, Scrapy lets the other requests for that host
    await one shared Deferred. Under the asyncio reactor that await converts the Deferred into
    a Future, which consumes its result: the first waiter gets the parser, the next ones get
    None and are let through unchecked (seen with two crawlers on a shared frontier fetching
    a disallowed page). Here each waiter awaits its own Deferred fed from the shared one,
    which passes the result on.
    """

    async def robot_parser(self, request: Request) -> Any:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[Any] = Deferred()

        def relay(result: Any) -> Any:
            mine.callback(result)
            return result

        pending.addCallback(relay)
        return await maybe_deferred_to_future(mine)
