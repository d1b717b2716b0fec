"""The alerts' outbox: the stories that set an alert off, one row per story and endpoint,
claimed, posted and marked as the digests' outbox is (``tracker.store.digests``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.alerts.payload import AlertStory
from tracker.store.review import mention_kept, product_kept, relation_kept
from tracker.store.tables import (
    AlertOutbox,
    Article,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Vendor,
)

NEW_SUPPLIER = "new_supplier"
# An article's columns a story is made of.
_STORY: tuple[Any, ...] = (
    col(Article.id),
    col(Article.canonical_url),
    col(Article.title),
    col(Article.url),
    col(Article.published_at),
    col(Article.fetched_at),
)


def _when(published: datetime | None, fetched: datetime) -> datetime:
    return published or fetched


def event_stories(
    session: Session,
    since: datetime,
    event_types: Collection[str],
    vendors: Collection[str],
    product_ids: Collection[str],
) -> list[AlertStory]:
    """Articles fetched after ``since`` carrying an event of ``event_types`` about one of
    ``vendors``, or in an article that names (not rejected) one of them or mentions one of
    the catalog products ``product_ids``; one story per article and event type."""
    rows = (
        session.connection()
        .execute(
            sa_select(
                *_STORY,
                col(Event.id),
                col(Event.type),
                col(Event.evidence),
            )
            .join(Event, col(Event.article_id) == col(Article.id))
            .where(col(Article.fetched_at) > since, col(Event.type).in_(sorted(event_types)))
            .order_by(col(Article.id), col(Event.id))
        )
        .all()
    )
    if not rows:
        return []
    article_ids = sorted({int(r[0]) for r in rows})
    event_vendors: dict[int, list[str]] = defaultdict(list)
    for event_id, vendor in session.connection().execute(
        select(col(EventVendor.event_id), col(EventVendor.vendor)).where(
            col(EventVendor.event_id).in_(sorted({int(r[6]) for r in rows}))
        )
    ):
        event_vendors[int(event_id)].append(str(vendor))
    named: dict[int, set[str]] = defaultdict(set)
    for article_id, name in session.connection().execute(
        select(col(Mention.article_id), col(Vendor.name))
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .where(col(Mention.article_id).in_(article_ids), mention_kept())
    ):
        named[int(article_id)].add(str(name))
    products: dict[int, set[str]] = defaultdict(set)
    for article_id, catalog_id in session.connection().execute(
        select(col(ProductMention.article_id), col(ProductMention.catalog_id)).where(
            col(ProductMention.article_id).in_(article_ids),
            col(ProductMention.catalog_id).is_not(None),
            product_kept(),
        )
    ):
        products[int(article_id)].add(str(catalog_id).casefold())
    wanted_products = {p.casefold() for p in product_ids}
    found: dict[tuple[int, str], AlertStory] = {}
    for row in rows:
        article_id, story, title, url, published, fetched, event_id, kind, evidence = tuple(row)
        about = event_vendors.get(int(event_id), [])
        watched = [v for v in about if v in vendors] or sorted(
            named[int(article_id)] & set(vendors)
        )
        if not watched and not products[int(article_id)] & wanted_products:
            continue
        key = (int(article_id), str(kind))
        if key not in found:
            found[key] = AlertStory(
                int(article_id),
                str(story),
                str(title),
                str(url),
                _when(published, fetched),
                str(kind),
                tuple(watched or about),
                str(evidence),
            )
    return list(found.values())


def new_supplier_stories(
    session: Session, since: datetime, customers: Collection[str]
) -> list[AlertStory]:
    """Articles fetched after ``since`` that report a supplier of one of ``customers`` that
    no earlier article reported (rejected relations left out)."""
    if not customers:
        return []
    rows = (
        session.connection()
        .execute(
            sa_select(
                *_STORY,
                col(Relation.supplier),
                col(Relation.customer),
                col(Relation.evidence),
            )
            .join(Relation, col(Relation.article_id) == col(Article.id))
            .where(
                col(Article.fetched_at) > since,
                col(Relation.customer).in_(sorted(customers)),
                col(Relation.status) != "negated",
                relation_kept(),
            )
            .order_by(col(Article.fetched_at), col(Article.id), col(Relation.id))
        )
        .all()
    )
    found: list[AlertStory] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        article_id, story, title, url, published, fetched, supplier, customer, evidence = tuple(row)
        pair = (str(supplier), str(customer))
        if pair in seen:
            continue
        seen.add(pair)
        earlier = (
            session.connection()
            .execute(
                select(func.count())
                .select_from(Relation)
                .join(Article, col(Article.id) == col(Relation.article_id))
                .where(
                    col(Relation.supplier) == pair[0],
                    col(Relation.customer) == pair[1],
                    col(Relation.status) != "negated",
                    col(Article.fetched_at) < fetched,
                    relation_kept(),
                )
            )
            .scalar_one()
        )
        if earlier:
            continue
        found.append(
            AlertStory(
                int(article_id),
                str(story),
                str(title),
                str(url),
                _when(published, fetched),
                NEW_SUPPLIER,
                pair,
                str(evidence),
            )
        )
    return found


def queue_alert(
    session: Session,
    *,
    alert: str,
    endpoint: str,
    story: AlertStory,
    payload: str,
    now: datetime,
) -> bool:
    """Record an alert for the story and endpoint unless one is recorded already (by this
    process or another); True when this call recorded it."""
    exists = session.exec(
        select(AlertOutbox.id).where(
            AlertOutbox.endpoint == endpoint, AlertOutbox.story == story.story
        )
    ).first()
    if exists is not None:
        return False
    row = AlertOutbox(
        alert=alert,
        endpoint=endpoint,
        story=story.story,
        article_id=story.article_id,
        trigger=story.trigger,
        title=story.title,
        payload=payload,
        created_at=now,
        next_attempt_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another worker recorded it a moment ago
        return False
    return True


def due(
    session: Session, now: datetime, endpoints: Collection[str], limit: int = 100
) -> list[AlertOutbox]:
    """The rows for ``endpoints`` whose next attempt has come, oldest first (the rows of an
    endpoint no longer configured stay as they are)."""
    return list(
        session.exec(
            select(AlertOutbox)
            .where(
                col(AlertOutbox.endpoint).in_(sorted(endpoints)),
                col(AlertOutbox.state).in_(("pending", "retrying")),
                col(AlertOutbox.next_attempt_at) <= now,
                or_(
                    col(AlertOutbox.claimed_until).is_(None),
                    col(AlertOutbox.claimed_until) <= now,
                ),
            )
            .order_by(col(AlertOutbox.next_attempt_at), col(AlertOutbox.id))
            .limit(limit)
        )
    )


def claim(session: Session, row_id: int, now: datetime, lease: timedelta) -> bool:
    """Take a row for posting until ``now + lease``; False when another worker holds it or
    it is no longer due."""
    result = session.connection().execute(
        update(AlertOutbox)
        .where(
            col(AlertOutbox.id) == row_id,
            col(AlertOutbox.state).in_(("pending", "retrying")),
            or_(col(AlertOutbox.claimed_until).is_(None), col(AlertOutbox.claimed_until) <= now),
        )
        .values(claimed_until=now + lease)
    )
    return bool(result.rowcount == 1)


def mark_sent(session: Session, row_id: int, now: datetime) -> None:
    """The endpoint took the alert."""
    row = session.get(AlertOutbox, row_id)
    assert row is not None
    row.state, row.sent_at, row.attempts = "sent", now, row.attempts + 1
    row.last_error, row.next_attempt_at, row.claimed_until = None, None, None
    session.add(row)


def mark_failed(
    session: Session, row_id: int, error: str, retry_at: Callable[[int], datetime | None]
) -> AlertOutbox:
    """An attempt failed: the next at ``retry_at(attempts)``, or none (``failed``)."""
    row = session.get(AlertOutbox, row_id)
    assert row is not None
    row.attempts += 1
    row.last_error = error
    row.claimed_until = None
    row.next_attempt_at = retry_at(row.attempts)
    row.state = "retrying" if row.next_attempt_at is not None else "failed"
    session.add(row)
    return row


def recent(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """The latest alerts, newest first, with their delivery state."""
    rows = session.exec(
        select(AlertOutbox)
        .order_by(col(AlertOutbox.created_at).desc(), col(AlertOutbox.id).desc())
        .limit(limit)
    )
    return [
        {
            "id": r.id,
            "alert": r.alert,
            "trigger": r.trigger,
            "title": r.title,
            "article_id": r.article_id,
            "story": r.story,
            "state": r.state,
            "attempts": r.attempts,
            "last_error": r.last_error,
            "created_at": r.created_at,
            "next_attempt_at": r.next_attempt_at if r.state != "sent" else None,
            "sent_at": r.sent_at,
        }
        for r in rows
    ]
