"""The reports that name a product, indexed apart, by customer and by supplier.

A link's products (``StoreExposureData.relation_facts``) are the distinct articles per
(supplier, customer, product) over the reports that name one (two in three in the benchmark
corpus, bench/exposure_bench.py). Read from the tally indexes of 0017, where the product
comes last, the distinct articles of each group went through a temporary B-tree: 23 ms for the
40,000 reports into the 30 most reported customers (a tier-2 question reads as many). Here the
article follows the product, so the groups and their distinct articles come in index order:
6 ms, the same 436 rows.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_NAMED = sa.text("product IS NOT NULL")


def upgrade() -> None:
    for name, first, second in (
        ("ix_relation_customer_product", "customer", "supplier"),
        ("ix_relation_supplier_product", "supplier", "customer"),
    ):
        op.create_index(
            name,
            "relation",
            [first, second, "product", "article_id", "status", "reported_at"],
            sqlite_where=_NAMED,
            postgresql_where=_NAMED,
        )


def downgrade() -> None:
    op.drop_index("ix_relation_supplier_product", table_name="relation")
    op.drop_index("ix_relation_customer_product", table_name="relation")
