"""The shared frontier's queue on a real Redis: what a worker holds and when it lets go."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.frontier import ReliableQueue


@pytest.fixture
def queues(frontier: tuple[str, str]) -> Iterator[tuple[ReliableQueue, ReliableQueue]]:
    """Two workers' queues on one frontier."""
    redis_url, name = frontier
    server = redis.Redis.from_url(redis_url)
    made = []
    for _ in range(2):
        crawler = get_crawler(Spider, {"COOPWATCH_FRONTIER": name, "COOPWATCH_WORKER_TIMEOUT": 30})
        spider = Spider.from_crawler(crawler, name="frontier-test")
        queue = ReliableQueue(server, spider, f"{name}:requests")
        queue.heartbeat()
        made.append(queue)
    yield made[0], made[1]
    server.close()


def held(queue: ReliableQueue) -> int:
    return int(queue.server.hlen(queue.inflight))


def test_a_popped_request_is_held_until_acknowledged(
    queues: tuple[ReliableQueue, ReliableQueue],
) -> None:
    a, b = queues
    a.push(Request("http://127.0.0.1/news/1.html"))
    request = a.pop()
    assert request is not None and request.url.endswith("/news/1.html")
    assert (len(a), held(a)) == (0, 1)
    assert b.others_busy()  # b must wait: a may still schedule more
    a.ack(request)
    assert held(a) == 0 and not b.others_busy()


def test_a_redirected_request_leaves_the_worker_that_pushed_it(
    queues: tuple[ReliableQueue, ReliableQueue],
) -> None:
    """A redirect (or retry) copy keeps the request's id; whoever fetches it acknowledges it."""
    a, b = queues
    a.push(Request("http://127.0.0.1/old.html"))
    original = a.pop()
    assert original is not None
    a.push(original.replace(url="http://127.0.0.1/new.html"))  # what RedirectMiddleware does
    assert (len(a), held(a)) == (1, 0)
    moved = b.pop()
    assert moved is not None and moved.url.endswith("/new.html")
    b.ack(moved)
    assert held(a) == held(b) == 0 and len(a) == 0
    assert not a.others_busy() and not b.others_busy()


def test_a_stopped_workers_requests_go_back_to_the_queue(
    queues: tuple[ReliableQueue, ReliableQueue],
) -> None:
    a, b = queues
    for n in range(3):
        a.push(Request(f"http://127.0.0.1/news/{n}.html"))
    assert a.pop() is not None and a.pop() is not None
    a.server.delete(f"{a.name}:alive:{a.worker}")  # a's heartbeat expired: it died
    assert b.recover() == 2
    assert len(b) == 3 and held(a) == 0
