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
    UniqueConstraint,
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
    Index("ix_article_bands_key", "key"),
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

# -- subscriptions, delivery and scheduling (migration 0003) ---------------------------------

# Confirmed readers (double opt-in, or added by an admin with consent given elsewhere).
subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False, unique=True),  # lower case, for lookups
    Column("language", String(8), nullable=False),  # en | zh | both
    Column("frequency", String(8), nullable=False),  # daily | weekly
    Column("status", String(16), nullable=False),  # confirmed | unsubscribed | paused
    Column("consent", String(16), nullable=False),  # double_opt_in | admin
    Column("key", String(64), nullable=False),  # random; part of every signed link
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
)

# Districts (a code) or pairings (codes joined by "-") a subscriber follows; none: everything.
subscriber_filters = Table(
    "subscriber_filters",
    metadata,
    Column(
        "subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("kind", String(8), primary_key=True),  # place | pairing
    Column("code", String(64), primary_key=True),
)

# One row per subscriber and digest: claimed ("sending") before the message goes out, "sent"
# once the server accepted it; a rerun after a crash never sends a logged digest again.
send_log = Table(
    "send_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("digest", String(64), nullable=False),  # e.g. daily:2022-05-02
    Column("status", String(16), nullable=False),  # sending | sent | failed
    Column("message_id", String(255)),
    Column("stories", JSON, nullable=False, default=list),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("subscriber_id", "digest", name="uq_send_log_subscriber_digest"),
)

delivery_failures = Table(
    "delivery_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("digest", String(64)),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("code", Integer),
    Column("permanent", Boolean, nullable=False),
    Column("message", Text, nullable=False, default=""),
    Index("ix_delivery_failures_subscriber", "subscriber_id"),
)

# History of scheduled and manual steps, for `coopwatch status`.
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("step", String(32), nullable=False),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("finished", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running | ok | error | skipped
    Column("counts", JSON, nullable=False, default=dict),
    Column("error", Text),
    Column("host", String(255), nullable=False, default=""),
    Index("ix_runs_step_started", "step", "started"),
)

# Leases: a step runs only while its row is held (across processes and machines).
locks = Table(
    "locks",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("acquired_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Fixed-window counters for the subscription form (keys are keyed hashes, not addresses).
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("window", BigInteger, nullable=False),
    Column("count", Integer, nullable=False),
)

# Values the application generates once and keeps (the signing key when none is configured).
app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
