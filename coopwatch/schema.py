"""Database tables (SQLAlchemy Core). Changes go through a migration in coopwatch/migrations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("first_seen", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(2048), nullable=False, unique=True),
    Column("fetched_url", String(2048)),
    Column("source_id", String(200)),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),
    Column("published", DateTime(timezone=True)),
    Column("source", Text),
    Column("authors", JSON, nullable=False, default=list),
    Column("language", String(16)),
    Column("encoding", String(40)),
    Column("pages", Integer, nullable=False, default=1),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("relevance", Float, nullable=False, default=0.0),
    Column("relevant", Boolean, nullable=False, default=False),
    Column("content_hash", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_story_id", "story_id"),
    Index("ix_articles_fetched_url", "fetched_url"),
)

# MinHash-LSH band keys of each article that started a story (candidates for near duplicates).
article_bands = Table(
    "article_bands",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("band", Integer, primary_key=True),
    Column("key", BigInteger, nullable=False),
    Index("ix_article_bands_band_key", "band", "key"),
)

# Validators of feeds, sitemaps and listing pages for conditional requests.
fetch_state = Table(
    "fetch_state",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("checked_at", DateTime(timezone=True), nullable=False),
)

crawl_runs = Table(
    "crawl_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("finished", DateTime(timezone=True)),
    Column("stats", JSON, nullable=False, default=dict),
)

# What the understanding stage found in each article (the Analysis as JSON).
analyses = Table(
    "analyses",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("analyzed_at", DateTime(timezone=True), nullable=False),
    Column("version", String(40), nullable=False),
    Column("language", String(16), nullable=False),
    Column("data", JSON, nullable=False),
    Column("error", Text),
)

# Places each article mentions, for queries by district or region.
article_places = Table(
    "article_places",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(6), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("mentions", Integer, nullable=False),
    Index("ix_article_places_code", "code"),
)
