"""Digests: what a period holds (read side) and the outbox of messages (write side).

A period covers the articles *fetched* in (start, end]: what the tracker learned since the
previous digest, whatever date the outlet put on it, so a story fetched late is still sent
once and never twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.digest.records import (
    DigestInput,
    EventRecord,
    MentionRecord,
    Period,
    PriorStory,
    ProductRecord,
    RelationRecord,
    StoryRecord,
)
from tracker.models import RELATION_SHOWN
from tracker.store import Store
from tracker.store.review import mention_kept, product_kept, relation_confirmed, relation_kept
from tracker.store.tables import (
    Article,
    ArticleSource,
    DigestOutbox,
    DigestRun,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Source,
    Vendor,
)

BASELINE_DAYS = 14
PRIOR_DAYS = 3  # a copy of a story fetched this long before the period is not new

# -- what a period holds --------------------------------------------------------------------


def _in_window(start: datetime, end: datetime) -> Any:
    return and_(col(Article.fetched_at) > start, col(Article.fetched_at) <= end)


def story_records(
    session: Session, start: datetime, end: datetime, *, with_text: bool = False
) -> list[StoryRecord]:
    """Every article fetched in (start, end], with its sources and findings."""
    window = _in_window(start, end)
    columns: list[Any] = [
        Article.id,
        Article.title,
        Article.url,
        Article.published_at,
        Article.fetched_at,
        Article.content_hash,
        Article.summary,
    ]
    if with_text:
        columns.append(Article.text)
    stmt: Any = select(*columns).where(window).order_by(col(Article.id))
    rows: list[Any] = list(session.exec(stmt))
    if not rows:
        return []
    sources: dict[int, list[str]] = defaultdict(list)
    for article_id, name in session.exec(
        select(ArticleSource.article_id, Source.name)
        .join(Source, col(Source.id) == col(ArticleSource.source_id))
        .join(Article, col(Article.id) == col(ArticleSource.article_id))
        .where(window)
        .order_by(col(ArticleSource.seen_at), col(ArticleSource.id))
    ):
        if name not in sources[article_id]:
            sources[article_id].append(name)
    mentions: dict[int, list[MentionRecord]] = defaultdict(list)
    for article_id, vendor, surface, sentence in session.exec(
        select(Mention.article_id, Vendor.name, Mention.surface, Mention.sentence)
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .join(Article, col(Article.id) == col(Mention.article_id))
        .where(window, mention_kept())
        .order_by(col(Mention.id))
    ):
        mentions[article_id].append(MentionRecord(vendor, surface, sentence))
    products: dict[int, list[ProductRecord]] = defaultdict(list)
    for p in session.exec(
        select(ProductMention)
        .join(Article, col(Article.id) == col(ProductMention.article_id))
        .where(window, product_kept())
        .order_by(col(ProductMention.id))
    ):
        products[p.article_id].append(
            ProductRecord(p.name, p.catalog_id, p.category, p.surface, p.sentence)
        )
    event_vendors: dict[int, list[str]] = defaultdict(list)
    for event_id, vendor in session.exec(
        select(EventVendor.event_id, EventVendor.vendor)
        .join(Event, col(Event.id) == col(EventVendor.event_id))
        .join(Article, col(Article.id) == col(Event.article_id))
        .where(window)
    ):
        event_vendors[event_id].append(vendor)
    events: dict[int, list[EventRecord]] = defaultdict(list)
    for e in session.exec(
        select(Event)
        .join(Article, col(Article.id) == col(Event.article_id))
        .where(window)
        .order_by(col(Event.id))
    ):
        events[e.article_id].append(
            EventRecord(e.type, tuple(event_vendors.get(e.id or 0, ())), e.evidence)
        )
    relations: dict[int, list[RelationRecord]] = defaultdict(list)
    for r, is_confirmed in session.exec(
        select(Relation, relation_confirmed())
        .join(Article, col(Article.id) == col(Relation.article_id))
        .where(window, relation_kept())
        .order_by(col(Relation.id))
    ):
        # An analyst's confirmation makes the report confirmed and sure; a rejection hides it.
        status, confidence = ("confirmed", 1.0) if is_confirmed else (r.status, r.confidence)
        relations[r.article_id].append(
            RelationRecord(r.supplier, r.customer, r.product, status, r.evidence, confidence)
        )
    return [
        StoryRecord(
            article_id=row[0],
            title=row[1],
            url=row[2],
            sources=tuple(sources.get(row[0], ())),
            published_at=row[3],
            fetched_at=row[4],
            content_hash=row[5] or "",
            summary=row[6] or "",
            text=row[7] if with_text else "",
            mentions=tuple(mentions.get(row[0], ())),
            products=tuple(products.get(row[0], ())),
            events=tuple(events.get(row[0], ())),
            relations=tuple(relations.get(row[0], ())),
        )
        for row in rows
    ]


def prior_stories(session: Session, start: datetime, days: int = PRIOR_DAYS) -> list[PriorStory]:
    """Headlines and text hashes of the articles fetched in the ``days`` before ``start``."""
    rows = session.exec(
        select(Article.title, Article.content_hash).where(
            _in_window(start - timedelta(days=days), start)
        )
    )
    return [PriorStory(title, content_hash or "") for title, content_hash in rows]


def known_relation_pairs(
    session: Session, before: datetime, pairs: Iterable[tuple[str, str]]
) -> frozenset[tuple[str, str]]:
    """Those of ``pairs`` reported (not negated, and sure enough to be shown) by an article
    fetched at or before ``before``."""
    wanted = set(pairs)
    if not wanted:
        return frozenset()
    suppliers = sorted({s for s, _ in wanted})
    rows = session.exec(
        select(Relation.supplier, Relation.customer)
        .join(Article, col(Article.id) == col(Relation.article_id))
        .where(
            col(Article.fetched_at) <= before,
            col(Relation.status) != "negated",
            col(Relation.confidence) >= RELATION_SHOWN,
            col(Relation.supplier).in_(suppliers),
            relation_kept(),
        )
        .distinct()
    )
    return frozenset((s, c) for s, c in rows if (s, c) in wanted)


def vendor_article_counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Per vendor, the articles fetched in (start, end] that name it."""
    rows = session.exec(
        select(Vendor.name, func.count(func.distinct(Mention.article_id)))
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .join(Article, col(Article.id) == col(Mention.article_id))
        .where(_in_window(start, end), mention_kept())
        .group_by(col(Vendor.name))
    )
    return {name: int(n) for name, n in rows}


def has_articles(session: Session, start: datetime, end: datetime) -> bool:
    """True when some article was fetched in (start, end]."""
    found = session.exec(select(Article.id).where(_in_window(start, end)).limit(1)).first()
    return found is not None


def digest_input(session: Session, period: Period, *, with_text: bool = False) -> DigestInput:
    """Everything the selection needs for ``period``."""
    stories = story_records(session, period.start, period.end, with_text=with_text)
    pairs = {(r.supplier, r.customer) for s in stories for r in s.relations}
    baseline_start = period.start - timedelta(days=BASELINE_DAYS)
    return DigestInput(
        stories=stories,
        prior=prior_stories(session, period.start),
        known_pairs=known_relation_pairs(session, period.start, pairs),
        vendor_articles=vendor_article_counts(session, period.start, period.end),
        baseline_articles=vendor_article_counts(session, baseline_start, period.start),
        baseline_days=float(BASELINE_DAYS),
        has_baseline=has_articles(session, baseline_start, period.start),
    )


# -- the runs and the outbox ----------------------------------------------------------------


def run_for(session: Session, digest: str, period: str) -> DigestRun | None:
    """The recorded run of one period of a digest."""
    return session.exec(
        select(DigestRun).where(DigestRun.digest == digest, DigestRun.period == period)
    ).first()


def has_runs(session: Session, digest: str) -> bool:
    """True once a digest has had any period recorded."""
    return session.exec(select(DigestRun.id).where(DigestRun.digest == digest)).first() is not None


def last_window_end(session: Session, digest: str, at_or_before: datetime) -> datetime | None:
    """Where the latest recorded period of ``digest`` ending by ``at_or_before`` stopped."""
    return session.exec(
        select(func.max(DigestRun.window_end)).where(
            DigestRun.digest == digest, col(DigestRun.window_end) <= at_or_before
        )
    ).first()


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A message to record in the outbox."""

    recipient: str  # bare address
    message_id: str
    message: str


def record_run(
    session: Session,
    *,
    digest: str,
    period: Period,
    created_at: datetime,
    stories: int,
    subject: str,
    is_empty: bool,
    messages: Iterable[QueuedMessage],
) -> DigestRun:
    """Record a period and queue its messages (state ``pending``) in one transaction."""
    run = DigestRun(
        digest=digest,
        period=period.key,
        window_start=period.start,
        window_end=period.end,
        created_at=created_at,
        stories=stories,
        subject=subject,
        is_empty=is_empty,
    )
    session.add(run)
    session.flush()
    for message in messages:
        queue_message(session, run, message, created_at)
    return run


def save_plan(
    store: Store,
    *,
    digest: str,
    period: Period,
    now: datetime,
    stories: int,
    subject: str,
    is_empty: bool,
    messages: list[QueuedMessage],
) -> tuple[bool, list[str]] | None:
    """Record the period (unless recorded) and queue those of ``messages`` not queued yet, in
    one transaction. Returns whether this call recorded the period and the recipients it
    queued; None when another process recorded or queued the same thing at the same moment
    (nothing is written)."""
    try:
        with store.session() as session:
            run = run_for(session, digest, period.key)
            if run is None:
                record_run(
                    session,
                    digest=digest,
                    period=period,
                    created_at=now,
                    stories=stories,
                    subject=subject,
                    is_empty=is_empty,
                    messages=messages,
                )
                return True, [m.recipient for m in messages]
            queued = queued_recipients(session, digest, period.key)
            fresh = [m for m in messages if m.recipient not in queued]
            for message in fresh:
                queue_message(session, run, message, now)
            return False, [m.recipient for m in fresh]
    except IntegrityError:
        return None


def queue_message(
    session: Session, run: DigestRun, message: QueuedMessage, now: datetime
) -> DigestOutbox:
    """Queue one message of ``run``, or return the row already queued for that recipient."""
    assert run.id is not None
    existing = session.exec(
        select(DigestOutbox).where(
            DigestOutbox.digest == run.digest,
            DigestOutbox.period == run.period,
            DigestOutbox.recipient == message.recipient,
        )
    ).first()
    if existing is not None:
        return existing
    row = DigestOutbox(
        run_id=run.id,
        digest=run.digest,
        period=run.period,
        recipient=message.recipient,
        message_id=message.message_id,
        message=message.message,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(row)
    session.flush()
    return row


def queued_recipients(session: Session, digest: str, period: str) -> set[str]:
    """The addresses that have a message of this period in the outbox, whatever its state."""
    return set(
        session.exec(
            select(DigestOutbox.recipient).where(
                DigestOutbox.digest == digest, DigestOutbox.period == period
            )
        )
    )


def unsent(
    session: Session,
    *,
    digest: str | None = None,
    period: str | None = None,
    due_by: datetime | None = None,
    include_failed: bool = False,
) -> list[DigestOutbox]:
    """Outbox rows not sent yet: pending and retrying (failed too when asked), oldest first;
    ``due_by`` keeps those whose next attempt has come."""
    states = ["pending", "retrying", *(["failed"] if include_failed else [])]
    stmt = select(DigestOutbox).where(col(DigestOutbox.state).in_(states))
    if digest is not None:
        stmt = stmt.where(DigestOutbox.digest == digest)
    if period is not None:
        stmt = stmt.where(DigestOutbox.period == period)
    if due_by is not None:
        stmt = stmt.where(
            or_(
                col(DigestOutbox.next_attempt_at).is_(None),
                col(DigestOutbox.next_attempt_at) <= due_by,
            )
        )
    return list(session.exec(stmt.order_by(col(DigestOutbox.id))))


def claim(
    session: Session,
    row_id: int,
    holder: str,
    now: datetime,
    lease: timedelta,
    *,
    replacing: str | None = None,
) -> bool:
    """Take a row for sending until ``now + lease`` (another sender skips it meanwhile);
    False when it is sent or another sender holds it. A sender that dies loses the claim
    when it ends, or at once when the caller knows ``replacing`` (its holder) is dead."""
    free = or_(col(DigestOutbox.claimed_until).is_(None), col(DigestOutbox.claimed_until) <= now)
    if replacing is not None:
        free = or_(free, col(DigestOutbox.claimed_by) == replacing)
    result = session.connection().execute(
        update(DigestOutbox)
        .where(col(DigestOutbox.id) == row_id, col(DigestOutbox.state) != "sent", free)
        .values(claimed_until=now + lease, claimed_by=holder)
    )
    return bool(result.rowcount == 1)


def renew(session: Session, row_id: int, holder: str, until: datetime) -> bool:
    """Extend ``holder``'s claim on a row to ``until``; False when it no longer holds it."""
    result = session.connection().execute(
        update(DigestOutbox)
        .where(
            col(DigestOutbox.id) == row_id,
            col(DigestOutbox.claimed_by) == holder,
            col(DigestOutbox.state) != "sent",
        )
        .values(claimed_until=until)
    )
    return bool(result.rowcount == 1)


def renew_claim(store: Store, row_id: int, holder: str, until: datetime) -> bool | None:
    """``renew`` in a transaction of its own; None when the database cannot say right now
    (the renewal is tried again before the claim lapses)."""
    try:
        with store.session() as session:
            return renew(session, row_id, holder, until)
    except SQLAlchemyError:
        return None


def claim_of(session: Session, row_id: int) -> tuple[str | None, datetime | None]:
    """Who holds a row, and until when."""
    row = session.exec(
        select(DigestOutbox.claimed_by, DigestOutbox.claimed_until).where(DigestOutbox.id == row_id)
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def mark_sent(session: Session, row_id: int, holder: str, now: datetime) -> bool:
    """The server accepted the message: recorded only while ``holder`` holds the row (False
    when another sender took it over, and will send it again with the same Message-ID)."""
    result = session.connection().execute(
        update(DigestOutbox)
        .where(
            col(DigestOutbox.id) == row_id,
            col(DigestOutbox.claimed_by) == holder,
            col(DigestOutbox.state) != "sent",
        )
        .values(
            state="sent",
            sent_at=now,
            claimed_until=None,
            claimed_by=None,
            attempts=DigestOutbox.attempts + 1,
            last_error=None,
            next_attempt_at=None,
        )
    )
    return bool(result.rowcount == 1)


def attempts_of(session: Session, row_id: int) -> int:
    """How many attempts a row has had."""
    row = session.get(DigestOutbox, row_id)
    assert row is not None
    return row.attempts


def mark_failed(
    session: Session, row_id: int, error: str, *, retry_at: datetime | None
) -> DigestOutbox:
    """An attempt failed: retry at ``retry_at``, or give up (state ``failed``) when None."""
    row = session.get(DigestOutbox, row_id)
    assert row is not None
    row.attempts += 1
    row.last_error = error
    row.claimed_until, row.claimed_by = None, None
    row.state = "retrying" if retry_at is not None else "failed"
    row.next_attempt_at = retry_at
    session.add(row)
    return row


def reopen(session: Session, row_id: int, now: datetime) -> None:
    """Give a failed row another round of attempts (`tracker digest send` does)."""
    row = session.get(DigestOutbox, row_id)
    assert row is not None
    if row.state == "failed":
        row.state, row.attempts, row.next_attempt_at = "retrying", 0, now
        session.add(row)


def first_message(session: Session, digest: str, period: str) -> str | None:
    """The first message queued for a period of a digest, as it was handed to SMTP (the
    others differ in their To and Message-ID only)."""
    return session.exec(
        select(DigestOutbox.message)
        .where(DigestOutbox.digest == digest, DigestOutbox.period == period)
        .order_by(col(DigestOutbox.id))
    ).first()


def outbox_rows(session: Session, digest: str | None = None) -> list[dict[str, Any]]:
    """Every outbox row, and the empty periods that queued none, newest period first."""
    stmt = select(DigestRun).order_by(col(DigestRun.window_end).desc(), col(DigestRun.id).desc())
    if digest is not None:
        stmt = stmt.where(DigestRun.digest == digest)
    runs = list(session.exec(stmt))
    rows_by_run: dict[int, list[DigestOutbox]] = defaultdict(list)
    if runs:
        for row in session.exec(
            select(DigestOutbox)
            .where(col(DigestOutbox.run_id).in_([r.id for r in runs]))
            .order_by(col(DigestOutbox.id))
        ):
            rows_by_run[row.run_id].append(row)
    result: list[dict[str, Any]] = []
    for run in runs:
        messages = rows_by_run.get(run.id or 0, [])
        if not messages:
            result.append(
                {
                    "digest": run.digest,
                    "period": run.period,
                    "recipient": None,
                    "state": "empty" if run.is_empty else "no recipients",
                    "attempts": 0,
                    "last_error": None,
                    "next_retry": None,
                    "sent_at": None,
                    "stories": run.stories,
                }
            )
        for row in messages:
            result.append(
                {
                    "digest": row.digest,
                    "period": row.period,
                    "recipient": row.recipient,
                    "state": row.state,
                    "attempts": row.attempts,
                    "last_error": row.last_error,
                    "next_retry": row.next_attempt_at if row.state != "sent" else None,
                    "sent_at": row.sent_at,
                    "stories": run.stories,
                }
            )
    return result
