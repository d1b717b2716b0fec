"""Reviews: an analyst's confirmation or rejection of a relation or a vendor mention, keyed by
the article's canonical URL and the names, so that it outlives refetching and re-extraction.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("article_url", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False, server_default=""),
        sa.Column("supplier", sa.String(), nullable=False),
        sa.Column("customer", sa.String(), nullable=False, server_default=""),
        sa.Column("evidence", sa.String(), nullable=False, server_default=""),
        sa.Column("reviewer", sa.String(), nullable=False, server_default=""),
        sa.Column("reviewed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "article_url", "supplier", "customer", name="uq_review_item"),
    )
    op.create_index("ix_review_article_url", "review", ["article_url"])
    op.create_index("ix_review_pair", "review", ["supplier", "customer"])


def downgrade() -> None:
    op.drop_table("review")
