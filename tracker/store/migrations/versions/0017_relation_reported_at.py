"""Relations carry their article's time, and two indexes hold every column the exposure
tallies read: a link's reports are counted without reading its articles.

Exposure tallies the reports of each link (articles, first and last time, best confidence,
products, independent sources). The time of a report is its article's (published, else
fetched), and reading it meant one article row per report: the article of every report of a
busy customer's 10,000 links, about half of a tier-2 question's CPU (bench/exposure_bench.py).
``relation.reported_at`` is that time, copied: a trigger fills it when a relation is stored
(whatever stores it) and follows a change of the article's dates. The indexes by customer and
by supplier hold the columns of the tallies, so they are read from the index alone; the old
one-column indexes are their prefixes and go. ``article_source (article_id, source_id)``
gives the sources of a report from the index alone.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_TALLY = ["status", "article_id", "reported_at", "confidence", "product"]
_ARTICLE_TIME = "coalesce(published_at, fetched_at)"


def upgrade() -> None:
    op.add_column("relation", sa.Column("reported_at", UTCDateTime(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""UPDATE relation SET reported_at = {_ARTICLE_TIME}
            FROM article WHERE article.id = relation.article_id"""
        )
        op.execute(
            f"""CREATE FUNCTION relation_reported_at() RETURNS trigger AS $$
            BEGIN
                IF NEW.reported_at IS NULL THEN
                    SELECT {_ARTICLE_TIME} INTO NEW.reported_at
                    FROM article WHERE id = NEW.article_id;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql"""
        )
        op.execute(
            """CREATE TRIGGER relation_reported_at BEFORE INSERT ON relation
            FOR EACH ROW EXECUTE FUNCTION relation_reported_at()"""
        )
        op.execute(
            """CREATE FUNCTION article_reported_at() RETURNS trigger AS $$
            BEGIN
                UPDATE relation SET reported_at = coalesce(NEW.published_at, NEW.fetched_at)
                WHERE article_id = NEW.id;
                RETURN NULL;
            END $$ LANGUAGE plpgsql"""
        )
        op.execute(
            """CREATE TRIGGER article_reported_at AFTER UPDATE OF published_at, fetched_at
            ON article FOR EACH ROW
            WHEN (coalesce(OLD.published_at, OLD.fetched_at)
                  IS DISTINCT FROM coalesce(NEW.published_at, NEW.fetched_at))
            EXECUTE FUNCTION article_reported_at()"""
        )
    else:
        op.execute(
            f"""UPDATE relation SET reported_at = (
                SELECT {_ARTICLE_TIME} FROM article WHERE article.id = relation.article_id)"""
        )
        # SQLite cannot change the row a BEFORE trigger is about to write: the row is stored,
        # then given its time.
        op.execute(
            f"""CREATE TRIGGER relation_reported_at AFTER INSERT ON relation
            WHEN new.reported_at IS NULL BEGIN
                UPDATE relation SET reported_at = (
                    SELECT {_ARTICLE_TIME} FROM article WHERE article.id = new.article_id)
                WHERE id = new.id;
            END"""
        )
        op.execute(
            """CREATE TRIGGER article_reported_at AFTER UPDATE OF published_at, fetched_at
            ON article BEGIN
                UPDATE relation SET reported_at = coalesce(new.published_at, new.fetched_at)
                WHERE article_id = new.id;
            END"""
        )
    op.drop_index("ix_relation_customer", table_name="relation")
    op.drop_index("ix_relation_supplier", table_name="relation")
    op.create_index("ix_relation_customer_tally", "relation", ["customer", "supplier", *_TALLY])
    op.create_index("ix_relation_supplier_tally", "relation", ["supplier", "customer", *_TALLY])
    op.create_index(
        "ix_article_source_article_source", "article_source", ["article_id", "source_id"]
    )
    op.drop_index("ix_article_source_article_id", table_name="article_source")


def downgrade() -> None:
    op.create_index("ix_article_source_article_id", "article_source", ["article_id"])
    op.drop_index("ix_article_source_article_source", table_name="article_source")
    op.drop_index("ix_relation_supplier_tally", table_name="relation")
    op.drop_index("ix_relation_customer_tally", table_name="relation")
    op.create_index("ix_relation_supplier", "relation", ["supplier"])
    op.create_index("ix_relation_customer", "relation", ["customer"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS article_reported_at ON article")
        op.execute("DROP TRIGGER IF EXISTS relation_reported_at ON relation")
        op.execute("DROP FUNCTION IF EXISTS relation_reported_at()")
        op.execute("DROP FUNCTION IF EXISTS article_reported_at()")
    else:
        op.execute("DROP TRIGGER IF EXISTS article_reported_at")
        op.execute("DROP TRIGGER IF EXISTS relation_reported_at")
    op.drop_column("relation", "reported_at")
