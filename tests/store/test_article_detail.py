"""One stored article whole, found by id or by any URL it is known under (`tracker show`), on
both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.store import Store
from tracker.store.reports import article_detail, article_id_for_url, stored_vendor_names
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

AT = datetime(2026, 11, 20, 6, tzinfo=UTC)
URL = "https://news.example/2026/luxshare-apple"
SENTENCE = "Luxshare will assemble the iPhone for Apple in Vietnam."


def _fill(store: Store) -> int:
    with store.session() as session:
        wire = Source(name="wire", url="https://news.example/feed", created_at=AT)
        other = Source(name="other", url="https://other.example/rss", created_at=AT)
        lux = Vendor(name="Luxshare", kind="ems", country="CN")
        apple = Vendor(name="Apple", kind="oem", country="US")
        article = Article(
            canonical_url=URL,
            url=URL + "?utm_source=rss",
            title="Luxshare to assemble iPhones in Vietnam",
            text=f"{SENTENCE}\nApple declined to comment.",
            content_hash="h1",
            published_at=AT,
            fetched_at=AT,
        )
        session.add_all([wire, other, lux, apple, article])
        session.flush()
        assert article.id is not None
        assert lux.id is not None
        assert apple.id is not None
        session.add_all(
            [
                ArticleSource(
                    article_id=article.id, source_id=wire.id or 0, guid="g1", entry_url=URL,
                    seen_at=AT,
                ),
                ArticleSource(
                    article_id=article.id, source_id=other.id or 0, guid="g2",
                    entry_url="https://other.example/go/8812", seen_at=AT,
                ),
                Mention(article_id=article.id, vendor_id=lux.id, surface="Luxshare",
                        sentence=SENTENCE, start=0, end=8),
                Mention(article_id=article.id, vendor_id=apple.id, surface="Apple",
                        sentence=SENTENCE, start=44, end=49),
                Mention(article_id=article.id, vendor_id=apple.id, surface="Apple",
                        sentence="Apple declined to comment.", start=57, end=62),
                ProductMention(article_id=article.id, catalog_id="apple-iphone", name="iPhone",
                               vendor="Apple", category="device", surface="iPhone",
                               sentence=SENTENCE),
                Relation(article_id=article.id, supplier="Luxshare", customer="Apple",
                         product="iPhone", status="confirmed", confidence=0.8,
                         evidence=SENTENCE),
            ]
        )  # fmt: skip
        event = Event(article_id=article.id, type="capacity", evidence=SENTENCE)
        session.add(event)
        session.flush()
        session.add(EventVendor(event_id=event.id or 0, vendor="Luxshare"))
        return article.id


def test_article_detail_and_lookup_by_url(db_url: str) -> None:
    store = Store(db_url)
    try:
        article_id = _fill(store)
        with store.session() as session:
            for url in (
                URL,  # the canonical URL
                URL + "?utm_source=rss",  # the URL it was stored under
                URL.replace("https://", "http://") + "#comments",  # another scheme, fragment
                "https://other.example/go/8812",  # a feed entry's link that led to it
            ):
                assert article_id_for_url(session, url) == article_id, url
            assert article_id_for_url(session, "https://news.example/2026/other") is None
            assert article_detail(session, article_id + 1) is None
            record = article_detail(session, article_id)
            assert stored_vendor_names(session) == ["Apple", "Luxshare"]
    finally:
        store.close()
    assert record is not None
    assert record["id"] == article_id
    assert record["published_at"] == AT
    assert [s["name"] for s in record["sources"]] == ["wire", "other"]
    assert record["sources"][1]["entry_url"] == "https://other.example/go/8812"
    assert [(v["name"], v["mentions"]) for v in record["vendors"]] == [
        ("Apple", 2),
        ("Luxshare", 1),
    ]
    assert record["vendors"][0]["evidence"][1]["sentence"] == "Apple declined to comment."
    assert record["products"] == [
        {"name": "iPhone", "id": "apple-iphone", "vendor": "Apple", "category": "device",
         "surface": "iPhone", "sentence": SENTENCE}
    ]  # fmt: skip
    assert record["relations"][0]["status"] == "confirmed"
    assert record["relations"][0]["evidence"] == SENTENCE
    assert record["events"] == [
        {"type": "capacity", "vendors": ["Luxshare"], "evidence": SENTENCE, "attribution": None}
    ]
    assert list(record)[-1] == "text"
    assert record["text"].startswith(SENTENCE)
