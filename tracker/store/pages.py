"""Reads for the web workspace's pages: recent articles, a vendor's news by week and its
relations with their evidence, each bounded in rows whatever the size of the store."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    cast,
    distinct,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlmodel import Session, col

from tracker.store.exposure_queries import _raw_time, _utc, article_between, article_time
from tracker.store.reports import source_names_for, vendor_names_for
from tracker.store.review import (
    CONFIRMED,
    REJECTED,
    any_rejected_mention,
    mention_kept,
    relation_confirmed,
    relation_kept,
    relation_verdicts,
)
from tracker.store.search import DATE_BLOCK_BITS
from tracker.store.tables import (
    Article,
    ArticleSource,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Review,
    Source,
    Vendor,
)
from tracker.store.types import UTCDateTime

WEEK_S = 7 * 86400


def recent_articles(session: Session, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """The newest stored articles (by fetch time), with their sources and vendors."""
    rows = (
        session.connection()
        .execute(
            select(
                col(Article.id),
                col(Article.title),
                col(Article.url),
                col(Article.published_at),
                col(Article.fetched_at),
                col(Article.summary),
            )
            .order_by(col(Article.fetched_at).desc(), col(Article.id).desc())
            .limit(limit)
            .offset(offset)
        )
        .all()
    )
    ids = [int(r.id) for r in rows]
    vendors, sources = vendor_names_for(session, ids), source_names_for(session, ids)
    return [
        {
            "id": int(r.id),
            "title": r.title,
            "url": r.url,
            "published_at": r.published_at,
            "fetched_at": r.fetched_at,
            "snippet": (r.summary or "")[:240],
            "vendors": vendors.get(int(r.id), []),
            "sources": sources.get(int(r.id), []),
        }
        for r in rows
    ]


def stored_vendor(session: Session, name: str) -> dict[str, Any] | None:
    """The vendor row of ``name`` (any case), or None."""
    row = (
        session.connection()
        .execute(
            select(col(Vendor.id), col(Vendor.name), col(Vendor.kind), col(Vendor.country))
            .add_columns(col(Vendor.parent))
            .where(func.lower(col(Vendor.name)) == name.lower())
        )
        .first()
    )
    if row is None:
        return None
    return {"id": int(row.id), "name": row.name, "kind": row.kind, "country": row.country,
            "parent": row.parent}  # fmt: skip


def subsidiaries(session: Session, name: str) -> list[str]:
    """Stored vendors whose parent is ``name``."""
    stmt = select(col(Vendor.name)).where(col(Vendor.parent) == name).order_by(col(Vendor.name))
    return [str(n) for n in session.connection().execute(stmt).scalars()]


def article_id_span(session: Session, start: datetime, end: datetime) -> tuple[int, int] | None:
    """SQLite: ids ``lo <= id < hi`` that hold every article of time ``[start, end)``, from the
    date range of each block of ids (migration 0015); None on other databases (no such
    table), or when no block overlaps. A bound may be loose, never wrong."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    shift = DATE_BLOCK_BITS
    row = (
        session.connection()
        .execute(
            text(
                f"SELECT (SELECT min(block) << {shift} FROM article_date_block"
                "         WHERE last_at >= :start AND first_at < :end),"
                f"       (SELECT (max(block) + 1) << {shift} FROM article_date_block"
                "         WHERE last_at >= :start AND first_at < :end)"
            ).bindparams(
                bindparam("start", start, type_=UTCDateTime()),
                bindparam("end", end, type_=UTCDateTime()),
            )
        )
        .one()
    )
    if row[0] is None or row[1] is None:
        return (0, 0)
    return int(row[0]), int(row[1])


def _week_of(start: datetime, dialect: str) -> ColumnElement[int]:
    """The week (0, 1, ...) after ``start`` an article's time falls in."""
    when = article_time()
    at = bindparam("week_start", start, type_=UTCDateTime())
    if dialect == "sqlite":
        return cast((func.julianday(when) - func.julianday(at)) / 7, Integer)
    return cast(func.floor(extract("epoch", when - at) / WEEK_S), Integer)


def weekly_news(
    session: Session, vendor_id: int, name: str, start: datetime, weeks: int
) -> dict[str, list[int]]:
    """Per week from ``start``, the articles that mention the vendor (not rejected) and the
    events that concern it: ``{"mentions": [n, ...], "events": [n, ...]}``, ``weeks`` long.

    Counted in the database, and only over the ids that can fall in the weeks: a busy
    vendor's whole history is never read (Apple: 30,000 mentions in 100,000 articles)."""
    end = start + timedelta(weeks=weeks)
    conn = session.connection()
    week = _week_of(start, session.get_bind().dialect.name)
    inside = [article_between(start, end)]
    span = article_id_span(session, start, end)
    mention_ids: list[ColumnElement[bool]] = []
    event_ids: list[ColumnElement[bool]] = []
    if span is not None:
        mention_ids = [col(Mention.article_id) >= span[0], col(Mention.article_id) < span[1]]
        event_ids = [col(Event.article_id) >= span[0], col(Event.article_id) < span[1]]
    kept = [mention_kept()] if any_rejected_mention(conn) else []
    mentions = conn.execute(
        select(week.label("week"), func.count(distinct(col(Mention.article_id))))
        .select_from(Mention)
        .join(Article, col(Article.id) == col(Mention.article_id))
        .where(col(Mention.vendor_id) == vendor_id, *mention_ids, *inside, *kept)
        .group_by(literal_column("week"))
    ).all()
    events = conn.execute(
        select(week.label("week"), func.count(distinct(col(Event.id))))
        .select_from(EventVendor)
        .join(Event, col(Event.id) == col(EventVendor.event_id))
        .join(Article, col(Article.id) == col(Event.article_id))
        .where(col(EventVendor.vendor) == name, *event_ids, *inside)
        .group_by(literal_column("week"))
    ).all()
    counts = {"mentions": [0] * weeks, "events": [0] * weeks}
    for key, rows in (("mentions", mentions), ("events", events)):
        for index, n in rows:
            if index is not None and 0 <= int(index) < weeks:
                counts[key][int(index)] += int(n)
    return counts


def vendor_articles(session: Session, vendor_id: int, limit: int) -> list[dict[str, Any]]:
    """The latest stored articles (highest ids) that mention the vendor, rejected mentions
    left out: read backwards along the mention index, not sorted out of its whole history."""
    newest = (
        select(col(Mention.article_id))
        .where(col(Mention.vendor_id) == vendor_id, mention_kept())
        .group_by(col(Mention.article_id))
        .order_by(col(Mention.article_id).desc())
        .limit(limit)
        .subquery()
    )
    stmt = (
        select(col(Article.id), col(Article.title), col(Article.url), _raw_time().label("at"))
        .join(newest, newest.c.article_id == col(Article.id))
        .order_by(col(Article.id).desc())
    )
    return [
        {"id": int(r.id), "title": r.title, "url": r.url, "at": _utc(r.at)}
        for r in session.connection().execute(stmt).all()
    ]


def vendor_relations(
    session: Session, name: str, limit: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The relations that name the vendor as supplier, and those that name it as customer,
    the latest stored first (at most ``limit`` of each), with their evidence and article;
    rejected ones left out, confirmed ones marked.

    The latest ids of each side come from its index alone (a busy vendor has thousands of
    reports); only they are joined to their articles and tested for a verdict, as many more
    as the vendor has rejected relations on that side, so the rejected never shorten the
    list. Without any verdict on relations the tests are left out."""
    conn = session.connection()
    verdicts = relation_verdicts(conn)
    is_confirmed: ColumnElement[bool] = (
        relation_confirmed() if CONFIRMED in verdicts else literal(False)
    )
    sides: list[list[dict[str, Any]]] = []
    for side, reviewed in (
        (col(Relation.supplier), col(Review.supplier)),
        (col(Relation.customer), col(Review.customer)),
    ):
        kept: list[ColumnElement[bool]] = []
        spare = 0
        if REJECTED in verdicts:
            kept = [relation_kept()]
            spare = int(
                conn.execute(
                    select(func.count()).where(
                        col(Review.kind) == "relation",
                        col(Review.verdict) == REJECTED,
                        reviewed == name,
                    )
                ).scalar_one()
            )
        latest = (
            select(col(Relation.id).label("id"))
            .where(side == name)
            .order_by(col(Relation.id).desc())
            .limit(limit + spare)
            .subquery("latest")
        )
        stmt = (
            select(
                col(Relation.supplier),
                col(Relation.customer),
                col(Relation.product),
                col(Relation.status),
                col(Relation.confidence),
                col(Relation.evidence),
                col(Relation.article_id),
                col(Article.title),
                _raw_time().label("at"),
                is_confirmed.label("is_confirmed"),
            )
            .select_from(latest)
            .join(Relation, col(Relation.id) == latest.c.id)
            .join(Article, col(Article.id) == col(Relation.article_id))
            .where(*kept)
            .order_by(col(Relation.id).desc())
            .limit(limit)
        )
        sides.append([
            {
                "supplier": r.supplier,
                "customer": r.customer,
                "product": r.product,
                "status": "confirmed" if r.is_confirmed else r.status,
                "confidence": 1.0 if r.is_confirmed else float(r.confidence),
                "is_reviewed": bool(r.is_confirmed),
                "evidence": r.evidence,
                "article_id": int(r.article_id),
                "title": r.title,
                "at": _utc(r.at),
            }
            for r in conn.execute(stmt).all()
        ])  # fmt: skip
    return sides[0], sides[1]


def rejected_for(session: Session, name: str) -> int:
    """How many items about the vendor analysts rejected: relations naming it, mentions of
    it, and links to its products."""
    conn = session.connection()
    named = select(func.count()).where(
        col(Review.verdict) == "rejected",
        col(Review.kind).in_(("relation", "mention")),
        or_(col(Review.supplier) == name, col(Review.customer) == name),
    )
    linked = (
        select(func.count(distinct(col(Review.id))))
        .select_from(Review)
        .join(Article, col(Article.canonical_url) == col(Review.article_url))
        .join(
            ProductMention,
            and_(
                col(ProductMention.article_id) == col(Article.id),
                col(ProductMention.name) == col(Review.supplier),
                func.coalesce(col(ProductMention.catalog_id), literal("")) == col(Review.customer),
            ),
        )
        .where(
            col(Review.verdict) == "rejected",
            col(Review.kind) == "product",
            col(ProductMention.vendor) == name,
        )
    )
    return int(conn.execute(named).scalar_one()) + int(conn.execute(linked).scalar_one())


def rejected_by_source(session: Session) -> dict[str, int]:
    """Per source name, the items analysts rejected in the articles it carried."""
    stmt = (
        select(col(Source.name), func.count(col(Review.id)))
        .select_from(Review)
        .join(Article, col(Article.canonical_url) == col(Review.article_url))
        .join(ArticleSource, col(ArticleSource.article_id) == col(Article.id))
        .join(Source, col(Source.id) == col(ArticleSource.source_id))
        .where(col(Review.verdict) == "rejected")
        .group_by(col(Source.name))
    )
    return {str(name): int(n) for name, n in session.connection().execute(stmt).all()}
