"""Initial schema: stories, articles, LSH bands, fetch validators, crawl runs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("fetched_url", sa.String(2048)),
        sa.Column("source_id", sa.String(200)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("source", sa.Text),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("encoding", sa.String(40)),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("relevance", sa.Float, nullable=False),
        sa.Column("relevant", sa.Boolean, nullable=False),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
    )
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.create_index("ix_articles_fetched_url", "articles", ["fetched_url"])
    op.create_table(
        "article_bands",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("band", sa.Integer, primary_key=True),
        sa.Column("key", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_article_bands_band_key", "article_bands", ["band", "key"])
    op.create_table(
        "fetch_state",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True)),
        sa.Column("stats", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("crawl_runs", "fetch_state", "article_bands", "articles", "stories"):
        op.drop_table(table)
