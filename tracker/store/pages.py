"""Reads for the web workspace's pages: recent articles, a vendor's news by week and its
relations with their evidence, each bounded in rows whatever the size of the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from tracker.store.exposure_queries import _raw_time, _utc, article_between
from tracker.store.reports import source_names_for, vendor_names_for
from tracker.store.review import mention_kept, relation_confirmed, relation_kept
from tracker.store.tables import (
    Article,
    ArticleSource,
    Event,
    EventVendor,
    Mention,
    Relation,
    Review,
    Source,
    Vendor,
)


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


def weekly_news(
    session: Session, vendor_id: int, name: str, start: datetime, end: datetime
) -> dict[str, list[datetime]]:
    """The times of the articles that mention the vendor (not rejected) and of the events
    that concern it, between ``start`` and ``end``: ``{"mentions": [...], "events": [...]}``
    (the page buckets them by week)."""
    window = article_between(start, end)
    conn = session.connection()
    mentions = conn.execute(
        select(col(Mention.article_id), _raw_time())
        .join(Article, col(Article.id) == col(Mention.article_id))
        .where(col(Mention.vendor_id) == vendor_id, window, mention_kept())
        .distinct()
    ).all()
    events = conn.execute(
        select(col(Event.id), _raw_time())
        .join(EventVendor, col(EventVendor.event_id) == col(Event.id))
        .join(Article, col(Article.id) == col(Event.article_id))
        .where(col(EventVendor.vendor) == name, window)
    ).all()
    return {
        "mentions": [_utc(t) for _, t in mentions],
        "events": [_utc(t) for _, t in events],
    }


def vendor_articles(session: Session, vendor_id: int, limit: int) -> list[dict[str, Any]]:
    """The newest articles that mention the vendor (mentions not rejected)."""
    stmt = (
        select(col(Article.id), col(Article.title), col(Article.url), _raw_time().label("at"))
        .where(
            col(Article.id).in_(
                select(col(Mention.article_id)).where(
                    col(Mention.vendor_id) == vendor_id, mention_kept()
                )
            )
        )
        .order_by(col(Article.fetched_at).desc(), col(Article.id).desc())
        .limit(limit)
    )
    return [
        {"id": int(r.id), "title": r.title, "url": r.url, "at": _utc(r.at)}
        for r in session.connection().execute(stmt).all()
    ]


def vendor_relations(session: Session, name: str, limit: int) -> list[dict[str, Any]]:
    """The relations that name the vendor as supplier or customer, newest first, with their
    evidence and article; rejected ones left out, confirmed ones marked."""
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
            relation_confirmed().label("is_confirmed"),
        )
        .join(Article, col(Article.id) == col(Relation.article_id))
        .where(or_(col(Relation.supplier) == name, col(Relation.customer) == name), relation_kept())
        .order_by(col(Article.fetched_at).desc(), col(Relation.id))
        .limit(limit)
    )
    return [
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
        for r in session.connection().execute(stmt).all()
    ]


def rejected_for(session: Session, name: str) -> int:
    """How many items naming the vendor analysts rejected."""
    stmt = select(func.count()).where(
        col(Review.verdict) == "rejected",
        or_(col(Review.supplier) == name, col(Review.customer) == name),
    )
    return int(session.connection().execute(stmt).scalar_one())


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
