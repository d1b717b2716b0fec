"""The vendor page's reads on both backends: articles and events per week, counted in the
database over the weeks' ids only; each side's latest relations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tracker.store import Store
from tracker.store.pages import article_id_span, vendor_relations, weekly_news
from tracker.store.review import record_review
from tracker.store.tables import Article, Event, EventVendor, Mention, Relation, Vendor

START = datetime(2026, 6, 1, tzinfo=UTC)


def test_weekly_news_buckets_by_week_and_skips_other_times(db_url: str) -> None:
    store = Store(db_url)
    # (days after START, published?): week 0, week 0 (fetched only), week 3, week 25 (last
    # hour), before the window, after it
    when = [(0.0, True), (6.9, False), (21.5, True), (25 * 7 + 6.99, True), (-1.0, True),
            (26 * 7 + 0.01, True)]  # fmt: skip
    with store.session() as session:
        acme = Vendor(name="Acme", kind="ems")
        other = Vendor(name="Other", kind="ems")
        session.add_all([acme, other])
        session.flush()
        for i, (days, is_published) in enumerate(when):
            at = START + timedelta(days=days)
            article = Article(
                canonical_url=f"https://x.example/{i}", url=f"https://x.example/{i}",
                title=f"a{i}", content_hash=f"h{i}", published_at=at if is_published else None,
                fetched_at=at if not is_published else at + timedelta(days=40),
            )  # fmt: skip
            session.add(article)
            session.flush()
            for _ in range(2):  # two mentions: one article
                session.add(Mention(article_id=article.id or 0, vendor_id=acme.id or 0,
                                    surface="Acme", sentence="s", start=0, end=4))  # fmt: skip
            session.add(Mention(article_id=article.id or 0, vendor_id=other.id or 0,
                                surface="Other", sentence="s", start=0, end=5))  # fmt: skip
            event = Event(article_id=article.id or 0, type="capacity", evidence="e")
            session.add(event)
            session.flush()
            session.add(EventVendor(event_id=event.id or 0, vendor="Acme"))
            session.add(Relation(article_id=article.id or 0, supplier="Acme", customer="Other",
                                 status="reported", confidence=0.7, evidence=f"r{i}"))  # fmt: skip
        acme_id = acme.id or 0
    with store.read_session() as session:
        counts = weekly_news(session, acme_id, "Acme", START, 26)
        span = article_id_span(session, START, START + timedelta(weeks=26))
        suppliers, customers = vendor_relations(session, "Acme", 2)
        _, of_other = vendor_relations(session, "Other", 10)
    expected = [0] * 26
    expected[0], expected[3], expected[25] = 2, 1, 1
    assert counts == {"mentions": expected, "events": expected}
    if db_url.startswith("sqlite"):
        assert span is not None
        assert span[0] <= 1
        assert span[1] > 6
    else:
        assert span is None
    assert [r["evidence"] for r in suppliers] == ["r5", "r4"]  # the latest stored first
    assert customers == []
    assert len(of_other) == 6
    # The latest one rejected, the next confirmed: still two, the rejected one skipped.
    with store.session() as session:
        for article_id, verdict in ((6, "rejected"), (5, "confirmed")):
            record_review(session, kind="relation", verdict=verdict, article_id=article_id,
                          supplier="Acme", customer="Other", now=START)  # fmt: skip
    with store.read_session() as session:
        suppliers, _ = vendor_relations(session, "Acme", 2)
    assert [(r["evidence"], r["status"]) for r in suppliers] == [("r4", "confirmed"),
                                                                 ("r3", "reported")]  # fmt: skip
    store.close()
