"""Read-side queries: counts, top vendors, one article whole, and the article export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.store.identity import find_article
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


def _relation_record(r: Relation) -> dict[str, Any]:
    return {
        "supplier": r.supplier,
        "customer": r.customer,
        "product": r.product,
        "status": r.status,
        "confidence": r.confidence,
        "evidence": r.evidence,
        "attribution": r.attribution,
    }


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
        result[r.article_id]["relations"].append(_relation_record(r))
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


# The fields of an exported article, in order (the columns of `tracker export articles`).
EXPORT_FIELDS = (
    "id",
    "url",
    "title",
    "sources",
    "published_at",
    "fetched_at",
    "text_origin",
    "vendors",
    "products",
    "relations",
    "events",
)


def export_articles(
    session: Session, since: datetime | None = None, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """One record per stored article (``EXPORT_FIELDS``), oldest first, read in batches."""
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


def article_id_for_url(session: Session, url: str) -> int | None:
    """The stored article known under ``url``: its canonical form (in either scheme), the
    URL it was stored under, or the link of a feed entry that led to it."""
    from tracker.parse.urls import canonical_url

    found = find_article(session, canonical_url(url))
    if found is not None:
        return found
    written = {url.strip(), canonical_url(url)}
    by_article = session.exec(select(Article.id).where(col(Article.url).in_(written))).first()
    if by_article is not None:
        return by_article
    return session.exec(
        select(ArticleSource.article_id)
        .where(col(ArticleSource.entry_url).in_(written))
        .order_by(col(ArticleSource.id))
    ).first()


def article_detail(session: Session, article_id: int) -> dict[str, Any] | None:
    """One stored article whole: its fields, the sources that carried it, the vendors it
    names with the sentences that show them, its products, relations and events, and its
    text (last). None when there is no such article."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    sources = [
        {
            "name": name,
            "source_url": source_url,
            "guid": link.guid,
            "entry_url": link.entry_url,
            "seen_at": link.seen_at,
        }
        for link, name, source_url in session.exec(
            select(ArticleSource, Source.name, Source.url)
            .join(Source, col(Source.id) == col(ArticleSource.source_id))
            .where(ArticleSource.article_id == article_id)
            .order_by(col(ArticleSource.seen_at), col(ArticleSource.id))
        )
    ]
    vendors: dict[str, dict[str, Any]] = {}
    for mention, name, kind, country in session.exec(
        select(Mention, Vendor.name, Vendor.kind, Vendor.country)
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .where(Mention.article_id == article_id)
        .order_by(col(Mention.start), col(Mention.id))
    ):
        vendor = vendors.setdefault(
            name, {"name": name, "kind": kind, "country": country, "mentions": 0, "evidence": []}
        )
        vendor["mentions"] += 1
        vendor["evidence"].append(
            {"surface": mention.surface, "sentence": mention.sentence, "start": mention.start}
        )
    products = [
        {
            "name": p.name,
            "id": p.catalog_id,
            "vendor": p.vendor,
            "category": p.category,
            "surface": p.surface,
            "sentence": p.sentence,
        }
        for p in session.exec(
            select(ProductMention)
            .where(ProductMention.article_id == article_id)
            .order_by(col(ProductMention.id))
        )
    ]
    relations = [
        _relation_record(r)
        for r in session.exec(
            select(Relation).where(Relation.article_id == article_id).order_by(col(Relation.id))
        )
    ]
    events = list(
        session.exec(select(Event).where(Event.article_id == article_id).order_by(col(Event.id)))
    )
    concerned: dict[int, list[str]] = {}
    if events:
        for link in session.exec(
            select(EventVendor)
            .where(col(EventVendor.event_id).in_([e.id for e in events]))
            .order_by(col(EventVendor.vendor))
        ):
            concerned.setdefault(link.event_id, []).append(link.vendor)
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "published_at": article.published_at,
        "fetched_at": article.fetched_at,
        "sources": sources,
        "summary": article.summary,
        "text_origin": article.text_origin,
        "text_note": article.text_note,
        "content_hash": article.content_hash,
        "vendors": sorted(vendors.values(), key=lambda v: (-v["mentions"], v["name"])),
        "products": products,
        "relations": relations,
        "events": [
            {
                "type": e.type,
                "vendors": concerned.get(e.id or 0, []),
                "evidence": e.evidence,
                "attribution": e.attribution,
            }
            for e in events
        ],
        "text": article.text,
    }
