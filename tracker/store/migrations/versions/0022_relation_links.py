"""A summary of every reported link, refreshed from the links that changed.

A tier-2 exposure question tallies every report into the companies its tier-1 suppliers are
(about 40,000 relation rows into 30 customers in bench/exposure_bench.py's corpus) three times
over: per status (articles, first and last time, best confidence), the independent sources,
the products. Those are facts of the link, not of the question: ``relation_link``,
``relation_link_source`` and ``relation_link_product`` hold them, one row per link and status
(per link; per link and product), as of the last refresh (``tallies.refresh_relation_links``),
so a question reads a row per link instead of a row per report.

Writers never touch them. A trigger notes the link of every relation stored, removed or
changed, and of every relation of an article that gained or lost a source, in
``relation_link_dirty``: an append, so concurrent writers neither wait for nor deadlock on each
other (the lesson of 0018). Readers take the links noted there from the relations themselves,
so answers are exact at every moment; the refresh recomputes the noted links and removes the
notes it read (only those: a note written meanwhile waits for the next refresh).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# The summary, computed from the relations: shared with tracker/store/tallies.py's refresh
# (a migration keeps its own copy of what it runs).
_LINK = """INSERT INTO relation_link
    (supplier, customer, status, articles, first_at, last_at, confidence)
    SELECT supplier, customer, status, count(DISTINCT article_id), min(reported_at),
           max(reported_at), max(confidence)
    FROM relation GROUP BY supplier, customer, status"""
_SOURCE = """INSERT INTO relation_link_source (supplier, customer, sources)
    SELECT relation.supplier, relation.customer, count(DISTINCT article_source.source_id)
    FROM relation JOIN article_source ON article_source.article_id = relation.article_id
    WHERE relation.status <> 'negated'
    GROUP BY relation.supplier, relation.customer"""
_PRODUCT = """INSERT INTO relation_link_product (supplier, customer, product, articles)
    SELECT supplier, customer, product, count(DISTINCT article_id)
    FROM relation WHERE product IS NOT NULL
    GROUP BY supplier, customer, product"""


def upgrade() -> None:
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    stamp = "TIMESTAMP WITH TIME ZONE" if is_postgresql else "DATETIME"
    serial = "BIGSERIAL PRIMARY KEY" if is_postgresql else "INTEGER PRIMARY KEY AUTOINCREMENT"
    op.execute(
        f"""CREATE TABLE relation_link (
            supplier VARCHAR NOT NULL,
            customer VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            articles INTEGER NOT NULL,
            first_at {stamp},
            last_at {stamp},
            confidence FLOAT NOT NULL
        )"""
    )
    op.execute(
        """CREATE TABLE relation_link_source (
            supplier VARCHAR NOT NULL,
            customer VARCHAR NOT NULL,
            sources INTEGER NOT NULL
        )"""
    )
    op.execute(
        """CREATE TABLE relation_link_product (
            supplier VARCHAR NOT NULL,
            customer VARCHAR NOT NULL,
            product VARCHAR NOT NULL,
            articles INTEGER NOT NULL
        )"""
    )
    op.execute(
        f"""CREATE TABLE relation_link_dirty (
            id {serial},
            supplier VARCHAR NOT NULL,
            customer VARCHAR NOT NULL
        )"""
    )
    # Every column in each index, by either end: a question reads the index alone.
    tail = {
        "relation_link": "status, articles, first_at, last_at, confidence",
        "relation_link_source": "sources",
        "relation_link_product": "product, articles",
    }
    for table, rest in tail.items():
        op.execute(f"CREATE INDEX ix_{table}_supplier ON {table} (supplier, customer, {rest})")
        op.execute(f"CREATE INDEX ix_{table}_customer ON {table} (customer, supplier, {rest})")
    for fill in (_LINK, _SOURCE, _PRODUCT):
        op.execute(fill)
    if is_postgresql:
        _triggers_postgresql()
    else:
        _triggers_sqlite()


# A relation's change that matters to its link; on SQLite the trigger of 0017 fills a new
# row's reported_at by an UPDATE, which the INSERT trigger has already noted.
_CHANGED = """old.supplier IS NOT new.supplier OR old.customer IS NOT new.customer
    OR old.status IS NOT new.status OR old.confidence IS NOT new.confidence
    OR old.article_id IS NOT new.article_id OR old.product IS NOT new.product
    OR (old.reported_at IS NOT NULL AND old.reported_at IS NOT new.reported_at)"""


def _triggers_sqlite() -> None:
    note = "INSERT INTO relation_link_dirty (supplier, customer)"
    op.execute(
        f"""CREATE TRIGGER relation_link_insert AFTER INSERT ON relation BEGIN
            {note} VALUES (new.supplier, new.customer);
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER relation_link_delete AFTER DELETE ON relation BEGIN
            {note} VALUES (old.supplier, old.customer);
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER relation_link_update AFTER UPDATE ON relation WHEN {_CHANGED} BEGIN
            {note} VALUES (old.supplier, old.customer);
            {note} SELECT new.supplier, new.customer
            WHERE new.supplier IS NOT old.supplier OR new.customer IS NOT old.customer;
        END"""
    )
    for event, row in (("INSERT", "new"), ("DELETE", "old")):
        op.execute(
            f"""CREATE TRIGGER relation_link_source_{event.lower()} AFTER {event}
            ON article_source BEGIN
                {note} SELECT DISTINCT supplier, customer FROM relation
                WHERE article_id = {row}.article_id;
            END"""
        )


def _triggers_postgresql() -> None:
    # Statement triggers over the rows written or removed (transition tables take one event
    # each): one note per link a statement touched, however many of its rows.
    note = "INSERT INTO relation_link_dirty (supplier, customer)"
    bodies = {
        "relation_link_insert": f"{note} SELECT DISTINCT supplier, customer FROM added",
        "relation_link_delete": f"{note} SELECT DISTINCT supplier, customer FROM removed",
        "relation_link_update": f"""{note} SELECT DISTINCT supplier, customer FROM (
                SELECT supplier, customer FROM removed UNION SELECT supplier, customer FROM added
            ) AS touched""",
        "relation_link_source_insert": f"""{note} SELECT DISTINCT supplier, customer
            FROM relation WHERE article_id IN (SELECT article_id FROM added)""",
        "relation_link_source_delete": f"""{note} SELECT DISTINCT supplier, customer
            FROM relation WHERE article_id IN (SELECT article_id FROM removed)""",
    }
    for name, body in bodies.items():
        op.execute(
            f"""CREATE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN
                {body};
                RETURN NULL;
            END $$ LANGUAGE plpgsql"""
        )
    for name, table, event, tables in (
        ("relation_link_insert", "relation", "INSERT", "NEW TABLE AS added"),
        ("relation_link_delete", "relation", "DELETE", "OLD TABLE AS removed"),
        ("relation_link_update", "relation", "UPDATE", "OLD TABLE AS removed NEW TABLE AS added"),
        ("relation_link_source_insert", "article_source", "INSERT", "NEW TABLE AS added"),
        ("relation_link_source_delete", "article_source", "DELETE", "OLD TABLE AS removed"),
    ):
        op.execute(
            f"""CREATE TRIGGER {name} AFTER {event} ON {table}
            REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in (
            ("relation_link_insert", "relation"),
            ("relation_link_delete", "relation"),
            ("relation_link_update", "relation"),
            ("relation_link_source_insert", "article_source"),
            ("relation_link_source_delete", "article_source"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in (
            "relation_link_insert",
            "relation_link_delete",
            "relation_link_update",
            "relation_link_source_insert",
            "relation_link_source_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("relation_link_dirty", "relation_link_product", "relation_link_source"):
        op.execute(f"DROP TABLE {table}")
    op.execute("DROP TABLE relation_link")
