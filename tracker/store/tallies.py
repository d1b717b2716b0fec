"""Tallies kept by triggers: folding ``vendor_day``'s change rows on PostgreSQL, refreshing
the link summary (``relation_link``).

On PostgreSQL the triggers of migration 0018 append a row per change (+n or -n articles for a
vendor and day) so that concurrent writers never update, lock or deadlock on a shared counter
row. The readers sum the rows; this folds each vendor and day's rows into one, so that the sum
stays a read of about one row per vendor and day. SQLite keeps one row per vendor and day
itself (one writer at a time): nothing to do there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Executable,
    Float,
    Select,
    String,
    delete,
    distinct,
    func,
    insert,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.exc import OperationalError
from sqlmodel import col

from tracker.models import NEGATED
from tracker.store.tables import (
    RELATION_LINK,
    RELATION_LINK_DIRTY,
    RELATION_LINK_PRODUCT,
    RELATION_LINK_SOURCE,
    ArticleSource,
    Relation,
)

CHUNK_IDS = 5_000  # note ids per DELETE

# One worker of a fleet folds at a time (two DELETEs over the same rows could deadlock).
_COMPACT_LOCK_KEY = 0x76656E646F726479  # "vendordy", as the fetch log prune has its own

_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")

# Rows a concurrent writer appends meanwhile are not in this statement's snapshot: they stay,
# rows of their own, for the next time. A vendor's day at zero goes.
_COMPACT = text(
    """WITH many AS (
        SELECT vendor_id, day FROM vendor_day GROUP BY vendor_id, day HAVING count(*) > 1
    ), gone AS (
        DELETE FROM vendor_day AS v USING many
        WHERE v.vendor_id = many.vendor_id AND v.day = many.day
        RETURNING v.vendor_id, v.day, v.articles
    )
    INSERT INTO vendor_day (vendor_id, day, articles)
    SELECT vendor_id, day, sum(articles) FROM gone
    GROUP BY vendor_id, day HAVING sum(articles) <> 0"""
)


def compact_vendor_days(engine: Engine) -> int | None:
    """Fold ``vendor_day``'s rows into one per vendor and day (PostgreSQL); the rows written,
    or None when there is nothing to do here (SQLite) or another worker is at it."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.begin() as conn:
        if not conn.execute(_TRY_LOCK, {"key": _COMPACT_LOCK_KEY}).scalar():
            return None
        return int(conn.execute(_COMPACT).rowcount or 0)


# --- the link summary (migration 0022) ------------------------------------------------------

_LINK_LOCK_KEY = 0x72656C6C696E6B73  # "rellinks": one refresher at a time
# Above this many links noted, the whole summary is rebuilt: one grouped pass over the
# relations costs less than thousands of small ones.
REBUILD_LINKS = 5_000
_PAIRS = 400  # links per statement (two parameters each)


def link_tallies(
    where: Sequence[ColumnElement[bool]],
    stated: ColumnElement[Any] | None = None,
    sure: ColumnElement[Any] | None = None,
) -> tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]:
    """A link's three tallies over the relations that pass ``where``: per (supplier, customer,
    status) the distinct articles, first and last time (as the driver gives them), best
    confidence; per link the distinct sources of the reports that are not negated; per link
    and product the distinct articles. ``stated`` and ``sure`` stand for the status and the
    confidence (an analyst's confirmation changes both)."""
    supplier, customer = col(Relation.supplier), col(Relation.customer)
    article = col(Relation.article_id)
    # The report's time, copied from its article (migration 0017): the tallies read the
    # relation index alone, never the articles.
    when = type_coerce(col(Relation.reported_at), String)
    if stated is None:
        stated = type_coerce(col(Relation.status), String)
    if sure is None:
        sure = type_coerce(col(Relation.confidence), Float)
    tally = (
        select(
            supplier,
            customer,
            stated,
            func.count(distinct(article)),
            func.min(when),
            func.max(when),
            func.max(sure),
        )
        .where(*where)
        .group_by(supplier, customer, stated)
    )
    named = (  # source names are unique: distinct ids are distinct names
        select(supplier, customer, func.count(distinct(col(ArticleSource.source_id))))
        .join(ArticleSource, col(ArticleSource.article_id) == article)
        .where(*where, col(Relation.status) != NEGATED)
        .group_by(supplier, customer)
    )
    product = (
        select(supplier, customer, col(Relation.product), func.count(distinct(article)))
        .where(*where, col(Relation.product).is_not(None))
        .group_by(supplier, customer, col(Relation.product))
    )
    return tally, named, product


def _link_fills(pairs: Sequence[tuple[str, str]] | None) -> list[Executable]:
    """The summary of ``pairs`` (every link: None) computed from the relations, as inserts."""
    only: list[ColumnElement[bool]] = []
    if pairs is not None:
        only.append(tuple_(col(Relation.supplier), col(Relation.customer)).in_(list(pairs)))
    tally, named, product = link_tallies(only)
    return [
        insert(RELATION_LINK).from_select(
            ["supplier", "customer", "status", "articles", "first_at", "last_at", "confidence"],
            tally,
        ),
        insert(RELATION_LINK_SOURCE).from_select(["supplier", "customer", "sources"], named),
        insert(RELATION_LINK_PRODUCT).from_select(
            ["supplier", "customer", "product", "articles"], product
        ),
    ]


_SUMMARY = (RELATION_LINK, RELATION_LINK_SOURCE, RELATION_LINK_PRODUCT)


def refresh_relation_links(engine: Engine) -> int | None:
    """Bring the link summary up to date with the links noted as changed; how many links were
    recomputed, or None when another worker is at it (PostgreSQL) or a writer got in first
    (SQLite: the next refresh does it). Exact whenever it runs: readers take the noted links
    from the relations until then."""
    dirty = RELATION_LINK_DIRTY.c
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                if not conn.execute(_TRY_LOCK, {"key": _LINK_LOCK_KEY}).scalar():
                    return None
            else:
                # Take the write lock first (waiting out another writer): a read, then a write,
                # would fail if another connection wrote in between.
                conn.execute(text("DELETE FROM relation_link_dirty WHERE 0"))
            notes = conn.execute(select(dirty.id, dirty.supplier, dirty.customer)).all()
            if not notes:
                return 0
            pairs = sorted({(str(s), str(c)) for _, s, c in notes})
            if len(pairs) > REBUILD_LINKS:
                for table in _SUMMARY:
                    conn.execute(delete(table))
                for fill in _link_fills(None):
                    conn.execute(fill)
            else:
                for start in range(0, len(pairs), _PAIRS):
                    chunk = pairs[start : start + _PAIRS]
                    for table in _SUMMARY:
                        conn.execute(
                            delete(table).where(
                                tuple_(table.c.supplier, table.c.customer).in_(chunk)
                            )
                        )
                    for fill in _link_fills(chunk):
                        conn.execute(fill)
            # The notes read, and only those: one written meanwhile (PostgreSQL) stays.
            ids = sorted(int(i) for i, _, _ in notes)
            for start in range(0, len(ids), CHUNK_IDS):
                conn.execute(
                    delete(RELATION_LINK_DIRTY).where(dirty.id.in_(ids[start : start + CHUNK_IDS]))
                )
            return len(pairs)
    except OperationalError as exc:
        if engine.dialect.name != "sqlite" or "locked" not in str(exc.orig):
            raise
        return None  # database is locked, or changed under a read: the next refresh
