"""Writing articles: each stored once, linked to every source that carries it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Dialect,
    Insert,
    Table,
    bindparam,
    delete,
    insert,
    update,
)
from sqlmodel import Session, SQLModel, col, select

from tracker.catalog.gazetteer import Gazetteer
from tracker.models import ArticleRecord, Extraction
from tracker.store.tables import (
    Article,
    ArticleSource,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Vendor,
    VendorCandidate,
)


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


# Built once: an article is ~15 statements, and building and keying each anew cost about as
# much as running it (bench/fetch_bench.py: storing was a third of a fetch's CPU).
_ID_BY_HASH = (
    select(Article.id)
    .where(Article.content_hash == bindparam("content_hash"), col(Article.content_hash) != "")
    .order_by(col(Article.id))
    .limit(1)
)
_LINK_BY_GUID = select(ArticleSource.id).where(
    ArticleSource.source_id == bindparam("source_id"), ArticleSource.guid == bindparam("guid")
)
# Core inserts of the Tables: plain executes, without the ORM's unit of work per object.
_INSERTS: dict[type[SQLModel], Insert] = {
    model: insert(_table(model))
    for model in (
        Article,
        ArticleSource,
        Mention,
        ProductMention,
        Relation,
        Event,
        EventVendor,
        VendorCandidate,
    )
}


def sync_vendors(session: Session, gazetteer: Gazetteer) -> dict[str, int]:
    """Make the vendor table match the gazetteer (rows are never deleted); name -> id."""
    rows = {v.name: v for v in session.exec(select(Vendor))}
    for vendor in gazetteer.vendors.values():
        row = rows.get(vendor.name)
        if row is None:
            row = Vendor(name=vendor.name, kind=vendor.kind, country=vendor.country)
            rows[vendor.name] = row
        row.kind, row.country, row.parent = vendor.kind, vendor.country, vendor.parent
        session.add(row)
    session.flush()
    return {name: row.id for name, row in rows.items() if row.id is not None}


def known_guids(session: Session, source_id: int) -> set[str]:
    """GUIDs already seen from a source."""
    return set(session.exec(select(ArticleSource.guid).where(ArticleSource.source_id == source_id)))


def article_id_by_hash(session: Session, content_hash: str) -> int | None:
    """The first stored article with this content hash."""
    found: int | None = (
        session.connection().execute(_ID_BY_HASH, {"content_hash": content_hash}).scalar()
    )
    return found


def link_article(
    session: Session, article_id: int, source_id: int, guid: str, entry_url: str | None
) -> bool:
    """Record that a source carries an article under ``guid``; False if already recorded."""
    # The session's connection: the same transaction, without the ORM session's work per
    # statement (an article is ~15 statements; ~10% of storing one).
    connection = session.connection()
    exists = connection.execute(_LINK_BY_GUID, {"source_id": source_id, "guid": guid}).first()
    if exists is not None:
        return False
    connection.execute(
        _INSERTS[ArticleSource],
        {
            "article_id": article_id,
            "source_id": source_id,
            "guid": guid,
            "entry_url": entry_url,
            "seen_at": datetime.now(UTC),
        },
    )
    return True


def insert_article(
    session: Session,
    record: ArticleRecord,
    *,
    source_id: int,
    guid: str,
    entry_url: str | None,
    vendor_ids: dict[str, int],
) -> int:
    """Store an article the caller has just found not stored, in the caller's transaction
    (``identity.save_entry`` decides that): the article, its findings and its link to the
    source; returns its id."""
    connection = session.connection()
    inserted = connection.execute(
        _INSERTS[Article],
        {
            "canonical_url": record.canonical_url,
            "url": record.url,
            "title": record.title,
            "summary": record.summary,
            "text": record.text,
            "text_origin": record.text_origin,
            "text_note": record.text_note,
            "content_hash": record.content_hash,
            "published_at": record.published_at,
            "fetched_at": datetime.now(UTC),
            "vendor_ids": _vendor_ids_of(record.extraction, vendor_ids),
        },
    )
    article_id = _new_id(inserted)
    _save_findings(connection, article_id, record.extraction, vendor_ids)
    link_article(session, article_id, source_id, guid, entry_url)
    return article_id


def replace_findings(
    session: Session, article_id: int, extraction: Extraction, vendor_ids: dict[str, int]
) -> None:
    """Put a new extraction of a stored article in place of its findings (mentions, products,
    relations, events, unknown companies, and its vendor list), in the caller's transaction."""
    connection = session.connection()
    for model in (Mention, ProductMention, Relation, Event, VendorCandidate):
        table = _table(model)
        # An event's vendors go with it (ON DELETE CASCADE).
        connection.execute(delete(table).where(table.c.article_id == article_id))
    connection.execute(
        update(_table(Article))
        .where(_table(Article).c.id == article_id)
        .values(vendor_ids=_vendor_ids_of(extraction, vendor_ids))
    )
    _save_findings(connection, article_id, extraction, vendor_ids)


def _vendor_ids_of(extraction: Extraction, vendor_ids: dict[str, int]) -> list[int]:
    return sorted({vendor_ids[m.vendor] for m in extraction.mentions if m.vendor in vendor_ids})


def _new_id(inserted: CursorResult[Any]) -> int:
    key = inserted.inserted_primary_key
    assert key is not None
    return int(key[0])


# The findings' columns, in the order of the tuples _save_findings builds.
_FINDING_COLUMNS: dict[type[SQLModel], tuple[str, ...]] = {
    Mention: ("article_id", "vendor_id", "surface", "sentence", "start", "end"),
    ProductMention: (
        *("article_id", "catalog_id", "name", "vendor", "category", "surface", "sentence"),
    ),
    Relation: (
        *("article_id", "supplier", "customer", "product", "status", "confidence"),
        *("evidence", "attribution"),
    ),
    EventVendor: ("event_id", "vendor"),
    VendorCandidate: ("article_id", "name", "sentence"),
}
_DRIVER_INSERTS: dict[tuple[str, str, type[SQLModel]], tuple[str, bool]] = {}


def _driver_insert(dialect: Dialect, table: type[SQLModel]) -> tuple[str, bool]:
    """The INSERT of a findings table in the driver's own SQL, compiled once per dialect, and
    whether it takes positional parameters (SQLite's ?) or named ones (psycopg's %(name)s)."""
    key = (dialect.name, str(dialect.paramstyle), table)
    found = _DRIVER_INSERTS.get(key)
    if found is None:
        compiled = _INSERTS[table].compile(
            dialect=dialect, column_keys=list(_FINDING_COLUMNS[table]), for_executemany=True
        )
        if compiled.positional:  # the tuples' order must be the statement's
            assert tuple(compiled.positiontup or ()) == _FINDING_COLUMNS[table]
        found = _DRIVER_INSERTS[key] = (compiled.string, compiled.positional)
    return found


def _insert_rows(
    connection: Connection, table: type[SQLModel], rows: list[tuple[Any, ...]]
) -> None:
    """One executemany per table, run by the driver: an article brings ~100 rows (66 vendor
    mentions an article on bench/fetch_bench.py's pages), and SQLAlchemy's handling of an
    executemany's parameters cost 10 µs a row, twice what SQLite takes to store one. Every
    column is a plain int, float or str: no type of ours has a conversion to skip."""
    if rows:
        sql, positional = _driver_insert(connection.dialect, table)
        if positional:
            connection.exec_driver_sql(sql, rows)
        else:
            columns = _FINDING_COLUMNS[table]
            connection.exec_driver_sql(sql, [dict(zip(columns, row, strict=True)) for row in rows])


def _save_findings(
    connection: Connection, article_id: int, extraction: Extraction, vendor_ids: dict[str, int]
) -> None:
    """Vendor mentions, products, relations, events and unknown companies of an article."""
    _insert_rows(
        connection,
        Mention,
        [
            (
                article_id,
                vendor_ids[mention.vendor],
                mention.surface,
                mention.sentence,
                mention.start,
                mention.end,
            )
            for mention in extraction.mentions
            if mention.vendor in vendor_ids
        ],
    )
    _insert_rows(
        connection,
        ProductMention,
        [
            (article_id, p.catalog_id, p.name, p.vendor, p.category, p.surface, p.sentence)
            for p in extraction.products
        ],
    )
    _insert_rows(
        connection,
        Relation,
        [
            (
                article_id,
                r.supplier,
                r.customer,
                r.product,
                r.status,
                r.confidence,
                r.evidence,
                r.attribution,
            )
            for r in extraction.relations
        ],
    )
    event_vendors: list[tuple[Any, ...]] = []
    for e in extraction.events:
        event = connection.execute(
            _INSERTS[Event],
            {
                "article_id": article_id,
                "type": e.type,
                "evidence": e.evidence,
                "attribution": e.attribution,
            },
        )
        event_id = _new_id(event)
        event_vendors.extend((event_id, vendor) for vendor in e.vendors)
    _insert_rows(connection, EventVendor, event_vendors)
    _insert_rows(
        connection,
        VendorCandidate,
        [(article_id, c.name, c.sentence) for c in extraction.candidates],
    )
