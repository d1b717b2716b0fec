"""SQLModel tables. Every schema change here comes with an Alembic migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.store.types import IdList, UTCDateTime


def _utc(index: bool = False, nullable: bool = True) -> Column[datetime]:
    return Column(UTCDateTime(), index=index, nullable=nullable)


class Source(SQLModel, table=True):
    """A source the tracker fetches: a feed, a listing page or a sitemap (``kind``)."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    url: str = Field(unique=True)
    kind: str = "feed"
    title: str | None = None
    is_enabled: bool = True
    etag: str | None = None
    last_modified: str | None = None
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    last_fetched_at: datetime | None = Field(default=None, sa_column=_utc())
    last_success_at: datetime | None = Field(default=None, sa_column=_utc())
    last_error: str | None = None
    last_error_class: str | None = None
    error_count: int = 0
    # Scheduling and health (migration 0003).
    interval_minutes: int | None = None  # None: [schedule] interval_minutes
    is_adaptive: bool = False  # follow the source's publishing rhythm
    next_attempt_at: datetime | None = Field(default=None, sa_column=_utc(index=True))
    last_error_at: datetime | None = Field(default=None, sa_column=_utc())
    last_http_status: int | None = None
    last_not_modified_at: datetime | None = Field(default=None, sa_column=_utc())
    is_failing: bool = False  # repeated 404s or DNS failures
    disabled_reason: str | None = None  # why tracker turned it off (410 Gone)
    # Which worker holds the source, until when (migration 0007; see tracker.store.leases).
    lease_owner: str | None = None
    lease_expires_at: datetime | None = Field(default=None, sa_column=_utc())
    # Page sources (migration 0008): the operator's override of the link detection, and the
    # signature of the block of article links accepted as the page's layout. ``layout_seen``
    # is the last signature found; ``layout_changed_at`` is set while they differ (or when
    # the page yielded no links at all) until the operator accepts the new layout.
    selector: str | None = None
    xpath: str | None = None
    layout_signature: str | None = None
    layout_seen: str | None = None
    layout_changed_at: datetime | None = Field(default=None, sa_column=_utc())
    layout_note: str | None = None


class HostTurn(SQLModel, table=True):
    """When the next request to a host may start, for every worker (tracker.store.hosts)."""

    __tablename__ = "host_turn"

    host: str = Field(primary_key=True)
    next_at: datetime = Field(sa_column=_utc(nullable=False))


class FetchLog(SQLModel, table=True):
    """One fetch of a source: when, how long, how it ended (for `tracker sources health`)."""

    __tablename__ = "fetch_log"
    __table_args__ = (Index("ix_fetch_log_source_started", "source_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    started_at: datetime = Field(sa_column=_utc(nullable=False))
    elapsed_s: float
    status: str  # ok | not_modified | failed
    http_status: int | None = None
    error_class: str | None = None
    entries: int = 0
    new: int = 0


class Article(SQLModel, table=True):
    """An article, stored once whatever the number of feeds that carry it."""

    __tablename__ = "article"

    id: int | None = Field(default=None, primary_key=True)
    canonical_url: str = Field(unique=True, index=True)
    url: str
    title: str
    summary: str = ""
    text: str = ""
    text_origin: str = "page"
    text_note: str | None = None
    # Unique where not empty: one article per text (migration 0011, a partial index).
    content_hash: str
    # On SQLite the index is on (published_at, fetched_at): a period's times read from it alone
    # (migration 0023).
    published_at: datetime | None = Field(default=None, sa_column=_utc(index=True))
    fetched_at: datetime = Field(sa_column=_utc(index=True, nullable=False))
    # The ids of the vendors its mentions name, sorted: a copy of the mention rows kept in the
    # article so that PostgreSQL's full-text index filters by vendor (migration 0010).
    vendor_ids: list[int] = Field(default_factory=list, sa_column=Column(IdList, nullable=False))


class ArticleSource(SQLModel, table=True):
    """Which source carried which article, under which GUID."""

    __tablename__ = "article_source"
    __table_args__ = (
        UniqueConstraint("source_id", "guid", name="uq_article_source_guid"),
        # An article's sources from the index alone (migration 0017).
        Index("ix_article_source_article_source", "article_id", "source_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    source_id: int = Field(foreign_key="source.id", index=True, ondelete="CASCADE")
    guid: str
    entry_url: str | None = None
    seen_at: datetime = Field(sa_column=_utc(nullable=False))


class Vendor(SQLModel, table=True):
    """A company of the gazetteer, as known to the store."""

    __tablename__ = "vendor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    kind: str
    country: str = ""
    parent: str = ""


class Mention(SQLModel, table=True):
    """A vendor named in an article, with the sentence that shows it."""

    __tablename__ = "mention"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    # indexed with article_id: (vendor_id, article_id), migrations 0009 and 0010
    vendor_id: int = Field(foreign_key="vendor.id")
    surface: str
    sentence: str
    start: int
    end: int


class ProductMention(SQLModel, table=True):
    """A product named in an article, tied to a catalog entry when one matched."""

    __tablename__ = "product_mention"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    catalog_id: str | None = Field(default=None, index=True)
    name: str = Field(index=True)
    vendor: str | None = None
    category: str | None = None
    surface: str
    sentence: str


class Relation(SQLModel, table=True):
    """A supplier relation reported by an article, with its evidence."""

    __tablename__ = "relation"
    # A link's tally (bench/exposure_bench.py) from the index alone, by customer or by
    # supplier (migration 0017). Migration 0020 adds ix_relation_customer_product and
    # ix_relation_supplier_product, partial (product IS NOT NULL): not declared here, where a
    # dialect's where= option would load that dialect (tests/test_startup.py).
    __table_args__ = (
        Index(
            "ix_relation_customer_tally",
            "customer",
            "supplier",
            *("status", "article_id", "reported_at", "confidence", "product"),
        ),
        Index(
            "ix_relation_supplier_tally",
            "supplier",
            "customer",
            *("status", "article_id", "reported_at", "confidence", "product"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    supplier: str
    customer: str
    product: str | None = None
    status: str
    confidence: float
    evidence: str
    attribution: str | None = None
    # The article's time (published, else fetched), copied by a trigger when the row is
    # stored and when the article's dates change (migration 0017): never set it by hand.
    reported_at: datetime | None = Field(default=None, sa_column=_utc())


class Event(SQLModel, table=True):
    """Something that happened, per an article: a type and its evidence."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    type: str = Field(index=True)
    evidence: str
    attribution: str | None = None


class EventVendor(SQLModel, table=True):
    """The vendors an event concerns."""

    __tablename__ = "event_vendor"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    vendor: str = Field(primary_key=True, index=True)


# Tables derived from the others and kept by triggers: outside SQLModel.metadata, so that
# `tracker db copy` leaves them to the target's own triggers.
DERIVED = MetaData()

VENDOR_DAY = Table(
    "vendor_day",
    DERIVED,
    Column("vendor_id", Integer, nullable=False),
    Column("day", String, nullable=False),  # YYYY-MM-DD of the article time, UTC
    Column("articles", Integer, nullable=False),
    Index("ix_vendor_day_day", "day", "vendor_id", "articles"),
)
"""Articles mentioning each vendor per day (migration 0018), rejected mentions included.
Read it by summing: on PostgreSQL a vendor's day has a row per change until
``tallies.compact_vendor_days`` folds them (SQLite keeps one row, keyed)."""


def _per_link(name: str, *columns: Column[Any]) -> Table:
    """A table of the link summary (migration 0022): rows of a (supplier, customer) link."""
    return Table(
        name,
        DERIVED,
        Column("supplier", String, nullable=False),
        Column("customer", String, nullable=False),
        *columns,
    )


RELATION_LINK = _per_link(
    "relation_link",
    Column("status", String, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("first_at", UTCDateTime()),
    Column("last_at", UTCDateTime()),
    Column("confidence", Float, nullable=False),
)
"""Each reported link's reports per status (migration 0022): distinct articles, first and last
time, best confidence, as of the last ``tallies.refresh_relation_links``; the links noted in
``RELATION_LINK_DIRTY`` since are to be read from the relations."""

RELATION_LINK_SOURCE = _per_link("relation_link_source", Column("sources", Integer, nullable=False))
"""Each link's distinct sources over its reports that are not negated (migration 0022)."""

RELATION_LINK_PRODUCT = _per_link(
    "relation_link_product",
    Column("product", String, nullable=False),
    Column("articles", Integer, nullable=False),
)
"""Each link's distinct articles per product its reports name (migration 0022)."""

RELATION_LINK_DIRTY = Table(
    "relation_link_dirty",
    DERIVED,
    Column("id", Integer, primary_key=True),
    Column("supplier", String, nullable=False),
    Column("customer", String, nullable=False),
)
"""The links whose relations changed since the summary was refreshed (noted by triggers)."""


class VendorCandidate(SQLModel, table=True):
    """A company-like name the gazetteer lacks, seen in an article."""

    __tablename__ = "vendor_candidate"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    name: str = Field(index=True)
    sentence: str


class UserVendor(SQLModel, table=True):
    """A company the user added to the gazetteer (`tracker vendors add`)."""

    __tablename__ = "user_vendor"

    name: str = Field(primary_key=True)
    kind: str
    country: str = ""
    aliases: str = ""  # one alias per line
    parent: str = ""
    created_at: datetime = Field(sa_column=_utc(nullable=False))


class UserPart(SQLModel, table=True):
    """A row of the user's parts list (`tracker catalog import`); wins over the catalog."""

    __tablename__ = "user_part"

    part_number: str = Field(primary_key=True)
    name: str
    vendor: str = ""
    category: str
    used_in: str = ""  # catalog ids or names, separated by ";"
    imported_at: datetime = Field(sa_column=_utc(nullable=False))


class DigestRun(SQLModel, table=True):
    """One period of one digest: the window of fetches it covered (migration 0005)."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("digest", "period", name="uq_digest_run_period"),)

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(index=True)
    period: str  # the local date it was due: "2026-11-26"
    window_start: datetime = Field(sa_column=_utc(nullable=False))
    window_end: datetime = Field(sa_column=_utc(nullable=False))
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    stories: int = 0
    subject: str = ""
    is_empty: bool = False  # nothing new and send_empty off: no message was queued


class DigestOutbox(SQLModel, table=True):
    """One digest message to one recipient, recorded before it is sent (migration 0005)."""

    __tablename__ = "digest_outbox"
    __table_args__ = (
        UniqueConstraint("digest", "period", "recipient", name="uq_digest_outbox_recipient"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="digest_run.id", index=True, ondelete="CASCADE")
    digest: str = Field(index=True)
    period: str
    recipient: str  # the bare address, lower case
    message_id: str
    message: str  # the whole message as handed to SMTP (7-bit, CRLF)
    state: str = "pending"  # pending | retrying | sent | failed
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    next_attempt_at: datetime | None = Field(default=None, sa_column=_utc(index=True))
    claimed_until: datetime | None = Field(default=None, sa_column=_utc())  # a sender's lease
    claimed_by: str | None = None  # which sender: host:pid:token (migration 0012)
    sent_at: datetime | None = Field(default=None, sa_column=_utc())


class Review(SQLModel, table=True):
    """An analyst's verdict on a relation or a vendor mention (migration 0012).

    Keyed by what it is about, never by row id: the article's canonical URL and the names
    (supplier and customer of a relation; the vendor of a mention, customer empty), so that
    a verdict holds when the article is fetched again or its findings are extracted again.
    """

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("kind", "article_url", "supplier", "customer", name="uq_review_item"),
        Index("ix_review_pair", "supplier", "customer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # relation | mention
    verdict: str  # confirmed | rejected
    article_url: str = Field(index=True)  # the article's canonical URL
    content_hash: str = ""  # the article's text when reviewed
    supplier: str  # a mention: the vendor
    customer: str = ""
    evidence: str = ""  # the sentence the analyst judged
    reviewer: str = ""
    reviewed_at: datetime = Field(sa_column=_utc(nullable=False))


class AlertOutbox(SQLModel, table=True):
    """One alert to one webhook endpoint, recorded before it is posted (migration 0016).

    At most one row per story and endpoint (the endpoint is a digest of its URL: the URL,
    a secret of the webhook, is read from the configuration when the row is posted)."""

    __tablename__ = "alert_outbox"
    __table_args__ = (UniqueConstraint("endpoint", "story", name="uq_alert_outbox_story"),)

    id: int | None = Field(default=None, primary_key=True)
    alert: str = Field(index=True)  # the [[alerts]] table's name
    endpoint: str  # sha256 of the webhook URL, 16 hex digits
    story: str  # the article's canonical URL
    article_id: int | None = None
    trigger: str  # disruption | export_control | shortage | new_supplier
    title: str = ""
    payload: str  # the JSON body as posted
    state: str = "pending"  # pending | retrying | sent | failed
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    next_attempt_at: datetime | None = Field(default=None, sa_column=_utc(index=True))
    claimed_until: datetime | None = Field(default=None, sa_column=_utc())
    sent_at: datetime | None = Field(default=None, sa_column=_utc())
