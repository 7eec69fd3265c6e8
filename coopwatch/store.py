"""The one store: SQLAlchemy over SQLite (default) or PostgreSQL, migrated by Alembic on open."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from coopwatch import dedup
from coopwatch.article import Analysis, Article
from coopwatch.database import create_engine, migration_lock, safe_url, upgrade
from coopwatch.errors import StoreError
from coopwatch.schema import (
    analyses,
    article_bands,
    article_places,
    articles,
    crawl_runs,
    fetch_state,
    stories,
)

MAX_CANDIDATES = 8  # near-duplicate candidates checked per new article
SHINGLE_CACHE = 512  # story-leading articles whose shingles are kept in memory


def _utc(value: datetime | None) -> datetime | None:
    """Aware datetimes in UTC; SQLite hands back naive values that were stored as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Store:
    """Articles, stories and crawl bookkeeping. Every write is its own short transaction."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        # Shingles of recent story-leading articles: a new copy of a story is usually checked
        # against the same few candidates, and shingling a text costs more than the query.
        self._grams: OrderedDict[int, np.ndarray] = OrderedDict()

    @classmethod
    def open(cls, url: str, *, echo: bool = False, migrate: bool = True) -> Store:
        engine = create_engine(url, echo)
        try:
            with migration_lock(engine), engine.begin() as conn:
                if migrate:
                    upgrade(conn)
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(
                f"cannot open the database {safe_url(url)}: {reason}. Check [database] url "
                "(or COOPWATCH_DATABASE_URL) and that the server is running."
            ) from None
        except SQLAlchemyError as exc:
            raise StoreError(f"database {safe_url(url)}: {exc}") from None
        return cls(engine, url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles -------------------------------------------------------------------------

    def known_urls(self) -> set[str]:
        """Every canonical and fetched URL already stored: these are not fetched again."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(articles.c.url, articles.c.fetched_url))
            known: set[str] = set()
            for url, fetched in rows:
                known.add(url)
                if fetched:
                    known.add(fetched)
            return known

    def has_url(self, url: str) -> bool:
        with self.engine.connect() as conn:
            query = sa.select(articles.c.id).where(
                sa.or_(articles.c.url == url, articles.c.fetched_url == url)
            )
            return conn.execute(query.limit(1)).first() is not None

    def add_article(self, article: Article, near_threshold: float = 0.8) -> Article:
        """Store an article and file it under its story.

        Sets ``article.status``: "new" (a story of its own), "duplicate" (same text as a
        stored article), "syndicated" (a near copy: another header or footer) or "known"
        (this URL was stored before; nothing written).
        """
        norm = dedup.normalize(article.text)
        text_hash = dedup.content_hash(norm, normalized=True)
        grams = dedup.shingles(norm, normalized=True)
        keys = dedup.bands(dedup.minhash(grams))
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                existing = conn.execute(
                    sa.select(articles.c.id, articles.c.story_id).where(
                        articles.c.url == article.url
                    )
                ).first()
                if existing is not None:
                    article.id, article.story_id, article.status = existing[0], existing[1], "known"
                    return article
                status, story_id = self._match(conn, text_hash, grams, keys, near_threshold)
                if story_id is None:
                    story_id = _new_id(
                        conn.execute(stories.insert().values(title=article.title, first_seen=now))
                    )
                row = conn.execute(
                    articles.insert().values(
                        url=article.url,
                        fetched_url=article.fetched_url,
                        source_id=article.source_id,
                        title=article.title,
                        text=article.text,
                        published=_utc(article.published),
                        source=article.source,
                        authors=list(article.authors),
                        language=article.language,
                        encoding=article.encoding,
                        pages=article.pages,
                        fetched_at=_utc(article.fetched_at) or now,
                        relevance=article.relevance,
                        relevant=article.relevant,
                        content_hash=text_hash,
                        status=status,
                        story_id=story_id,
                    )
                )
                article.id = _new_id(row)
                if status == "new":
                    conn.execute(
                        article_bands.insert(),
                        [
                            {"article_id": article.id, "band": i, "key": k}
                            for i, k in enumerate(keys)
                        ],
                    )
        except IntegrityError:
            # Another process stored the same URL between our check and insert.
            with self.engine.connect() as conn:
                found = conn.execute(
                    sa.select(articles.c.id, articles.c.story_id).where(
                        articles.c.url == article.url
                    )
                ).one()
            article.id, article.story_id, article.status = found[0], found[1], "known"
            return article
        if status == "new" and article.id is not None:
            self._remember(article.id, grams)  # only once committed: ids of rollbacks recur
        article.story_id, article.status = story_id, status
        if article.fetched_at is None:
            article.fetched_at = now
        return article

    def _match(
        self,
        conn: Connection,
        text_hash: str,
        grams: np.ndarray,
        keys: list[int],
        threshold: float,
    ) -> tuple[str, int | None]:
        exact = conn.execute(
            sa.select(articles.c.story_id).where(articles.c.content_hash == text_hash).limit(1)
        ).first()
        if exact is not None:
            return "duplicate", exact[0]
        # Band keys are hashed with their band number, so a key alone names its band.
        candidates = conn.execute(_CANDIDATES, {"keys": keys}).all()
        for article_id, story_id in candidates:
            if dedup.similar(grams, self._candidate_grams(conn, article_id), threshold):
                return "syndicated", story_id
        return "new", None

    def _candidate_grams(self, conn: Connection, article_id: int) -> np.ndarray:
        grams = self._grams.get(article_id)
        if grams is None:
            text = conn.execute(
                sa.select(articles.c.text).where(articles.c.id == article_id)
            ).scalar_one()
            grams = dedup.shingles(text)
        self._remember(article_id, grams)
        return grams

    def _remember(self, article_id: int, grams: np.ndarray) -> None:
        self._grams[article_id] = grams
        self._grams.move_to_end(article_id)
        while len(self._grams) > SHINGLE_CACHE:
            self._grams.popitem(last=False)

    def articles(self, *, where: Any = None) -> Iterator[Article]:
        """Stored articles in the order they were stored (streamed)."""
        query = sa.select(articles).order_by(articles.c.id)
        if where is not None:
            query = query.where(where)
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=500).execute(query):
                yield _article(row._mapping)

    def story_outlets(self, story_id: int) -> list[str]:
        """Outlets (or source ids) that carried the story, in the order they were stored."""
        return self.outlets_of([story_id]).get(story_id, [])

    def outlets_of(self, story_ids: Iterable[int]) -> dict[int, list[str]]:
        """Outlets (or source ids) of each story, in the order their copies were stored."""
        ids = sorted(set(story_ids))
        outlets: dict[int, list[str]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    sa.select(articles.c.story_id, articles.c.source, articles.c.source_id)
                    .where(articles.c.story_id.in_(ids[start : start + 500]))
                    .order_by(articles.c.id)
                )
                for story_id, source, source_id in rows:
                    name = source or source_id
                    seen = outlets.setdefault(story_id, [])
                    if name and name not in seen:
                        seen.append(name)
        return outlets

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one()
            relevant = conn.execute(
                sa.select(sa.func.count()).select_from(articles).where(articles.c.relevant)
            ).scalar_one()
            n_stories = conn.execute(sa.select(sa.func.count()).select_from(stories)).scalar_one()
        return {"articles": total, "relevant": relevant, "stories": n_stories}

    # -- analyses ---------------------------------------------------------------------------

    def pending_analysis(
        self, limit: int, *, after_id: int = 0, version: str | None = None
    ) -> list[Article]:
        """Up to ``limit`` articles with id > after_id that have no analysis (or an older
        ``version`` of it, when one is given), in id order."""
        done = sa.select(analyses.c.article_id)
        if version is not None:
            done = done.where(analyses.c.version == version)
        query = (
            sa.select(articles)
            .where(articles.c.id > after_id, articles.c.id.not_in(done))
            .order_by(articles.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_article(row._mapping) for row in conn.execute(query)]

    def count_pending_analysis(self, *, version: str | None = None) -> int:
        done = sa.select(analyses.c.article_id)
        if version is not None:
            done = done.where(analyses.c.version == version)
        query = sa.select(sa.func.count()).select_from(articles).where(articles.c.id.not_in(done))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def save_analysis(self, article_id: int, analysis: Analysis) -> None:
        """Store (or replace) an article's analysis and the index of places it mentions."""
        with self.engine.begin() as conn:
            _write_analysis(conn, article_id, analysis)

    @contextmanager
    def claim_analysis_batch(
        self, limit: int, *, version: str | None = None
    ) -> Iterator[tuple[list[Article], Callable[[int, Analysis], None]]]:
        """Lock up to ``limit`` unanalysed articles for this worker alone (PostgreSQL's
        ``FOR UPDATE SKIP LOCKED``) and yield them with a ``save(article_id, analysis)``.

        Everything happens in one transaction: when the block ends the analyses are committed
        and the rows unlocked; when the worker dies its connection closes, the transaction is
        rolled back and the rows go to the next worker. No article is analysed twice, none is
        skipped.
        """
        if self.engine.dialect.name != "postgresql":
            raise StoreError(
                f"analysis workers need a PostgreSQL store (row locks that skip locked rows); "
                f"{safe_url(self.url)} is {self.engine.dialect.name}: run one "
                "`coopwatch analyze` without --worker instead."
            )
        done = sa.select(analyses.c.article_id)
        if version is not None:
            done = done.where(analyses.c.version == version)
        query = (
            sa.select(articles)
            .where(articles.c.id.not_in(done))
            .order_by(articles.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=articles)
        )
        with self.engine.begin() as conn:
            while True:
                batch = [_article(row._mapping) for row in conn.execute(query)]
                if not batch:
                    break
                # The locking statement saw ``done`` as of its start: a row another worker
                # analysed and unlocked while this statement waited is locked here although it
                # is done. Ask again with a fresh snapshot (read committed) now that the rows
                # are ours; if every row was done, the next select no longer sees them.
                ids = [a.id for a in batch]
                finished = set(conn.execute(done.where(analyses.c.article_id.in_(ids))).scalars())
                batch = [a for a in batch if a.id not in finished]
                if batch:
                    break

            def save(article_id: int, analysis: Analysis) -> None:
                _write_analysis(conn, article_id, analysis)

            yield batch, save

    def analysis(self, article_id: int) -> Analysis | None:
        with self.engine.connect() as conn:
            data = conn.execute(
                sa.select(analyses.c.data).where(analyses.c.article_id == article_id)
            ).scalar_one_or_none()
        return Analysis.from_json(data) if data is not None else None

    def articles_mentioning(self, code: str) -> list[int]:
        """Ids of articles that mention a place (by GB/T 2260 code)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(article_places.c.article_id)
                .where(article_places.c.code == code)
                .order_by(article_places.c.article_id)
            )
            return [r[0] for r in rows]

    # -- conditional requests ---------------------------------------------------------------

    def validators(self) -> dict[str, tuple[str | None, str | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(fetch_state.c.url, fetch_state.c.etag, fetch_state.c.last_modified)
            )
            return {url: (etag, modified) for url, etag, modified in rows}

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            updated = conn.execute(
                fetch_state.update()
                .where(fetch_state.c.url == url)
                .values(etag=etag, last_modified=last_modified, checked_at=now)
            )
            if updated.rowcount == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            fetch_state.insert().values(
                                url=url, etag=etag, last_modified=last_modified, checked_at=now
                            )
                        )
                except IntegrityError:
                    pass

    # -- crawl runs ---------------------------------------------------------------------------

    def start_run(self) -> int:
        with self.engine.begin() as conn:
            return _new_id(
                conn.execute(crawl_runs.insert().values(started=datetime.now(UTC), stats={}))
            )

    def finish_run(self, run_id: int, stats: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                crawl_runs.update()
                .where(crawl_runs.c.id == run_id)
                .values(finished=datetime.now(UTC), stats=stats)
            )


_SHARED = sa.func.count().label("shared")
_RANKED = (
    sa.select(article_bands.c.article_id, _SHARED)
    .where(article_bands.c.key.in_(sa.bindparam("keys", expanding=True)))
    .group_by(article_bands.c.article_id)
    .order_by(_SHARED.desc(), article_bands.c.article_id)
    .limit(MAX_CANDIDATES)
    .subquery()
)
# Near-duplicate candidates: stories' first articles sharing most LSH band keys, best first.
_CANDIDATES = (
    sa.select(articles.c.id, articles.c.story_id)
    .join(_RANKED, _RANKED.c.article_id == articles.c.id)
    .order_by(_RANKED.c.shared.desc(), articles.c.id)
)


def _write_analysis(conn: Connection, article_id: int, analysis: Analysis) -> None:
    places = [(p, "district") for p in analysis.districts] + [
        (p, "region") for p in analysis.regions
    ]
    conn.execute(analyses.delete().where(analyses.c.article_id == article_id))
    conn.execute(article_places.delete().where(article_places.c.article_id == article_id))
    conn.execute(
        analyses.insert().values(
            article_id=article_id,
            analyzed_at=datetime.now(UTC),
            version=analysis.version,
            language=analysis.language,
            data=analysis.to_json(),
            error=analysis.error,
        )
    )
    if places:
        conn.execute(
            article_places.insert(),
            [
                {
                    "article_id": article_id,
                    "code": place.code,
                    "kind": kind,
                    "mentions": max(1, len(place.mentions)),
                }
                for place, kind in places
            ],
        )


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "INSERT returned no primary key"
    return int(key[0])


def _article(row: Any) -> Article:
    return Article(
        url=row["url"],
        title=row["title"],
        text=row["text"],
        published=_utc(row["published"]),
        source=row["source"],
        authors=list(row["authors"] or []),
        language=row["language"],
        fetched_url=row["fetched_url"],
        source_id=row["source_id"],
        fetched_at=_utc(row["fetched_at"]),
        pages=row["pages"],
        encoding=row["encoding"],
        relevance=row["relevance"],
        relevant=row["relevant"],
        id=row["id"],
        story_id=row["story_id"],
        status=row["status"],
    )
