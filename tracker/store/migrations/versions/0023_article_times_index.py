"""SQLite: an article's two times in one index, so a period's articles and their times are read
from the index alone.

SQLite reads a row's columns in their order, and ``published_at`` and ``fetched_at`` come after
the article's title, summary and text: reading an article's time walks the text's overflow
pages. Every read of a period did so for each article of it, to test the fetch time of an
undated one and to give each row its time (``coalesce(published_at, fetched_at)``): the 30 days
of events of a tier-2 exposure question (4,000 articles at 100,000, bench/exposure_bench.py)
took 10 ms, of which the article rows were 4. With both times in the index a period's articles
are never read: 5.9 ms. The index on ``published_at`` alone is its first column, so it goes.

PostgreSQL keeps long text out of the row (TOAST): its reads of a time do not pay for the text,
and its tuned search plans (0019, 0021) stay as they are.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index("ix_article_published_fetched", "article", ["published_at", "fetched_at"])
    op.drop_index("ix_article_published_at", table_name="article")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index("ix_article_published_at", "article", ["published_at"])
    op.drop_index("ix_article_published_fetched", table_name="article")
