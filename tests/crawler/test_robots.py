"""robots.txt is obeyed by every request that waits for it while it is being fetched."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred

from crawler.middlewares import SharedRobotsTxtMiddleware


def waiters_get(middleware_class: type[RobotsTxtMiddleware]) -> list[object]:
    """What three requests waiting for one host's robots.txt receive once it is parsed."""

    async def run() -> list[object]:
        middleware = middleware_class(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True}))
        pending: Deferred[object] = Deferred()
        middleware._parsers["example.org"] = pending  # noqa: SLF001 - a fetch in progress
        waiting = [
            asyncio.ensure_future(middleware.robot_parser(Request(f"http://example.org/{n}")))
            for n in range(3)
        ]
        await asyncio.sleep(0)
        pending.callback("the parsed robots.txt")
        return list(await asyncio.gather(*waiting))

    return asyncio.run(run())


def test_every_waiting_request_gets_the_parsed_robots_txt() -> None:
    assert waiters_get(SharedRobotsTxtMiddleware) == ["the parsed robots.txt"] * 3


def test_scrapys_middleware_hands_later_waiters_nothing() -> None:
    # the behaviour the subclass exists for: if this starts failing, Scrapy has fixed it
    got = waiters_get(RobotsTxtMiddleware)
    assert got[0] == "the parsed robots.txt"
    assert None in got[1:]
