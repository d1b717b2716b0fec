"""Read-side queries: counts, top vendors, and the article export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.store.tables import (
    Article,
    ArticleSource,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Source,
    Vendor,
)


def vendor_names_for(session: Session, article_ids: list[int]) -> dict[int, list[str]]:
    """Vendor names per article id, most mentioned first."""
    if not article_ids:
        return {}
    rows = session.exec(
        select(Mention.article_id, Vendor.name, func.count())
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .where(col(Mention.article_id).in_(article_ids))
        .group_by(col(Mention.article_id), col(Vendor.name))
        .order_by(col(Mention.article_id), func.count().desc(), col(Vendor.name))
    )
    result: dict[int, list[str]] = {}
    for article_id, name, _ in rows:
        result.setdefault(article_id, []).append(name)
    return result


def source_names_for(session: Session, article_ids: list[int]) -> dict[int, list[str]]:
    """Source names per article id."""
    if not article_ids:
        return {}
    rows = session.exec(
        select(ArticleSource.article_id, Source.name)
        .join(Source, col(Source.id) == col(ArticleSource.source_id))
        .where(col(ArticleSource.article_id).in_(article_ids))
        .order_by(col(ArticleSource.article_id), col(Source.name))
    )
    result: dict[int, list[str]] = {}
    for article_id, name in rows:
        names = result.setdefault(article_id, [])
        if name not in names:
            names.append(name)
    return result


def findings_for(session: Session, article_ids: list[int]) -> dict[int, dict[str, list[Any]]]:
    """Products, relations and events per article id, as plain records."""
    result: dict[int, dict[str, list[Any]]] = {
        i: {"products": [], "relations": [], "events": []} for i in article_ids
    }
    if not article_ids:
        return result
    seen: set[tuple[int, str | None, str]] = set()
    for p in session.exec(
        select(ProductMention)
        .where(col(ProductMention.article_id).in_(article_ids))
        .order_by(col(ProductMention.id))
    ):
        key = (p.article_id, p.catalog_id, p.name)
        if key not in seen:
            seen.add(key)
            result[p.article_id]["products"].append(
                {"name": p.name, "id": p.catalog_id, "vendor": p.vendor, "category": p.category}
            )
    for r in session.exec(
        select(Relation).where(col(Relation.article_id).in_(article_ids)).order_by(col(Relation.id))
    ):
        result[r.article_id]["relations"].append(
            {
                "supplier": r.supplier,
                "customer": r.customer,
                "product": r.product,
                "status": r.status,
                "confidence": r.confidence,
                "evidence": r.evidence,
            }
        )
    events = list(
        session.exec(
            select(Event).where(col(Event.article_id).in_(article_ids)).order_by(col(Event.id))
        )
    )
    event_vendors: dict[int, list[str]] = {}
    if events:
        for link in session.exec(
            select(EventVendor).where(col(EventVendor.event_id).in_([e.id for e in events]))
        ):
            event_vendors.setdefault(link.event_id, []).append(link.vendor)
    for e in events:
        result[e.article_id]["events"].append(
            {"type": e.type, "vendors": event_vendors.get(e.id or 0, []), "evidence": e.evidence}
        )
    return result


def top_vendors(
    session: Session, limit: int = 10, article_ids: list[int] | None = None
) -> list[tuple[str, int, int]]:
    """(vendor, mentions, articles), most mentioned first; optionally within some articles."""
    stmt = (
        select(Vendor.name, func.count(), func.count(func.distinct(Mention.article_id)))
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .group_by(col(Vendor.name))
        .order_by(func.count().desc(), col(Vendor.name))
        .limit(limit)
    )
    if article_ids is not None:
        stmt = stmt.where(col(Mention.article_id).in_(article_ids))
    return [(name, int(m), int(a)) for name, m, a in session.exec(stmt)]


def totals(session: Session) -> dict[str, int]:
    """Row counts of the main tables."""
    return {
        "sources": int(session.exec(select(func.count()).select_from(Source)).one()),
        "articles": int(session.exec(select(func.count()).select_from(Article)).one()),
        "mentions": int(session.exec(select(func.count()).select_from(Mention)).one()),
    }


def export_articles(
    session: Session, since: datetime | None = None, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """One record per stored article, oldest first, read in batches."""
    last_id = 0
    while True:
        stmt = select(Article).where(col(Article.id) > last_id)
        if since:
            stmt = stmt.where(
                func.coalesce(col(Article.published_at), col(Article.fetched_at)) >= since
            )
        articles = list(session.exec(stmt.order_by(col(Article.id)).limit(batch)))
        if not articles:
            return
        ids = [a.id for a in articles if a.id is not None]
        vendors = vendor_names_for(session, ids)
        sources = source_names_for(session, ids)
        findings = findings_for(session, ids)
        for article in articles:
            assert article.id is not None
            yield {
                "id": article.id,
                "url": article.url,
                "title": article.title,
                "sources": sources.get(article.id, []),
                "published_at": article.published_at,
                "fetched_at": article.fetched_at,
                "text_origin": article.text_origin,
                "vendors": vendors.get(article.id, []),
                **findings.get(article.id, {"products": [], "relations": [], "events": []}),
            }
        last_id = ids[-1]


def stored_vendor_names(session: Session) -> list[str]:
    """Every company name the store knows (the gazetteer's when articles were stored)."""
    return list(session.exec(select(Vendor.name).order_by(col(Vendor.name))))
