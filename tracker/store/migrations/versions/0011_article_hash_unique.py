"""One article per text: the content hash is unique (empty hashes, of texts too short to
tell apart, excepted).

Two workers storing the same text under two URLs at once each looked the hash up, found
nothing the other had not committed yet, and inserted. With the index, the second insert
waits for the first transaction and fails; ``identity.save_entry`` links the entry instead.

Copies stored before this are merged into the oldest article of their text: the other
copies' links (source, GUID) move to it, and the copies go with what was extracted from
them (their own copy of the same findings).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_KEEPERS = """SELECT content_hash, min(id) AS keeper FROM article
    WHERE content_hash <> '' GROUP BY content_hash HAVING count(*) > 1"""


def upgrade() -> None:
    op.execute(
        f"""UPDATE article_source SET article_id = (
            SELECT k.keeper FROM ({_KEEPERS}) AS k
            JOIN article AS a ON a.content_hash = k.content_hash
            WHERE a.id = article_source.article_id)
        WHERE article_id IN (
            SELECT a.id FROM article AS a JOIN ({_KEEPERS}) AS k
            ON a.content_hash = k.content_hash AND a.id <> k.keeper)"""
    )
    op.execute(
        f"""DELETE FROM article WHERE id IN (
            SELECT a.id FROM article AS a JOIN ({_KEEPERS}) AS k
            ON a.content_hash = k.content_hash AND a.id <> k.keeper)"""
    )
    op.drop_index("ix_article_content_hash", table_name="article")
    op.execute(
        "CREATE UNIQUE INDEX uq_article_content_hash ON article (content_hash) "
        "WHERE content_hash <> ''"
    )


def downgrade() -> None:
    op.execute("DROP INDEX uq_article_content_hash")
    op.create_index("ix_article_content_hash", "article", ["content_hash"])
