"""Analyses of articles and the places they mention.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analyses",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "article_places",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("code", sa.String(6), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
    )
    op.create_index("ix_article_places_code", "article_places", ["code"])


def downgrade() -> None:
    op.drop_table("article_places")
    op.drop_table("analyses")
