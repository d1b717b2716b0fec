"""Test data: stories made as records (for the pure parts) or stored through the store's own
functions (for delivery), with the fetch time the test wants."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select

from tracker.catalog.gazetteer import Gazetteer
from tracker.digest.records import (
    EventRecord,
    MentionRecord,
    ProductRecord,
    RelationRecord,
    StoryRecord,
)
from tracker.models import ArticleRecord, Event, Extraction, ProductMention, Relation, VendorMention
from tracker.store import Store
from tracker.store.articles import link_article, sync_vendors
from tracker.store.identity import save_entry
from tracker.store.sources import source_by_name, upsert_source
from tracker.store.tables import Article

_ids = iter(range(1, 1_000_000))


def story(
    title: str,
    at: datetime,
    *,
    vendors: Sequence[str] = (),
    aliases: Sequence[tuple[str, str]] = (),  # (vendor, the words used)
    events: Sequence[tuple[str, Sequence[str], str]] = (),
    relations: Sequence[tuple[str, str, str] | tuple[str, str, str, float]] = (),
    products: Sequence[tuple[str, str, str]] = (),  # name, catalog id, category
    sources: Sequence[str] = ("wire",),
    url: str | None = None,
    content_hash: str = "",
    text: str = "",
    article_id: int | None = None,
) -> StoryRecord:
    """A StoryRecord; each vendor is mentioned once in the title and once in a sentence."""
    number = article_id if article_id is not None else next(_ids)
    return StoryRecord(
        article_id=number,
        title=title,
        url=url or f"https://news.example/{number}",
        sources=tuple(sources),
        published_at=at,
        fetched_at=at,
        content_hash=content_hash,
        summary=f"Summary of {title}.",
        text=text,
        mentions=tuple(MentionRecord(v, v, f"{v} said something about it.") for v in vendors)
        + tuple(MentionRecord(v, surface, f"{surface} is here.") for v, surface in aliases),
        products=tuple(
            ProductRecord(name, cid, cat, name, f"The {name} is involved.")
            for name, cid, cat in products
        ),
        events=tuple(EventRecord(t, tuple(vs), ev) for t, vs, ev in events),
        relations=tuple(
            RelationRecord(
                r[0], r[1], None, r[2], f"{r[0]} supplies {r[1]}.", r[3] if len(r) > 3 else 1.0
            )
            for r in relations
        ),
    )


def _mentions(text: str, vendors: Sequence[str]) -> list[VendorMention]:
    found = []
    for vendor in vendors:
        start = text.find(vendor)
        if start >= 0:
            found.append(VendorMention(vendor, vendor, start, start + len(vendor), text))
    return found


def store_story(
    store: Store,
    gazetteer: Gazetteer,
    *,
    title: str,
    fetched_at: datetime,
    source: str = "wire",
    published_at: datetime | None = None,
    url: str | None = None,
    sentence: str = "",
    vendors: Sequence[str] = (),
    events: Sequence[tuple[str, Sequence[str], str]] = (),
    relations: Sequence[tuple[str, str]] = (),
    products: Sequence[tuple[str, str, str]] = (),
    content_hash: str | None = None,
) -> int:
    """Store an article through ``save_entry`` (or link it, when its URL or hash is stored)
    and set when it was fetched; returns its id."""
    slug = hashlib.sha1(title.encode()).hexdigest()[:10]
    url = url or f"https://{source}.example/articles/{slug}.html"
    body = f"{title}. {sentence}".strip()
    record = ArticleRecord(
        url=url,
        canonical_url=url,
        title=title,
        summary=sentence or title,
        text=body,
        text_origin="page",
        text_note=None,
        content_hash=content_hash
        if content_hash is not None
        else hashlib.sha256(body.encode()).hexdigest(),
        published_at=published_at,
        extraction=Extraction(
            mentions=_mentions(title, vendors) + _mentions(sentence, vendors),
            products=[
                ProductMention(name, cid, None, cat, name, 0, len(name), sentence or title)
                for name, cid, cat in products
            ],
            relations=[
                Relation(s, c, None, "confirmed", 0.9, sentence or title) for s, c in relations
            ],
            events=[Event(t, tuple(vs), ev) for t, vs, ev in events],
        ),
    )
    with store.session() as session:
        vendor_ids = sync_vendors(session, gazetteer)
        src = source_by_name(session, source)
        if src is None:
            src = upsert_source(session, source, f"https://{source}.example/feed.xml")
            src.is_enabled = False  # made up: `tracker run` must not try to fetch it
            session.add(src)
        assert src.id is not None
        outcome, _ = save_entry(
            session, record, source_id=src.id, guid=url, entry_url=url, vendor_ids=vendor_ids
        )
        article = session.exec(
            select(Article).where(
                (col(Article.canonical_url) == url)
                | (col(Article.content_hash) == record.content_hash)
            )
        ).first()
        assert article is not None
        assert article.id is not None
        if outcome == "new":
            article.fetched_at = fetched_at
            session.add(article)
        else:
            link_article(session, article.id, src.id, url + "#2", url)
        return article.id
