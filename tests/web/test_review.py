"""Reviews: one click confirms or rejects a relation, a vendor mention or a product link; a
rejection holds through re-extraction and leaves exposure, digests and alerts; `tracker export
labels` writes the reviewed articles for `tracker eval`."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from tests.conftest import SAMPLE_NOW
from tests.web.conftest import ServeFn, Store
from tracker.cli.app import app
from tracker.exposure.scores import Window
from tracker.store.alerts import event_stories
from tracker.store.digests import known_relation_pairs, story_records, vendor_article_counts
from tracker.store.exposure_queries import StoreExposureData
from tracker.store.tables import ProductMention, Relation

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def review(client: object, article: int, verdict: str, **item: str) -> object:
    page = client.get(f"/article/{article}")  # type: ignore[attr-defined]
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf": token, "article_id": str(article), "verdict": verdict, **item}
    return client.post("/review", data=form)  # type: ignore[attr-defined]


def reported_pairs(store: Store) -> set[tuple[str, str, str]]:
    with store.session() as session:
        facts = StoreExposureData(session, is_parallel=False).relation_facts(
            suppliers=["Foxconn", "Luxshare"], end=SAMPLE_NOW
        )
    return {(t.supplier, t.customer, t.status) for t in facts.tallies}


def test_reject_and_confirm_a_relation(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    store, ids = web_store
    assert ("Foxconn", "Nvidia", "confirmed") in reported_pairs(store)
    with serve().client() as client:
        rejected = review(client, ids["hostile"], "rejected", kind="relation",
                          supplier="Foxconn", customer="Nvidia")  # fmt: skip
        assert rejected.status_code == 303  # type: ignore[attr-defined]
        confirmed = review(client, ids["first"], "confirmed", kind="relation",
                           supplier="Luxshare", customer="Apple")  # fmt: skip
        assert confirmed.status_code == 303  # type: ignore[attr-defined]
        vendor = client.get("/vendor/Nvidia")
        sources = client.get("/sources")
        article = client.get(f"/article/{ids['hostile']}")
    assert 'data-supplier="Foxconn"' not in vendor.text
    assert re.search(r'rejected-count">1<', vendor.text)
    assert "rejected by review" in article.text
    assert re.search(r'rejected">1<', sources.text)  # the source that carried it
    pairs = reported_pairs(store)
    assert not any(s == "Foxconn" for s, _, _ in pairs)
    # The extraction's 0.8 made it "confirmed" but unsure; the analyst's makes it sure.
    with store.session() as session:
        facts = StoreExposureData(session, is_parallel=False).relation_facts(
            suppliers=["Luxshare"], end=SAMPLE_NOW
        )
        digest_pairs = known_relation_pairs(
            session, SAMPLE_NOW, [("Foxconn", "Nvidia"), ("Luxshare", "Apple")]
        )
    assert [(t.status, t.confidence) for t in facts.tallies] == [("confirmed", 1.0)]
    assert digest_pairs == frozenset({("Luxshare", "Apple")})


def test_a_rejection_outlives_re_extraction(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    store, ids = web_store
    with serve().client() as client:
        review(client, ids["hostile"], "rejected", kind="relation",
               supplier="Foxconn", customer="Nvidia")  # fmt: skip
    with store.session() as session:  # the findings extracted again: new rows, new ids
        for row in session.exec(select(Relation).where(Relation.article_id == ids["hostile"])):
            session.delete(row)
        session.flush()
        session.add(Relation(article_id=ids["hostile"], supplier="Foxconn", customer="Nvidia",
                             status="confirmed", confidence=0.95, evidence="again"))  # fmt: skip
    assert not any(s == "Foxconn" for s, _, _ in reported_pairs(store))


def test_a_review_of_something_the_article_does_not_say_is_refused(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    with serve().client() as client:
        answer = review(client, web_store[1]["first"], "rejected", kind="relation",
                        supplier="Apple", customer="Luxshare")  # fmt: skip
    assert answer.status_code == 400  # type: ignore[attr-defined]


def test_export_labels_in_the_eval_format(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    store, ids = web_store
    with serve().client() as client:
        review(client, ids["hostile"], "rejected", kind="relation",
               supplier="Foxconn", customer="Nvidia")  # fmt: skip
        review(client, ids["hostile"], "rejected", kind="mention", supplier="Nvidia")
        review(client, ids["first"], "confirmed", kind="relation",
               supplier="Luxshare", customer="Apple")  # fmt: skip
    result = CliRunner().invoke(
        app, ["--db", store.url, "export", "labels"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_id = {r["id"]: r for r in records}
    hostile = by_id["https://other.example/foxconn"]
    assert hostile["relations"] == []
    assert hostile["vendors"] == ["Foxconn"]
    first = by_id["https://news.example/2026/luxshare-apple"]
    assert first["relations"][0]["status"] == "confirmed"
    assert {"text", "vendors", "products", "relations", "events"} <= set(first)


def test_a_rejected_mention_leaves_exposure_counts_and_digests(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    store, ids = web_store
    window = Window(
        SAMPLE_NOW - timedelta(days=30), SAMPLE_NOW, SAMPLE_NOW - timedelta(days=120), "30 days"
    )
    since = SAMPLE_NOW - timedelta(days=30)

    def seen() -> tuple[dict[str, tuple[int, int]], dict[str, int], list[str], list[str]]:
        with store.session() as session:
            data = StoreExposureData(session, is_parallel=False)
            counts = data.mention_counts(["Nvidia", "Foxconn"], window)
            quotes = sorted(data.mention_evidence(["Nvidia", "Foxconn"], window, 3))
            per_vendor = vendor_article_counts(session, since, SAMPLE_NOW)
            stories = story_records(session, since, SAMPLE_NOW)
        hostile = next(s for s in stories if s.article_id == ids["hostile"])
        return counts, per_vendor, quotes, [m.vendor for m in hostile.mentions]

    counts, per_vendor, quotes, named = seen()
    assert counts["Nvidia"] == (1, 0)
    assert per_vendor["Nvidia"] == 1
    assert quotes == ["Foxconn", "Nvidia"]
    assert named == ["Foxconn", "Nvidia"]
    with serve().client() as client:
        answer = review(client, ids["hostile"], "rejected", kind="mention", supplier="Nvidia")
        assert answer.status_code == 303  # type: ignore[attr-defined]
    counts, per_vendor, quotes, named = seen()
    assert "Nvidia" not in counts
    assert counts["Foxconn"] == (1, 0)
    assert "Nvidia" not in per_vendor
    assert quotes == ["Foxconn"]
    assert named == ["Foxconn"]


def product_facts(
    store: Store, first: int
) -> tuple[dict[str, tuple[int, int]], list[str], list[str], int]:
    """What exposure, digests and alerts make of the first article's iPhone: its article
    counts, its quoted sentences, the products of the digest's story, the alert stories."""
    window = Window(
        SAMPLE_NOW - timedelta(days=30), SAMPLE_NOW, SAMPLE_NOW - timedelta(days=120), "30 days"
    )
    since = SAMPLE_NOW - timedelta(days=30)
    with store.session() as session:
        data = StoreExposureData(session, is_parallel=False)
        counts = data.product_counts(["apple-iphone"], window)
        quoted = sorted(data.product_evidence(["apple-iphone"], window, 3))
        stories = story_records(session, since, SAMPLE_NOW)
        alerts = event_stories(session, since, ["capacity"], [], ["apple-iphone"])
    story = next(s for s in stories if s.article_id == first)
    return counts, quoted, [p.name for p in story.products], len(alerts)


def test_reject_a_product_link_everywhere_it_counts(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    store, ids = web_store
    assert product_facts(store, ids["first"]) == ({"apple-iphone": (1, 0)}, ["apple-iphone"],
                                                  ["iPhone"], 1)  # fmt: skip
    with serve().client() as client:
        page = client.get(f"/article/{ids['first']}")
        assert 'data-product="iPhone" data-catalog="apple-iphone"' in page.text
        answer = review(client, ids["first"], "rejected", kind="product",
                        supplier="iPhone", customer="apple-iphone")  # fmt: skip
        assert answer.status_code == 303  # type: ignore[attr-defined]
        article = client.get(f"/article/{ids['first']}")
        vendor = client.get("/vendor/Apple")
        sources = client.get("/sources")
    block = article.text.split('data-product="iPhone"', 1)[1].split("</div>", 1)[0]
    assert "rejected by review" in block
    assert 'class="product rejected"' in article.text  # struck through in the text
    assert re.search(r'rejected-count">1<', vendor.text)  # Apple makes the iPhone
    assert re.search(r'rejected">1<', sources.text)
    assert product_facts(store, ids["first"]) == ({}, [], [], 0)
    # The findings extracted again: new rows, the same link; the rejection holds.
    with store.session() as session:
        for row in session.exec(
            select(ProductMention).where(ProductMention.article_id == ids["first"])
        ):
            session.delete(row)
        session.flush()
        session.add(ProductMention(article_id=ids["first"], catalog_id="apple-iphone",
                                   name="iPhone", vendor="Apple", category="device",
                                   surface="iPhone", sentence="again"))  # fmt: skip
    assert product_facts(store, ids["first"]) == ({}, [], [], 0)
    result = CliRunner().invoke(
        app, ["--db", store.url, "export", "labels"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert record["products"] == []
    assert record["reviews"] == [{"kind": "product", "supplier": "iPhone",
                                  "customer": "apple-iphone", "verdict": "rejected"}]  # fmt: skip
    with serve().client() as client:  # undone: it counts again
        review(client, ids["first"], "clear", kind="product", supplier="iPhone",
               customer="apple-iphone")  # fmt: skip
    assert product_facts(store, ids["first"])[0] == {"apple-iphone": (1, 0)}


def test_confirm_a_product_link_and_refuse_one_the_article_lacks(
    serve: ServeFn, web_store: tuple[Store, dict[str, int]]
) -> None:
    store, ids = web_store
    with serve().client() as client:
        wrong = review(client, ids["first"], "rejected", kind="product",
                       supplier="iPhone", customer="apple-ipad")  # fmt: skip
        assert wrong.status_code == 400  # type: ignore[attr-defined]
        assert "no product iPhone (apple-ipad)" in wrong.text  # type: ignore[attr-defined]
        confirmed = review(client, ids["first"], "confirmed", kind="product",
                           supplier="iPhone", customer="apple-iphone")  # fmt: skip
        assert confirmed.status_code == 303  # type: ignore[attr-defined]
        article = client.get(f"/article/{ids['first']}")
    block = article.text.split('data-product="iPhone"', 1)[1].split("</div>", 1)[0]
    assert "confirmed by review" in block
    assert product_facts(store, ids["first"])[0] == {"apple-iphone": (1, 0)}
