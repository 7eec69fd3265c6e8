"""Read-only store queries for the output stage: relevant articles with analyses, story copies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from coopwatch.article import Analysis
from coopwatch.schema import analyses, articles
from coopwatch.store import Store

HEAD_CHARS = 1200  # enough text for an excerpt


@dataclass
class ArticleRow:
    """What a digest needs of one stored article (the start of its text, not all of it)."""

    id: int
    story_id: int
    url: str
    title: str
    head: str
    when: datetime
    source: str | None
    language: str | None
    status: str
    analysis: Analysis | None = None
    outlets: list[str] = field(default_factory=list)  # other outlets carrying the story


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def load_rows(
    store: Store, *, since: datetime | None = None, until: datetime | None = None
) -> list[ArticleRow]:
    """Relevant articles (published, else fetched, in [since, until)) with their analyses."""
    when = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
    query = (
        sa.select(
            articles.c.id,
            articles.c.story_id,
            articles.c.url,
            articles.c.title,
            sa.func.substr(articles.c.text, 1, HEAD_CHARS).label("head"),
            articles.c.published,
            articles.c.fetched_at,
            articles.c.source,
            articles.c.source_id,
            articles.c.language,
            articles.c.status,
            analyses.c.data,
        )
        .select_from(articles.outerjoin(analyses, analyses.c.article_id == articles.c.id))
        .where(articles.c.relevant.is_(True))
        .order_by(articles.c.id)
    )
    if since is not None:
        query = query.where(when >= since.astimezone(UTC))
    if until is not None:
        query = query.where(when < until.astimezone(UTC))
    rows: list[ArticleRow] = []
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=1000).execute(query)
        for r in result:
            moment = _aware(r.published) or _aware(r.fetched_at)
            assert moment is not None  # fetched_at is NOT NULL
            rows.append(
                ArticleRow(
                    id=r.id,
                    story_id=r.story_id,
                    url=r.url,
                    title=r.title or "",
                    head=r.head or "",
                    when=moment,
                    source=r.source or r.source_id,
                    language=r.language,
                    status=r.status,
                    analysis=Analysis.from_json(r.data) if r.data else None,
                )
            )
    _attach_outlets(store, rows)
    return rows


def _attach_outlets(store: Store, rows: Iterable[ArticleRow]) -> None:
    """Give each row the outlets of every stored copy of its story, in the order stored."""
    by_story: dict[int, list[ArticleRow]] = {}
    for row in rows:
        by_story.setdefault(row.story_id, []).append(row)
    if not by_story:
        return
    outlets = store.outlets_of(by_story)
    for story_id, members in by_story.items():
        for row in members:
            row.outlets = outlets.get(story_id, [])
