"""Index LSH band keys on their own: near-duplicate candidates are looked up by key alone.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_article_bands_key", "article_bands", ["key"])


def downgrade() -> None:
    op.drop_index("ix_article_bands_key", table_name="article_bands")
