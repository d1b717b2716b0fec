"""Products, supplier relations, events and vendor candidates found in articles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _article_fk() -> sa.Column[int]:
    return sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("article.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "product_mention",
        sa.Column("id", sa.Integer, primary_key=True),
        _article_fk(),
        sa.Column("catalog_id", sa.String),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("vendor", sa.String),
        sa.Column("category", sa.String),
        sa.Column("surface", sa.String, nullable=False),
        sa.Column("sentence", sa.String, nullable=False),
    )
    op.create_index("ix_product_mention_article_id", "product_mention", ["article_id"])
    op.create_index("ix_product_mention_catalog_id", "product_mention", ["catalog_id"])
    op.create_index("ix_product_mention_name", "product_mention", ["name"])
    op.create_table(
        "relation",
        sa.Column("id", sa.Integer, primary_key=True),
        _article_fk(),
        sa.Column("supplier", sa.String, nullable=False),
        sa.Column("customer", sa.String, nullable=False),
        sa.Column("product", sa.String),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("evidence", sa.String, nullable=False),
        sa.Column("attribution", sa.String),
    )
    op.create_index("ix_relation_article_id", "relation", ["article_id"])
    op.create_index("ix_relation_supplier", "relation", ["supplier"])
    op.create_index("ix_relation_customer", "relation", ["customer"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True),
        _article_fk(),
        sa.Column("type", sa.String, nullable=False),
        sa.Column("evidence", sa.String, nullable=False),
        sa.Column("attribution", sa.String),
    )
    op.create_index("ix_event_article_id", "event", ["article_id"])
    op.create_index("ix_event_type", "event", ["type"])
    op.create_table(
        "event_vendor",
        sa.Column(
            "event_id",
            sa.Integer,
            sa.ForeignKey("event.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("vendor", sa.String, primary_key=True),
    )
    op.create_index("ix_event_vendor_vendor", "event_vendor", ["vendor"])
    op.create_table(
        "vendor_candidate",
        sa.Column("id", sa.Integer, primary_key=True),
        _article_fk(),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("sentence", sa.String, nullable=False),
    )
    op.create_index("ix_vendor_candidate_article_id", "vendor_candidate", ["article_id"])
    op.create_index("ix_vendor_candidate_name", "vendor_candidate", ["name"])


def downgrade() -> None:
    for table in ("vendor_candidate", "event_vendor", "event", "relation", "product_mention"):
        op.drop_table(table)
