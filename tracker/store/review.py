"""Reviews: an analyst confirms or rejects a relation, a vendor mention or a product link.

A verdict is keyed by the article's canonical URL and the names it is about, so it holds
through refetching and re-extraction: a relation by (supplier, customer), a vendor mention by
(vendor, ""), a product link (a product the article names, tied to a catalog entry or not)
by (product name, catalog id or ""). A rejected relation is left out wherever exposure and
digests read relations (``relation_kept``), a rejected mention wherever they count or quote
mentions (``mention_kept``), a rejected product link wherever they count, quote or match
products (``product_kept``); a confirmed relation counts as ``confirmed`` with full
confidence there (``relation_confirmed``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete

from tracker.errors import UsageError
from tracker.store.tables import Article, Mention, ProductMention, Relation, Review, Vendor

KINDS = ("relation", "mention", "product")
VERDICTS = ("confirmed", "rejected")
REJECTED = "rejected"
CONFIRMED = "confirmed"


def _verdict_on_relation(verdict: str) -> ColumnElement[bool]:
    """A correlated test: the enclosing query's Relation row has this verdict."""
    reviewed = aliased(Article)
    return exists(
        select(col(Review.id))
        .join(reviewed, col(reviewed.canonical_url) == col(Review.article_url))
        .where(
            col(reviewed.id) == col(Relation.article_id),
            col(Review.kind) == "relation",
            col(Review.verdict) == verdict,
            col(Review.supplier) == col(Relation.supplier),
            col(Review.customer) == col(Relation.customer),
        )
    ).correlate(Relation)


def relation_kept() -> ColumnElement[bool]:
    """True for a Relation row of the enclosing query that no analyst rejected."""
    return ~_verdict_on_relation(REJECTED)


def relation_confirmed() -> ColumnElement[bool]:
    """True for a Relation row of the enclosing query that an analyst confirmed."""
    return _verdict_on_relation(CONFIRMED)


def mention_kept() -> ColumnElement[bool]:
    """True for a Mention row of the enclosing query that no analyst rejected."""
    reviewed = aliased(Article)
    named = aliased(Vendor)
    return ~exists(
        select(col(Review.id))
        .join(reviewed, col(reviewed.canonical_url) == col(Review.article_url))
        .join(named, col(named.name) == col(Review.supplier))
        .where(
            col(reviewed.id) == col(Mention.article_id),
            col(named.id) == col(Mention.vendor_id),
            col(Review.kind) == "mention",
            col(Review.verdict) == REJECTED,
        )
    ).correlate(Mention)


def product_kept() -> ColumnElement[bool]:
    """True for a ProductMention row of the enclosing query whose link no analyst rejected."""
    reviewed = aliased(Article)
    return ~exists(
        select(col(Review.id))
        .join(reviewed, col(reviewed.canonical_url) == col(Review.article_url))
        .where(
            col(reviewed.id) == col(ProductMention.article_id),
            col(Review.kind) == "product",
            col(Review.verdict) == REJECTED,
            col(Review.supplier) == col(ProductMention.name),
            col(Review.customer) == func.coalesce(col(ProductMention.catalog_id), literal("")),
        )
    ).correlate(ProductMention)


def _any_rejected(conn: Any, kind: str) -> bool:
    found = conn.execute(
        select(col(Review.id))
        .where(col(Review.kind) == kind, col(Review.verdict) == REJECTED)
        .limit(1)
    ).first()
    return found is not None


def relation_verdicts(conn: Any) -> set[str]:
    """The verdicts given on relations at all (``confirmed``, ``rejected``): without one,
    ``relation_kept`` (``relation_confirmed``) changes nothing and its correlated test (one
    probe per relation row) can be left out."""
    found = conn.execute(
        select(col(Review.verdict)).where(col(Review.kind) == "relation").distinct()
    ).all()
    return {str(v) for (v,) in found}


def any_rejected_mention(conn: Any) -> bool:
    """True when some vendor mention was rejected: without one, ``mention_kept`` filters
    nothing and its correlated test (one probe per mention row) can be left out."""
    return _any_rejected(conn, "mention")


def any_rejected_product(conn: Any) -> bool:
    """True when some product link was rejected (``product_kept`` filters something)."""
    return _any_rejected(conn, "product")


def product_key(name: str, catalog_id: str | None) -> tuple[str, str, str]:
    """The key of a product link among ``verdicts_for``'s."""
    return ("product", name, catalog_id or "")


def record_review(
    session: Session,
    *,
    kind: str,
    verdict: str,
    article_id: int,
    supplier: str,
    customer: str = "",
    reviewer: str = "",
    now: datetime,
) -> Review:
    """Store a verdict on the relation ``supplier -> customer`` (or the mention of vendor
    ``supplier``, or the link of product ``supplier`` to catalog entry ``customer``, "" for
    none) of the article, replacing an earlier one on the same item. UsageError when the
    article does not carry that item."""
    if kind not in KINDS or verdict not in VERDICTS:
        raise UsageError(f"review: {kind!r} {verdict!r} is not a review (kinds {KINDS})")
    article = session.get(Article, article_id)
    if article is None:
        raise UsageError(f"review: no stored article has id {article_id}")
    evidence = _evidence(session, kind, article_id, supplier, customer)
    if evidence is None:
        what = {"relation": f"{supplier} -> {customer}", "mention": supplier}.get(
            kind, f"{supplier} ({customer or 'no catalog entry'})"
        )
        raise UsageError(f"review: article {article_id} has no {kind} {what}")
    if kind == "mention":
        customer = ""
    session.exec(
        delete(Review).where(
            col(Review.kind) == kind,
            col(Review.article_url) == article.canonical_url,
            col(Review.supplier) == supplier,
            col(Review.customer) == customer,
        )
    )
    review = Review(
        kind=kind,
        verdict=verdict,
        article_url=article.canonical_url,
        content_hash=article.content_hash,
        supplier=supplier,
        customer=customer,
        evidence=evidence,
        reviewer=reviewer,
        reviewed_at=now,
    )
    session.add(review)
    session.flush()
    return review


def clear_review(
    session: Session, *, kind: str, article_id: int, supplier: str, customer: str = ""
) -> bool:
    """Forget the verdict on an item; True when there was one."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    result = session.exec(
        delete(Review).where(
            col(Review.kind) == kind,
            col(Review.article_url) == article.canonical_url,
            col(Review.supplier) == supplier,
            col(Review.customer) == ("" if kind == "mention" else customer),
        )
    )
    return bool(result.rowcount)


def _evidence(
    session: Session, kind: str, article_id: int, supplier: str, customer: str
) -> str | None:
    if kind == "relation":
        stmt = select(col(Relation.evidence)).where(
            col(Relation.article_id) == article_id,
            col(Relation.supplier) == supplier,
            col(Relation.customer) == customer,
        )
    elif kind == "product":
        stmt = select(col(ProductMention.sentence)).where(
            col(ProductMention.article_id) == article_id,
            col(ProductMention.name) == supplier,
            func.coalesce(col(ProductMention.catalog_id), "") == customer,
        )
    else:
        stmt = (
            select(col(Mention.sentence))
            .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
            .where(col(Mention.article_id) == article_id, col(Vendor.name) == supplier)
        )
    found = session.connection().execute(stmt.limit(1)).scalar()
    return None if found is None else str(found)


def verdicts_for(session: Session, canonical_url: str) -> dict[tuple[str, str, str], str]:
    """(kind, supplier, customer) -> verdict, for one article."""
    rows = session.connection().execute(
        select(
            col(Review.kind), col(Review.supplier), col(Review.customer), col(Review.verdict)
        ).where(col(Review.article_url) == canonical_url)
    )
    return {(str(k), str(s), str(c)): str(v) for k, s, c, v in rows}


def reviewed_articles(session: Session) -> Iterator[dict[str, Any]]:
    """Each stored article with a verdict, as a record of `tracker eval`'s gold format: what
    the extraction found, less what was rejected, confirmed relations as ``confirmed``; the
    verdicts themselves under ``reviews``. In the order of their first verdict."""
    from tracker.store.reports import article_detail

    stmt = (
        select(col(Article.id), col(Article.canonical_url))
        .join(Review, col(Review.article_url) == col(Article.canonical_url))
        .group_by(col(Article.id), col(Article.canonical_url))
        .order_by(func.min(col(Review.reviewed_at)), col(Article.id))
    )
    for article_id, url in session.connection().execute(stmt).all():
        record = article_detail(session, int(article_id or 0))
        if record is None:
            continue
        verdicts = verdicts_for(session, str(url))
        relations: dict[tuple[str, str], dict[str, Any]] = {}
        for r in record["relations"]:
            verdict = verdicts.get(("relation", r["supplier"], r["customer"]))
            if verdict != REJECTED:
                relations.setdefault(
                    (r["supplier"], r["customer"]),
                    {
                        "supplier": r["supplier"],
                        "customer": r["customer"],
                        "product": r["product"],
                        "status": CONFIRMED if verdict == CONFIRMED else r["status"],
                    },
                )
        yield {
            "id": str(url),
            "style": "reviewed",
            "title": record["title"],
            "text": record["text"],
            "vendors": [
                v["name"]
                for v in record["vendors"]
                if verdicts.get(("mention", v["name"], "")) != REJECTED
            ],
            "products": list(
                dict.fromkeys(
                    p["name"]
                    for p in record["products"]
                    if verdicts.get(product_key(p["name"], p["id"])) != REJECTED
                )
            ),
            "relations": list(relations.values()),
            "events": [{"type": e["type"], "vendors": e["vendors"]} for e in record["events"]],
            "reviews": [
                {"kind": k, "supplier": s, "customer": c, "verdict": v}
                for (k, s, c), v in sorted(verdicts.items())
            ],
        }


__all__ = [
    "any_rejected_mention",
    "any_rejected_product",
    "clear_review",
    "mention_kept",
    "product_kept",
    "product_key",
    "record_review",
    "relation_confirmed",
    "relation_kept",
    "relation_verdicts",
    "reviewed_articles",
    "verdicts_for",
]
