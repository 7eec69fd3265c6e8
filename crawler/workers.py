"""Article extraction in worker processes, awaited from the crawl's asyncio reactor."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from coopwatch.errors import ExtractionError
from crawler.extract import Page, extract, warm_up

logger = logging.getLogger(__name__)


def _executor(workers: int) -> ProcessPoolExecutor:
    """Worker processes for ``extract``, started fresh and warmed up before the first page.

    Spawned, not forked: the reactor's threads and open sockets stay in this process. As
    with any spawned process, a script that starts a crawl needs the
    ``if __name__ == "__main__":`` guard (the CLI and ``python -m crawler.run`` have it).
    """
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up
    )
    for _ in range(workers):
        executor.submit(int)  # start the workers now, while the first listings download
    return executor


class ExtractionPool:
    """``extract`` on ``workers`` processes; a pool whose worker died is replaced."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = _executor(workers)

    async def extract(self, body: bytes, url: str, content_type: str | None) -> Page:
        """The page's article, from a worker; a page whose worker died is tried once more."""
        for attempt in (1, 2):
            executor = self.executor
            if executor is None:  # closed while this page waited
                return extract(body, url, content_type)
            try:
                return await asyncio.wrap_future(executor.submit(extract, body, url, content_type))
            except BrokenProcessPool:
                # every page in flight fails with the pool, not only the one that killed it
                if self.executor is executor:
                    logger.warning("extraction worker died; starting new workers")
                    executor.shutdown(wait=False, cancel_futures=True)
                    self.executor = _executor(self.workers)
                if attempt == 2:
                    raise ExtractionError(f"extraction worker died on {url}") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
