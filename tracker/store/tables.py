"""SQLModel tables. Every schema change here comes with an Alembic migration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.store.types import UTCDateTime


def _utc(index: bool = False, nullable: bool = True) -> Column[datetime]:
    return Column(UTCDateTime(), index=index, nullable=nullable)


class Source(SQLModel, table=True):
    """A feed the tracker fetches."""

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
    content_hash: str = Field(index=True)
    published_at: datetime | None = Field(default=None, sa_column=_utc(index=True))
    fetched_at: datetime = Field(sa_column=_utc(index=True, nullable=False))


class ArticleSource(SQLModel, table=True):
    """Which source carried which article, under which GUID."""

    __tablename__ = "article_source"
    __table_args__ = (UniqueConstraint("source_id", "guid", name="uq_article_source_guid"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
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
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
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

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    supplier: str = Field(index=True)
    customer: str = Field(index=True)
    product: str | None = None
    status: str
    confidence: float
    evidence: str
    attribution: str | None = None


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


class VendorCandidate(SQLModel, table=True):
    """A company-like name the gazetteer lacks, seen in an article."""

    __tablename__ = "vendor_candidate"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    name: str = Field(index=True)
    sentence: str
