"""Search filters on both backends: the article's vendor list (migration 0010), filled from
the mentions of a database made before it and what PostgreSQL filters on; the date range, read
from the (id, date) index on SQLite."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import bindparam, text

from tests.conftest import query
from tracker.query import parse_query
from tracker.store import Store
from tracker.store.engine import make_engine, upgrade
from tracker.store.search import search_articles, search_facets, search_page
from tracker.store.types import UTCDateTime  # stored as the app stores dates

ARTICLES = [
    # (title, text, vendor ids named by its mentions)
    ("TSMC adds CoWoS capacity", "TSMC and its unit add CoWoS packaging capacity.", [1, 3]),
    ("Apple orders more CoWoS", "Apple orders CoWoS capacity for its servers.", [2]),
    ("CoWoS demand, no vendor named", "Demand for CoWoS packaging keeps rising.", []),
]


def _vendor_ids(value: object) -> list[int]:
    ids = json.loads(value) if isinstance(value, str) else value
    assert isinstance(ids, list)
    return [int(i) for i in ids]


def test_upgrade_fills_the_vendor_list_and_search_filters_on_it(db_url: str) -> None:
    engine = make_engine(db_url)
    assert upgrade(engine, "0009")[1] == "0009"
    with engine.begin() as conn:
        for vid, name, parent in [(1, "TSMC", ""), (2, "Apple", ""), (3, "TSMC Arizona", "TSMC")]:
            conn.execute(
                text(
                    "INSERT INTO vendor (id, name, kind, country, parent)"
                    " VALUES (:i, :n, 'x', '', :p)"
                ),
                {"i": vid, "n": name, "p": parent},
            )
        for aid, (title, body, vendors) in enumerate(ARTICLES, start=1):
            conn.execute(
                text(
                    "INSERT INTO article (id, canonical_url, url, title, summary, text,"
                    " text_origin, content_hash, published_at, fetched_at) VALUES"
                    " (:i, :u, :u, :t, '', :b, 'page', :h, :p, :d)"
                ).bindparams(
                    bindparam("p", type_=UTCDateTime()), bindparam("d", type_=UTCDateTime())
                ),
                {
                    "i": aid,
                    "u": f"https://example.com/{aid}",
                    "t": title,
                    "b": body,
                    "h": f"h{aid}",
                    "p": None if aid == 3 else datetime(2026, 11, aid, tzinfo=UTC),
                    "d": datetime(2026, 11, aid + 1, tzinfo=UTC),
                },
            )
            # two mentions of the same vendor give it once in the list
            for vid in vendors + vendors[:1]:
                conn.execute(
                    text(
                        "INSERT INTO mention (article_id, vendor_id, surface, sentence,"
                        " start, \"end\") VALUES (:a, :v, 's', 's', 0, 1)"
                    ),
                    {"a": aid, "v": vid},
                )
    upgrade(engine)
    engine.dispose()
    rows = query(db_url, "SELECT id, vendor_ids FROM article ORDER BY id")
    assert [(r[0], _vendor_ids(r[1])) for r in rows] == [(1, [1, 3]), (2, [2]), (3, [])]

    store = Store(db_url)
    with store.session() as session:
        cowos = parse_query("CoWoS")
        assert {h.title for h in search_articles(session, cowos)} == {t for t, _, _ in ARTICLES}
        assert [h.title for h in search_articles(session, cowos, vendors=["TSMC"])] == [
            ARTICLES[0][0]
        ]  # TSMC through its own id and its unit's
        assert [h.title for h in search_articles(session, cowos, vendors=["tsmc arizona"])] == [
            ARTICLES[0][0]
        ]
        assert [h.title for h in search_articles(session, cowos, vendors=["Apple"])] == [
            ARTICLES[1][0]
        ]
        assert search_articles(session, cowos, vendors=["Nobody"]) == []
        # dates: publication date, else fetch time (article 3 has none); until is exclusive
        day = datetime(2026, 11, 2, tzinfo=UTC)

        def dated(**when: datetime) -> set[int]:
            return {h.article_id for h in search_articles(session, cowos, **when)}  # type: ignore[arg-type]

        assert dated(since=day) == {2, 3}
        assert dated(until=day) == {1}
        assert dated(since=day, until=datetime(2026, 11, 3, tzinfo=UTC)) == {2}
        assert dated(since=datetime(2026, 11, 3, 12, tzinfo=UTC)) == {3}
        assert search_articles(session, cowos, vendors=["TSMC"], since=day) == []
        # the facets count the matches ranked (the newest ``candidates``), whatever the page
        found = search_page(session, cowos, limit=1, candidates=2)
        assert [h.article_id for h in found.hits] == [3]  # equal scores: newest first
        assert found.candidate_ids == [3, 2]
        assert search_facets(session, found.candidate_ids) == {"vendor": [("Apple", 1)],
                                                                "source": []}  # fmt: skip
        everything = search_page(session, cowos, limit=1)
        assert search_facets(session, everything.candidate_ids, top=2) == {
            "vendor": [("Apple", 1), ("TSMC", 1)],  # ties by name
            "source": [],
        }
        assert search_facets(session, []) == {"vendor": [], "source": []}
        # a page: the best ``limit`` less the first ``offset``, facets alike
        ranked = [h.article_id for h in search_articles(session, cowos)]
        second = search_page(session, cowos, limit=2, offset=1)
        assert [h.article_id for h in second.hits] == ranked[1:2]
        assert second.candidate_ids == everything.candidate_ids
    store.engine.dispose()
