"""Sources, articles and the sources that carry them, vendors, mentions; FTS5 on SQLite.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE article_fts USING fts5(
        title, text, content='article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN
        INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER article_fts_update AFTER UPDATE OF title, text ON article BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
]


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("url", sa.String, nullable=False, unique=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("title", sa.String),
        sa.Column("is_enabled", sa.Boolean, nullable=False),
        sa.Column("etag", sa.String),
        sa.Column("last_modified", sa.String),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_fetched_at", UTCDateTime()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_error", sa.String),
        sa.Column("last_error_class", sa.String),
        sa.Column("error_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_source_name", "source", ["name"], unique=True)
    op.create_table(
        "article",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("canonical_url", sa.String, nullable=False),
        sa.Column("url", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("summary", sa.String, nullable=False),
        sa.Column("text", sa.String, nullable=False),
        sa.Column("text_origin", sa.String, nullable=False),
        sa.Column("text_note", sa.String),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_article_canonical_url", "article", ["canonical_url"], unique=True)
    op.create_index("ix_article_content_hash", "article", ["content_hash"])
    op.create_index("ix_article_published_at", "article", ["published_at"])
    op.create_index("ix_article_fetched_at", "article", ["fetched_at"])
    op.create_table(
        "article_source",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "source_id", sa.Integer, sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("guid", sa.String, nullable=False),
        sa.Column("entry_url", sa.String),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("source_id", "guid", name="uq_article_source_guid"),
    )
    op.create_index("ix_article_source_article_id", "article_source", ["article_id"])
    op.create_index("ix_article_source_source_id", "article_source", ["source_id"])
    op.create_table(
        "vendor",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("country", sa.String, nullable=False),
        sa.Column("parent", sa.String, nullable=False),
    )
    op.create_index("ix_vendor_name", "vendor", ["name"], unique=True)
    op.create_table(
        "mention",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("vendor_id", sa.Integer, sa.ForeignKey("vendor.id"), nullable=False),
        sa.Column("surface", sa.String, nullable=False),
        sa.Column("sentence", sa.String, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
    )
    op.create_index("ix_mention_article_id", "mention", ["article_id"])
    op.create_index("ix_mention_vendor_id", "mention", ["vendor_id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("article_fts_insert", "article_fts_delete", "article_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_fts")
    for table in ("mention", "vendor", "article_source", "article", "source"):
        op.drop_table(table)
