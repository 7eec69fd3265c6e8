"""A crawl frontier shared through Redis (scrapy-redis) that loses no request when a worker dies.

scrapy-redis pops a request and forgets it: a worker that dies takes its in-flight requests
with it. Here a pop moves the request, in one Lua script, from the shared priority queue to
the worker's own in-flight hash; the request leaves that hash only when its callback has run
and every item it produced has passed the pipelines (or its errback ran). Each worker
refreshes a heartbeat key; any worker that finds the in-flight hash of a worker whose
heartbeat has expired puts those requests back in the queue.

Keys, all under ``[crawl] frontier`` (default ``coopwatch``):

- ``{name}:requests`` — sorted set of queued requests (score: -priority)
- ``{name}:inflight:{worker}`` — hash of a worker's popped, unfinished requests
- ``{name}:alive:{worker}`` — heartbeat, expires after ``[crawl] worker_timeout`` seconds
- ``{name}:workers`` — set of the workers that have joined
- ``{name}:seen`` — sorted set of canonical URLs already scheduled, scored by time; entries
  older than ``[crawl] revisit_after`` seconds no longer count, so pages are visited again
- ``{name}:seeded`` — set by the one worker that schedules the sources' start URLs
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_redis import connection
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task

logger = logging.getLogger(__name__)
ID = "frontier_id"
SEP = b"\x00"

_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local sep = string.find(r[1], '\\0', 1, true)
redis.call('HSET', KEYS[2], string.sub(r[1], 1, sep - 1), r[1])
return r[1]
"""
_PUSH = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[3])
"""
_REQUEUE = """
local items = redis.call('HGETALL', KEYS[2])
for i = 1, #items, 2 do
  local member = items[i + 1]
  local s1 = string.find(member, '\\0', 1, true)
  local s2 = string.find(member, '\\0', s1 + 1, true)
  redis.call('ZADD', KEYS[1], tonumber(string.sub(member, s1 + 1, s2 - 1)), member)
end
redis.call('DEL', KEYS[2])
return #items / 2
"""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class ReliableQueue(Base):  # type: ignore[misc]
    """The shared priority queue; popped requests stay in this worker's in-flight hash."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.name = settings.get("COOPWATCH_FRONTIER", "coopwatch")
        self.worker = worker_name()
        self.timeout = settings.getint("COOPWATCH_WORKER_TIMEOUT", 60)
        self.inflight = f"{self.name}:inflight:{self.worker}"
        self.workers = f"{self.name}:workers"
        self._pop = server.register_script(_POP)
        self._push = server.register_script(_PUSH)
        self._requeue = server.register_script(_REQUEUE)

    def __len__(self) -> int:
        return int(self.server.zcard(self.key))

    def push(self, request: Request) -> None:
        """Queue a request; one this worker holds (a redirect, a retry) leaves its in-flight hash.

        Redirect and retry copies keep the request's id. Were it left in this worker's hash
        while another worker fetches the copy, nobody would ever acknowledge it: this worker
        would look busy to the others until it stopped, then put it back for a second fetch.
        """
        ident = request.meta.setdefault(ID, uuid.uuid4().hex)
        score = str(-request.priority).encode()
        member = ident.encode() + SEP + score + SEP + self._encode_request(request)
        self._push(keys=[self.key, self.inflight], args=[-request.priority, member, ident])

    def pop(self, timeout: int = 0) -> Request | None:
        member = self._pop(keys=[self.key, self.inflight])
        if not member:
            return None
        _id, _score, data = member.split(SEP, 2)
        return self._decode_request(data)  # type: ignore[no-any-return]

    def ack(self, request: Request) -> None:
        """The request is finished: it leaves this worker's in-flight hash."""
        self.ack_id(request.meta.get(ID))

    def ack_id(self, ident: str | None) -> None:
        if ident:
            self.server.hdel(self.inflight, ident)

    def heartbeat(self) -> None:
        self.server.set(f"{self.name}:alive:{self.worker}", "1", ex=self.timeout)
        self.server.sadd(self.workers, self.worker)

    def _others(self) -> list[str]:
        return [w.decode() for w in self.server.smembers(self.workers) if w.decode() != self.worker]

    def recover(self) -> int:
        """Put the in-flight requests of workers whose heartbeat expired back in the queue."""
        moved = 0
        for worker in self._others():
            if not self.server.exists(f"{self.name}:alive:{worker}"):
                count = int(self._requeue(keys=[self.key, f"{self.name}:inflight:{worker}"]))
                self.server.srem(self.workers, worker)
                if count:
                    logger.warning("requeued %d request(s) of stopped worker %s", count, worker)
                moved += count
        return moved

    def others_busy(self) -> bool:
        """Whether a live worker still holds requests (and may schedule more)."""
        return any(
            self.server.exists(f"{self.name}:alive:{worker}")
            and self.server.hlen(f"{self.name}:inflight:{worker}")
            for worker in self._others()
        )

    def release(self) -> None:
        """A clean stop: anything still in flight goes back to the queue at once."""
        self._requeue(keys=[self.key, self.inflight])
        self.server.delete(f"{self.name}:alive:{self.worker}")
        self.server.srem(self.workers, self.worker)

    def clear(self) -> None:
        self.server.delete(self.key)


class Scheduler(RedisScheduler):  # type: ignore[misc]
    """scrapy-redis' scheduler with the reliable queue, a heartbeat and dead-worker recovery."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Scheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        return scheduler  # type: ignore[no-any-return]

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.queue.heartbeat()
        self.queue.recover()
        spider.frontier = self.queue  # type: ignore[attr-defined]
        interval = max(1.0, self.queue.timeout / 3)
        self._beat = task.LoopingCall(self._tick)
        self._beat.start(interval, now=False)

    def _tick(self) -> None:
        try:
            self.queue.heartbeat()
            self.queue.recover()
        except Exception as exc:  # noqa: BLE001 - a Redis hiccup must not stop the crawl
            logger.warning("frontier heartbeat failed: %s", exc)

    def close(self, reason: str) -> None:
        if getattr(self, "_beat", None) is not None and self._beat.running:
            self._beat.stop()
        self.queue.release()
        super().close(reason)

    def has_pending_requests(self) -> bool:
        if len(self) > 0:
            return True
        # Before calling it a day: a stopped worker's requests are pending work too.
        return self.queue.recover() > 0 or self.queue.others_busy()


class NoDupeFilter:
    """The spider deduplicates by canonical URL (shared through Redis); nothing to do here."""

    @classmethod
    def from_spider(cls, spider: Spider) -> NoDupeFilter:
        return cls()

    def request_seen(self, request: Request) -> bool:
        return False

    def log(self, request: Request, spider: Spider) -> None:
        return None

    def clear(self) -> None:
        return None

    def close(self, reason: str = "") -> None:
        return None


class SharedSeen:
    """Canonical URLs already scheduled by any worker; an entry counts for ``ttl`` seconds."""

    def __init__(self, server: Any, key: str, ttl: float) -> None:
        self.server = server
        self.key = key
        self.ttl = ttl

    def __contains__(self, url: object) -> bool:
        score = self.server.zscore(self.key, str(url))
        return score is not None and float(score) > time.time() - self.ttl

    def add(self, url: str) -> None:
        self.server.zadd(self.key, {url: time.time()})

    def expire(self) -> None:
        self.server.zremrangebyscore(self.key, "-inf", time.time() - self.ttl)


def shared_seen(spider: Spider) -> SharedSeen:
    settings = spider.crawler.settings
    name = settings.get("COOPWATCH_FRONTIER", "coopwatch")
    seen = SharedSeen(
        connection.from_settings(settings),
        f"{name}:seen",
        settings.getfloat("COOPWATCH_REVISIT_AFTER", 7 * 86400),
    )
    seen.expire()
    return seen


def claim_seeding(spider: Spider) -> bool:
    """True for the one worker that schedules the start URLs (again after revisit_after)."""
    settings = spider.crawler.settings
    name = settings.get("COOPWATCH_FRONTIER", "coopwatch")
    ttl = max(1, int(settings.getfloat("COOPWATCH_REVISIT_AFTER", 7 * 86400)))
    server = connection.from_settings(settings)
    return bool(server.set(f"{name}:seeded", worker_name(), nx=True, ex=ttl))


class AckMiddleware:
    """Acknowledges a request once its callback has run and its items have been stored."""

    def __init__(self, crawler: Crawler) -> None:
        self.pending: dict[str, list[int]] = {}  # id -> [items in the pipelines, output done]
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AckMiddleware:
        return cls(crawler)

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider
    ) -> Iterator[Any]:
        ident = self._start(response)
        for item in result:
            self._count(ident, item)
            yield item
        self._finish(ident, spider)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider
    ) -> AsyncIterator[Any]:
        ident = self._start(response)
        async for item in result:
            self._count(ident, item)
            yield item
        self._finish(ident, spider)

    def _start(self, response: Response) -> str | None:
        ident = response.meta.get(ID)
        if ident:
            self.pending[ident] = [0, 0]
        return ident  # type: ignore[no-any-return]

    def _count(self, ident: str | None, item: Any) -> None:
        if ident and not isinstance(item, Request):
            self.pending[ident][0] += 1

    def _finish(self, ident: str | None, spider: Spider) -> None:
        if ident:
            self.pending[ident][1] = 1
            self._maybe_ack(ident, spider)

    def _item_done(self, item: Any, response: Any, spider: Spider, **kwargs: Any) -> None:
        ident = getattr(response, "meta", {}).get(ID) if isinstance(response, Response) else None
        if ident in self.pending:
            self.pending[ident][0] -= 1
            self._maybe_ack(ident, spider)

    def _maybe_ack(self, ident: str, spider: Spider) -> None:
        items, done = self.pending[ident]
        frontier = getattr(spider, "frontier", None)
        if done and items <= 0:
            del self.pending[ident]
            if frontier is not None:
                frontier.ack_id(ident)
