"""Exposure over real databases (a SQLite file, a PostgreSQL database): articles written through
the store's own functions, the questions asked through StoreExposureData, the clock passed in
as ``now``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlmodel import col, select

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import build_catalog
from tracker.catalog.watch import watch_items
from tracker.config import ExposureSettings, Watchlist
from tracker.exposure import (
    Asked,
    World,
    answer_customer,
    answer_product,
    answer_supplier,
    answer_watchlist,
    make_window,
    reported_links,
    vendor_profile,
)
from tracker.models import (
    ArticleRecord,
    Event,
    Extraction,
    Relation,
    VendorMention,
)
from tracker.store import Store, exposure_queries, tallies
from tracker.store.articles import link_article, replace_findings, sync_vendors
from tracker.store.engine import _alembic_config
from tracker.store.exposure_queries import MANY_VENDORS, StoreExposureData, article_time
from tracker.store.identity import save_entry
from tracker.store.review import record_review
from tracker.store.sources import add_source
from tracker.store.tables import (
    RELATION_LINK,
    RELATION_LINK_DIRTY,
    RELATION_LINK_PRODUCT,
    VENDOR_DAY,
    Article,
    Mention,
)
from tracker.store.tables import Relation as TableRelation
from tracker.store.tallies import compact_vendor_days, refresh_relation_links

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SETTINGS = ExposureSettings()

CATALOG = build_catalog(
    [
        (
            {
                "id": "apple-test-phone",
                "name": "Test Phone",
                "vendor": "Apple",
                "category": "device",
                "makers": [
                    {"role": "assembly", "vendor": "Luxshare"},
                    {"role": "modem", "vendor": "Qualcomm", "product": "qualcomm-test-modem"},
                ],
            },
            "test #1",
        ),
        (
            {
                "id": "qualcomm-test-modem",
                "name": "Test Modem",
                "vendor": "Qualcomm",
                "category": "modem",
                "makers": [{"role": "foundry", "vendor": "TSMC"}],
                "used_in": ["apple-test-phone"],
            },
            "test #2",
        ),
    ]
)


@dataclass
class Corpus:
    """A store and a way to add articles to it, as the fetch pipeline would."""

    store: Store
    gazetteer: Gazetteer
    vendor_ids: dict[str, int]
    sources: dict[str, int] = field(default_factory=dict)
    count: int = 0

    def source(self, name: str) -> int:
        if name not in self.sources:
            with self.store.session() as session:
                self.sources[name] = (
                    add_source(session, name, f"https://{name}.example/feed").id or 0
                )
        return self.sources[name]

    def article(
        self,
        title: str,
        days_ago: float,
        *,
        vendors: Sequence[str] = (),
        relations: Sequence[tuple[str, str, str]] = (),
        events: Sequence[tuple[str, Sequence[str]]] = (),
        sources: Sequence[str] = ("wire",),
        product: str | None = None,
        confidence: float = 0.8,
    ) -> str:
        """Store one article; returns its URL."""
        self.count += 1
        url = f"https://news.example/{self.count}"
        named = list(dict.fromkeys([*vendors, *(n for r in relations for n in r[:2])]))
        named += [n for _, who in events for n in who if n not in named]
        extraction = Extraction(
            mentions=[
                VendorMention(n, n, 0, len(n), f"{n} is in the news ({title}).") for n in named
            ],
            relations=[
                Relation(
                    s, c, product, status, confidence, f"{s} supplies {c} ({title}, {status})."
                )
                for s, c, status in relations
            ],
            events=[
                Event(kind, tuple(who), f"{who[0]}: {kind} ({title}).") for kind, who in events
            ],
        )
        record = ArticleRecord(
            url=url,
            canonical_url=url,
            title=title,
            summary="",
            text=title,
            text_origin="page",
            text_note=None,
            content_hash=hashlib.sha256(url.encode()).hexdigest(),
            published_at=NOW - timedelta(days=days_ago),
            extraction=extraction,
        )
        first, *others = [self.source(name) for name in sources]
        with self.store.session() as session:
            _, article_id = save_entry(
                session,
                record,
                source_id=first,
                guid=url,
                entry_url=url,
                vendor_ids=self.vendor_ids,
            )
            assert article_id is not None
            for other in others:
                link_article(session, article_id, other, url, url)
        return url


@pytest.fixture
def corpus(db_url: str, gazetteer: Gazetteer) -> Iterator[Corpus]:
    """An empty store on a temp-file SQLite, then on a throwaway PostgreSQL database."""
    store = Store(db_url)
    with store.session() as session:
        ids = sync_vendors(session, gazetteer)
    yield Corpus(store, gazetteer, ids)
    store.close()


@pytest.fixture
def world(gazetteer: Gazetteer) -> World:
    return World.build(gazetteer, CATALOG)


def ask_customer(corpus: Corpus, world: World, name: str, tier: int = 1, now: datetime = NOW):
    window = make_window(now, None, SETTINGS)
    with corpus.store.session() as session:
        asked = Asked(world, StoreExposureData(session), window, now, SETTINGS)
        return answer_customer(asked, name, tier=tier)


def test_suppliers_at_tier_one_and_two_with_their_paths(corpus: Corpus, world: World) -> None:
    corpus.article("MediaTek wins Apple modem", 5, relations=[("MediaTek", "Apple", "confirmed")])
    corpus.article("TSMC makes MediaTek chips", 8, relations=[("TSMC", "MediaTek", "confirmed")])
    corpus.article(
        "Zhen Ding boards for Luxshare", 9, relations=[("Zhen Ding", "Luxshare", "reported")]
    )
    one = ask_customer(corpus, world, "apple")
    tier1 = {r.name: r for r in one.rows}
    assert set(tier1) == {"Luxshare", "Qualcomm", "MediaTek"}
    assert {r.path for r in one.rows} == {("Apple", n) for n in tier1}
    assert tier1["Luxshare"].link == "declared"
    assert tier1["Qualcomm"].link == "declared"
    assert tier1["MediaTek"].link == "reported"
    two = ask_customer(corpus, world, "Apple", tier=2)
    tier2 = {r.name: r for r in two.rows if r.tier == 2}
    assert tier2["Zhen Ding"].path == ("Apple", "Luxshare", "Zhen Ding")
    assert tier2["Zhen Ding"].path_text == "Apple <- Luxshare <- Zhen Ding"
    assert tier2["Zhen Ding"].link == "reported"
    # TSMC is reached two ways: declared as Qualcomm's foundry, reported for MediaTek.
    assert tier2["TSMC"].path == ("Apple", "Qualcomm", "TSMC")
    assert tier2["TSMC"].also_via == ("MediaTek",)
    assert tier2["TSMC"].dependency == pytest.approx(SETTINGS.tier_discount)
    assert {r.name for r in two.rows if r.tier == 1} == set(tier1)
    record = two.record()
    assert record["followed"] == ["Luxshare", "Qualcomm", "MediaTek"]
    assert all(r["explanation"] for r in record["rows"])


def test_declared_and_reported_evidence_are_labelled_apart(corpus: Corpus, world: World) -> None:
    url = corpus.article(
        "Luxshare to assemble Test Phone",
        3,
        relations=[("Luxshare", "Apple", "confirmed")],
        sources=("wire", "daily"),
        product="Test Phone",
        confidence=0.9,
    )
    report = ask_customer(corpus, world, "Apple")
    row = next(r for r in report.rows if r.name == "Luxshare")
    assert row.link == "both"
    record = row.record(1)
    assert record["edge"]["declared"] == [
        {
            "product": "apple-test-phone",
            "product_name": "Test Phone",
            "role": "assembly",
            "part": None,
            "origin": "catalog",
        }
    ]
    reported = record["edge"]["reported"]
    assert (reported["articles"], reported["sources"], reported["status"]) == (1, 2, "confirmed")
    assert reported["products"] == ["Test Phone"]
    assert "declared in the catalog: assembly for Test Phone" in row.explanation
    assert "reported in 1 article from 2 sources (Test Phone), last 3 days ago" in row.explanation
    (evidence,) = [e for e in row.evidence if e.kind == "relation"]
    assert evidence.url == url
    assert evidence.sentence.startswith("Luxshare supplies Apple")
    assert evidence.sources == ("daily", "wire")


def test_reported_links_fade_with_the_clock(corpus: Corpus, world: World) -> None:
    corpus.article("MediaTek for Apple", 1, relations=[("MediaTek", "Apple", "confirmed")])
    fresh = next(r for r in ask_customer(corpus, world, "Apple").rows if r.name == "MediaTek")
    later = NOW + timedelta(days=SETTINGS.half_life_days)
    old = next(
        r for r in ask_customer(corpus, world, "Apple", now=later).rows if r.name == "MediaTek"
    )
    assert fresh.dependency == pytest.approx(0.8 * 0.5 ** (1 / SETTINGS.half_life_days))
    assert old.dependency == pytest.approx(fresh.dependency / 2)
    declared = next(
        r for r in ask_customer(corpus, world, "Apple", now=later).rows if r.name == "Luxshare"
    )
    assert declared.dependency == 1.0  # declared links do not fade


def test_a_relation_denied_later_is_not_current(corpus: Corpus, world: World) -> None:
    corpus.article("BOE wins Apple panels", 40, relations=[("BOE", "Apple", "confirmed")])
    corpus.article("Apple drops BOE", 4, relations=[("BOE", "Apple", "negated")])
    corpus.article("Sharp in, then out, then in", 50, relations=[("Sharp", "Apple", "negated")])
    corpus.article("Sharp back at Apple", 2, relations=[("Sharp", "Apple", "confirmed")])
    report = ask_customer(corpus, world, "Apple")
    names = {r.name for r in report.rows}
    assert "BOE" not in names
    assert "Sharp" in names
    (ended,) = report.not_current
    assert (ended.supplier, ended.customer, ended.status) == ("BOE", "Apple", "negated")
    assert "says it ended or was denied" in report.record()["not_current"][0]["explanation"]
    # As of before the denial, BOE was a current supplier.
    before = ask_customer(corpus, world, "Apple", now=NOW - timedelta(days=10))
    assert "BOE" in {r.name for r in before.rows}


def test_later_articles_do_not_count_as_of_an_earlier_time(corpus: Corpus, world: World) -> None:
    corpus.article("MediaTek for Apple", 1, relations=[("MediaTek", "Apple", "confirmed")])
    earlier = ask_customer(corpus, world, "Apple", now=NOW - timedelta(days=5))
    assert "MediaTek" not in {r.name for r in earlier.rows}


def test_news_scores_with_events_first_and_a_baseline(corpus: Corpus, world: World) -> None:
    for i in range(3):
        corpus.article(f"Luxshare routine {i}", 40 + 20 * i, vendors=["Luxshare"])
    corpus.article(
        "Fire at Luxshare Kunshan plant",
        3,
        events=[("disruption", ["Luxshare"])],
        sources=("wire", "daily"),
    )
    corpus.article("Luxshare export rules", 6, events=[("export_control", ["Luxshare"])])
    corpus.article("Luxshare results", 7, events=[("earnings", ["Luxshare"])])
    report = ask_customer(corpus, world, "Apple")
    top = report.rows[0]
    assert top.name == "Luxshare"
    assert top.news is not None
    assert (top.news.mentions, top.news.baseline_mentions) == (3, 3)
    assert list(top.news.events_by_type()) == ["disruption", "export_control", "earnings"]
    assert top.explanation.startswith(
        "1 disruption (Luxshare: disruption (Fire at Luxshare Kunshan"
    )
    assert (
        "reported by 2 sources; 3 mentions (0.7/week) vs 0.2/week usual, up 3.0x" in top.explanation
    )
    assert [e.type for e in top.evidence] == ["disruption", "export_control", "earnings"]
    assert top.score > 0
    assert all(r.score == 0 for r in report.rows[1:])


def test_only_the_events_shown_or_quoted_are_given_their_words(
    corpus: Corpus, world: World
) -> None:
    """The window's events are read bare (type, time, article); the evidence shown and the
    latest event of each of the first two types, quoted in the explanation even when it is
    not among the evidence, are given their article and sentence."""
    for i in range(4):
        corpus.article(f"Strike {i} at Luxshare", 1 + i, events=[("disruption", ["Luxshare"])])
    corpus.article("Luxshare export rules", 9, events=[("export_control", ["Luxshare"])])
    window = make_window(NOW, None, SETTINGS)
    with corpus.store.session() as session:
        data = StoreExposureData(session)
        bare = data.events(["Luxshare"], window.start, window.end)
        assert len(bare) == 5
        assert {(e.title, e.url, e.evidence) for e in bare} == {("", "", "")}
        details = data.event_details([bare[0].event_id])
        title, url, evidence = details[bare[0].event_id]
        assert url.startswith("https://news.example/")
        assert evidence == f"Luxshare: {bare[0].type} ({title})."
    top = ask_customer(corpus, world, "Apple").rows[0]
    assert top.name == "Luxshare"
    assert [(e.type, e.title) for e in top.evidence] == [
        ("disruption", "Strike 0 at Luxshare"),
        ("disruption", "Strike 1 at Luxshare"),
        ("disruption", "Strike 2 at Luxshare"),
    ]
    assert "(Luxshare: disruption (Strike 0 at Luxshare)., yesterday)" in top.explanation
    assert "(Luxshare: export_control (Luxshare export rules)., " in top.explanation


def test_a_parent_includes_its_subsidiaries(corpus: Corpus, world: World) -> None:
    corpus.article(
        "Delta powers FII racks",
        5,
        relations=[("Delta Electronics", "Foxconn Industrial Internet", "confirmed")],
    )
    report = ask_customer(corpus, world, "foxconn")
    row = next(r for r in report.rows if r.name == "Delta Electronics")
    assert row.path == ("Foxconn", "Delta Electronics")
    assert row.through == "Foxconn Industrial Internet"


def test_who_depends_on_a_supplier(corpus: Corpus, world: World) -> None:
    corpus.article("Luxshare for OpenAI", 5, relations=[("Luxshare", "OpenAI", "confirmed")])
    corpus.article("Strike at Luxshare", 2, events=[("disruption", ["Luxshare"])])
    window = make_window(NOW, None, SETTINGS)
    with corpus.store.session() as session:
        asked = Asked(world, StoreExposureData(session), window, NOW, SETTINGS)
        report = answer_supplier(asked, "Luxshare Precision", tier=1)
    assert report.subject == "Luxshare"
    rows = {r.name: r for r in report.rows}
    assert set(rows) == {"Apple", "OpenAI"}
    assert rows["Apple"].via == ("Test Phone",)
    assert rows["Apple"].path_text == "Luxshare -> Apple"
    assert report.subject_explanation.startswith("1 disruption")


def test_a_product_its_makers_and_their_news(corpus: Corpus, world: World) -> None:
    corpus.article("TSMC fab fire", 2, events=[("disruption", ["TSMC"])])
    window = make_window(NOW, None, SETTINGS)
    with corpus.store.session() as session:
        asked = Asked(world, StoreExposureData(session), window, NOW, SETTINGS)
        report = answer_product(asked, "test phone", tier=2)
    rows = {r.name: r for r in report.rows}
    assert set(rows) == {"Apple", "Luxshare", "Qualcomm", "TSMC"}
    assert rows["TSMC"].path == ("Test Phone", "Test Modem", "TSMC (foundry)")
    assert rows["TSMC"].tier == 2
    assert report.rows[0].name == "TSMC"


def test_a_watchlist_is_ranked_by_exposure(corpus: Corpus, world: World) -> None:
    corpus.article("TSMC fab fire", 2, events=[("disruption", ["TSMC"])])
    corpus.article("Luxshare results", 2, events=[("earnings", ["Luxshare"])])
    window = make_window(NOW, None, SETTINGS)
    wanted = Watchlist("w", ("luxshare", "Murata"), ("Test Modem",))
    items = watch_items(wanted, world.gazetteer, world.catalog)
    with corpus.store.session() as session:
        asked = Asked(world, StoreExposureData(session), window, NOW, SETTINGS)
        report = answer_watchlist(asked, "w", items, question="watchlist")
    assert [r.name for r in report.rows] == ["Test Modem", "Luxshare", "Murata"]
    assert report.rows[0].explanation.startswith(
        "most exposed through TSMC (foundry of Test Modem)"
    )


def _article_id(corpus: Corpus, url: str) -> int:
    with corpus.store.session() as session:
        found = session.exec(select(col(Article.id)).where(col(Article.canonical_url) == url))
        return int(found.one() or 0)


def test_a_relation_carries_its_article_time(corpus: Corpus) -> None:
    """Migration 0017's triggers: the store path, an insert that leaves the time out, and a
    change of the article's dates all give the relation its article's time."""
    url = corpus.article("MediaTek for Apple", 3, relations=[("MediaTek", "Apple", "confirmed")])
    article_id = _article_id(corpus, url)
    with corpus.store.session() as session:
        session.add(
            TableRelation(
                article_id=article_id,
                supplier="TSMC",
                customer="Apple",
                status="reported",
                confidence=0.7,
                evidence="TSMC makes chips for Apple.",
            )
        )
        session.commit()
        times = session.exec(select(col(TableRelation.reported_at))).all()
        assert times == [NOW - timedelta(days=3)] * 2
        article = session.get(Article, article_id)
        assert article is not None
        article.published_at = None
        session.add(article)
        session.commit()
        fetched = article.fetched_at
        assert session.exec(select(col(TableRelation.reported_at))).all() == [fetched] * 2


def test_a_rejected_relation_leaves_exposure_and_a_confirmed_one_is_sure(
    corpus: Corpus, world: World
) -> None:
    wrong = corpus.article("Sharp for Apple?", 3, relations=[("Sharp", "Apple", "reported")])
    right = corpus.article(
        "MediaTek for Apple", 2, relations=[("MediaTek", "Apple", "reported")], confidence=0.7
    )
    rows = {r.name: r for r in ask_customer(corpus, world, "Apple").rows}
    assert rows["Sharp"].edge is not None
    assert rows["MediaTek"].edge.reported.status == "reported"  # type: ignore[union-attr]
    with corpus.store.session() as session:
        for url, supplier, verdict in (
            (wrong, "Sharp", "rejected"),
            (right, "MediaTek", "confirmed"),
        ):
            record_review(
                session,
                kind="relation",
                verdict=verdict,
                article_id=_article_id(corpus, url),
                supplier=supplier,
                customer="Apple",
                now=NOW,
            )
        session.commit()
    rows = {r.name: r for r in ask_customer(corpus, world, "Apple").rows}
    assert "Sharp" not in rows
    reported = rows["MediaTek"].edge.reported  # type: ignore[union-attr]
    assert reported is not None
    assert (reported.status, reported.confidence) == ("confirmed", 1.0)


def _vendor_days(corpus: Corpus) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
    """vendor_day as kept by the triggers (summed: on PostgreSQL a day has a row per change
    until compacted), and as counted from the mentions now."""
    with corpus.store.session() as session:
        conn = session.connection()
        sums: dict[tuple[int, str], int] = {}
        for v, d, n in conn.execute(select(VENDOR_DAY)).all():
            sums[(int(v), str(d))] = sums.get((int(v), str(d)), 0) + int(n)
        kept = {key: n for key, n in sums.items() if n}  # a day whose articles all went: 0
        pairs = conn.execute(
            select(col(Mention.vendor_id), col(Mention.article_id), article_time())
            .join(Article, col(Article.id) == col(Mention.article_id))
            .distinct()
        ).all()
    counted: dict[tuple[int, str], int] = {}
    for vendor_id, _, at in pairs:
        key = (int(vendor_id), at.astimezone(UTC).date().isoformat())
        counted[key] = counted.get(key, 0) + 1
    return kept, counted


def test_vendor_days_follow_every_write(corpus: Corpus, gazetteer: Gazetteer) -> None:
    """Migration 0018's triggers: stored articles (several mentions of a vendor count once),
    a new extraction, a change of date and a deleted article all keep vendor_day exact."""
    first = corpus.article("TSMC and Apple", 3, vendors=["TSMC", "Apple", "TSMC"])
    corpus.article("TSMC alone", 3, vendors=["TSMC"])
    third = corpus.article("Apple late", 40, vendors=["Apple", "Luxshare"])
    kept, counted = _vendor_days(corpus)
    assert kept == counted
    assert sum(kept.values()) == 5
    with corpus.store.session() as session:
        article = session.exec(select(Article).where(col(Article.canonical_url) == first)).one()
        assert article.id is not None
        extraction = Extraction(
            mentions=[VendorMention(n, n, 0, len(n), f"{n} again.") for n in ("Apple", "Intel")]
        )
        replace_findings(session, article.id, extraction, corpus.vendor_ids)
        session.commit()
        assert _vendor_days(corpus)[0] == _vendor_days(corpus)[1]
        article.published_at = NOW - timedelta(days=10)
        session.add(article)
        other = session.exec(select(Article).where(col(Article.canonical_url) == third)).one()
        other.published_at = None  # its fetch time counts now
        session.add(other)
        session.commit()
        kept, counted = _vendor_days(corpus)
        assert kept == counted
        session.delete(other)
        session.commit()
    kept, counted = _vendor_days(corpus)
    assert kept == counted
    assert sum(kept.values()) == 3
    # PostgreSQL: folding the change rows keeps every sum and leaves one row per vendor and day
    folded = compact_vendor_days(corpus.store.engine)
    assert (folded is None) == (corpus.store.engine.dialect.name == "sqlite")
    assert _vendor_days(corpus) == (kept, counted)
    with corpus.store.session() as session:
        rows = session.connection().execute(select(VENDOR_DAY.c.vendor_id, VENDOR_DAY.c.day))
        keys = [tuple(row) for row in rows]
    assert len(keys) == len(set(keys))


def test_rejected_mentions_leave_the_counts(corpus: Corpus) -> None:
    """A rejected mention is not counted, whether its day is whole in the period or at its
    edge (vendor_day counts it; the query takes it away)."""
    window = make_window(NOW, None, SETTINGS)
    whole = corpus.article("TSMC mid-window", 10, vendors=["TSMC"])
    edge = corpus.article("TSMC at the edge", 29.9, vendors=["TSMC"])  # the window's first day
    corpus.article("TSMC kept", 12, vendors=["TSMC"])
    with corpus.store.session() as session:
        assert StoreExposureData(session).mention_counts(["TSMC"], window) == {"TSMC": (3, 0)}
        for url in (whole, edge):
            record_review(
                session,
                kind="mention",
                verdict="rejected",
                article_id=_article_id(corpus, url),
                supplier="TSMC",
                now=NOW,
            )
        session.commit()
        assert StoreExposureData(session).mention_counts(["TSMC"], window) == {"TSMC": (1, 0)}


def test_both_ways_of_counting_agree(corpus: Corpus) -> None:
    corpus.article("A", 3, vendors=["TSMC", "Apple"], events=[("shortage", ["TSMC"])])
    corpus.article("B", 50, vendors=["TSMC"], events=[("capacity", ["TSMC", "Apple"])])
    window = make_window(NOW, None, SETTINGS)
    many = [f"Nobody {i}" for i in range(MANY_VENDORS + 1)]
    with corpus.store.session() as session:
        data = StoreExposureData(session)
        by_index = data.mention_counts(["TSMC", "Apple"], window)
        by_time = data.mention_counts(["TSMC", "Apple", *many], window)
        assert by_index == by_time == {"TSMC": (1, 1), "Apple": (1, 1)}
        few = data.events(["TSMC"], window.start, window.end)
        lots = data.events(["TSMC", *many], window.start, window.end)
        assert [(e.vendor, e.type) for e in few] == [(e.vendor, e.type) for e in lots]
        assert [(e.vendor, e.type) for e in few] == [("TSMC", "shortage")]


def test_vendor_profile(corpus: Corpus, world: World) -> None:
    corpus.article("Luxshare for OpenAI", 5, relations=[("Luxshare", "OpenAI", "confirmed")])
    corpus.article("Zhen Ding for Luxshare", 12, relations=[("Zhen Ding", "Luxshare", "confirmed")])
    corpus.article("Strike at Luxshare", 2, events=[("disruption", ["Luxshare"])])
    with corpus.store.session() as session:
        profile = vendor_profile(
            world, StoreExposureData(session), "立讯精密", now=NOW, settings=SETTINGS
        )
    assert profile["name"] == "Luxshare"
    assert "Luxshare Precision" in profile["aliases"]
    customers = {c["name"]: c for c in profile["customers"]}
    assert customers["Apple"]["declared"] == 1
    assert customers["Apple"]["reported_articles"] == 0
    assert customers["OpenAI"]["reported_articles"] == 1
    assert [s["name"] for s in profile["suppliers"]] == ["Zhen Ding"]
    assert [e["type"] for e in profile["recent_events"]] == ["disruption"]
    weeks = profile["mentions_per_week"]
    assert len(weeks) == 8
    assert [w["articles"] for w in weeks][-2:] == [1, 2]
    assert sum(w["articles"] for w in weeks) == 3


def test_the_whole_graph(corpus: Corpus, world: World) -> None:
    corpus.article("Luxshare for OpenAI", 5, relations=[("Luxshare", "OpenAI", "confirmed")])
    with corpus.store.session() as session:
        facts = StoreExposureData(session).relation_facts(end=NOW)
    links = reported_links(facts, NOW, SETTINGS.half_life_days)
    assert [(r.supplier, r.customer, r.articles) for r in links] == [("Luxshare", "OpenAI", 1)]


def test_links_to_companies_excluded_are_not_read(corpus: Corpus) -> None:
    corpus.article(
        "Two suppliers",
        5,
        relations=[("Luxshare", "OpenAI", "confirmed"), ("TSMC", "OpenAI", "reported")],
        sources=("wire", "daily"),
    )
    corpus.article("A customer", 6, relations=[("Luxshare", "Apple", "confirmed")])
    with corpus.store.session() as session:
        data = StoreExposureData(session)
        upstream = data.relation_facts(customers=["OpenAI"], end=NOW, excluding=["TSMC"])
        downstream = data.relation_facts(suppliers=["Luxshare"], end=NOW, excluding=["Apple"])
    assert [(t.supplier, t.customer) for t in upstream.tallies] == [("Luxshare", "OpenAI")]
    assert list(upstream.sources) == [("Luxshare", "OpenAI", 2)]
    assert [(t.supplier, t.customer) for t in downstream.tallies] == [("Luxshare", "OpenAI")]


def test_a_links_products_are_counted_from_their_own_index(corpus: Corpus) -> None:
    """The reports naming a product have an index of their own (migration 0020): the count
    of a link's products reads it alone, on both backends the same counts."""
    for i, product in enumerate(["iPhone", "iPhone", None]):
        corpus.article(
            f"Luxshare {i}", 5 + i, relations=[("Luxshare", "Apple", "confirmed")], product=product
        )
    corpus.article(
        "Luxshare Watch", 9, relations=[("Luxshare", "Apple", "reported")], product="Watch"
    )
    with corpus.store.session() as session:
        facts = StoreExposureData(session).relation_facts(customers=["Apple"], end=NOW)
        conn = session.connection()
        indexes = {i["name"] for i in inspect(conn).get_indexes("relation")}
        plan = ""
        if conn.dialect.name == "sqlite":
            plan = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT supplier, product, count(DISTINCT article_id)"
                    " FROM relation WHERE customer = 'Apple' AND product IS NOT NULL"
                    " GROUP BY supplier, customer, product"
                )
            )
    assert sorted(facts.products) == [
        ("Luxshare", "Apple", "Watch", 1),
        ("Luxshare", "Apple", "iPhone", 2),
    ]
    assert {"ix_relation_customer_product", "ix_relation_supplier_product"} <= indexes
    assert plan == "" or "COVERING INDEX ix_relation_customer_product" in plan


def _link_facts(corpus: Corpus, *, summary: bool) -> list[list[tuple[object, ...]]]:
    """``relation_facts`` into Apple and out of TSMC, from the link summary where it can
    answer (``summary``) or from every report, sorted for comparing."""
    with corpus.store.session() as session:
        data = StoreExposureData(session, is_parallel=False)
        if not summary:
            data._raw_links = lambda: None  # type: ignore[method-assign]
        found = [
            data.relation_facts(customers=["Apple"], end=NOW),
            data.relation_facts(suppliers=["TSMC"], end=NOW),
            data.relation_facts(customers=["Apple"], end=NOW, excluding=["Luxshare"]),
        ]
    return [
        sorted(part) for facts in found for part in (facts.tallies, facts.sources, facts.products)
    ]


def _notes(corpus: Corpus) -> int:
    with corpus.store.session() as session:
        return len(session.connection().execute(select(RELATION_LINK_DIRTY.c.id)).all())


def _same_links(corpus: Corpus) -> list[list[tuple[object, ...]]]:
    """The summary answers as the reports do, before its refresh and after it."""
    before = _link_facts(corpus, summary=True)
    assert before == _link_facts(corpus, summary=False)
    assert refresh_relation_links(corpus.store.engine) is not None
    assert _notes(corpus) == 0
    after = _link_facts(corpus, summary=True)
    assert after == before
    return after


def test_the_link_summary_follows_every_write(corpus: Corpus) -> None:
    """Migration 0022: whatever changes a link's reports (a new report, a second source, a new
    extraction, a change of date, a deleted article, an analyst's verdict), a question answers
    as if it tallied every report, before the summary is refreshed and after."""
    first = corpus.article("TSMC and Apple", 3, relations=[("TSMC", "Apple", "confirmed")])
    corpus.article("Again", 5, relations=[("TSMC", "Apple", "reported")], sources=("wire", "daily"))
    corpus.article("Modems", 8, relations=[("TSMC", "Qualcomm", "planned")], product="N3")
    denied = corpus.article("Denied", 2, relations=[("Samsung Electronics", "Apple", "negated")])
    late = corpus.article("Assembly", 40, relations=[("Luxshare", "Apple", "confirmed")])
    assert _notes(corpus) > 0  # the triggers noted every link
    facts = _same_links(corpus)
    assert facts[0]  # tallies of the links into Apple
    assert facts[1]  # and their sources
    with corpus.store.session() as session:
        conn = session.connection()
        assert len(conn.execute(select(RELATION_LINK)).all()) == 5
        assert {tuple(r) for r in conn.execute(select(RELATION_LINK_PRODUCT)).all()} == {
            ("TSMC", "Qualcomm", "N3", 1)
        }
    # A second source carries the first article.
    with corpus.store.session() as session:
        assert link_article(session, _article_id(corpus, first), corpus.source("daily"), "g", None)
        session.commit()
    _same_links(corpus)
    # A new extraction of it, a change of date, a deleted article.
    with corpus.store.session() as session:
        extraction = Extraction(
            relations=[Relation("TSMC", "Apple", "A18", "planned", 0.9, "TSMC will make A18.")]
        )
        replace_findings(session, _article_id(corpus, first), extraction, corpus.vendor_ids)
        session.commit()
    _same_links(corpus)
    with corpus.store.session() as session:
        article = session.get(Article, _article_id(corpus, late))
        assert article is not None
        article.published_at = NOW - timedelta(days=1)
        session.add(article)
        session.commit()
    assert _same_links(corpus) != facts
    with corpus.store.session() as session:
        session.delete(session.get(Article, _article_id(corpus, denied)))
        session.commit()
    _same_links(corpus)
    # Reviewed links are read from their reports (a verdict changes what counts).
    with corpus.store.session() as session:
        for verdict, supplier in (("confirmed", "TSMC"), ("rejected", "Luxshare")):
            record_review(
                session,
                kind="relation",
                verdict=verdict,
                article_id=_article_id(corpus, first if supplier == "TSMC" else late),
                supplier=supplier,
                customer="Apple",
                now=NOW,
            )
        session.commit()
    reviewed = _same_links(corpus)
    assert not any(t[0] == "Luxshare" for t in reviewed[0])
    assert ("TSMC", "Apple", "confirmed") in {t[:3] for t in reviewed[0]}


def test_many_changed_links_tally_every_report(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_RAW changed links a question tallies every report, and answers the same;
    past REBUILD_LINKS the refresh rebuilds the whole summary."""
    for i, supplier in enumerate(("TSMC", "Luxshare", "Foxconn")):
        corpus.article(f"Link {i}", i + 1, relations=[(supplier, "Apple", "confirmed")])
    monkeypatch.setattr(exposure_queries, "MAX_RAW", 1)
    with corpus.store.session() as session:
        assert StoreExposureData(session)._raw_links() is None
    monkeypatch.setattr(tallies, "REBUILD_LINKS", 1)
    assert refresh_relation_links(corpus.store.engine) == 3
    monkeypatch.setattr(exposure_queries, "MAX_RAW", 2_000)
    assert _link_facts(corpus, summary=True) == _link_facts(corpus, summary=False)
    with corpus.store.session() as session:
        assert StoreExposureData(session)._raw_links() == set()


def test_a_periods_events_and_their_times_come_from_the_index_alone(corpus: Corpus) -> None:
    """Migration 0023: on SQLite the article's two times are indexed together, so the events
    of a window (and their times) are read without the article rows, whose text comes first;
    the same events on both backends, and a downgrade gives the old index back."""
    corpus.article("Kioxia fire", 3, events=[("disruption", ["Kioxia"])])
    corpus.article("Kioxia old", 40, events=[("shortage", ["Kioxia"])])
    with corpus.store.session() as session:
        data = StoreExposureData(session, is_parallel=False)
        found = data.events(["Kioxia"], NOW - timedelta(days=30), NOW)
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            stmt = data._bare_event_select().where(
                exposure_queries.article_between(NOW - timedelta(days=30), NOW)
            )
            compiled = stmt.compile(conn)
            plan = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())
                )
            )
            assert "COVERING INDEX ix_article_published_fetched" in plan, plan
            assert "ix_article_published_at" not in plan
    assert [(e.vendor, e.type) for e in found] == [("Kioxia", "disruption")]
    assert found[0].at == NOW - timedelta(days=3)
    engine = corpus.store.engine
    if engine.dialect.name != "sqlite":
        return
    index_names = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'article'"
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0022")
        assert "ix_article_published_at" in set(conn.exec_driver_sql(index_names).scalars())
        command.upgrade(cfg, "0023")
        names = set(conn.exec_driver_sql(index_names).scalars())
    assert "ix_article_published_fetched" in names
    assert "ix_article_published_at" not in names
