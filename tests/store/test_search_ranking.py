"""What a search ranks, on both backends: the newest ``candidates`` articles that match and
pass the filters, best first, equal scores newest first; the filters and the phrase test come
before the bound, never after it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import bindparam, text

from tracker.errors import QueryError
from tracker.query import parse_query
from tracker.store import Store, search
from tracker.store.search import search_articles, search_page
from tracker.store.types import UTCDateTime

VENDORS = [(1, "TSMC", ""), (2, "Apple", ""), (3, "TSMC Arizona", "TSMC")]
SOURCES = [(1, "wire"), (2, "trade")]

# (title, text, vendor ids named (with their mention counts), source ids); ids are 1, 2, ...
# in this order, so a higher id is a newer article. Publication day: the article's id.
STRONG = "Capacity capacity capacity"
ARTICLES: list[tuple[str, str, dict[int, int], list[int]]] = [
    (STRONG, "Capacity, capacity: lead times grow.", {1: 1}, [1]),  # 1
    (STRONG, "Capacity again; lead times again.", {2: 2, 1: 1}, [1, 2]),  # 2
    ("Plant news", "Some capacity. Times are hard, lead by example.", {3: 1}, [2]),  # 3
    ("Plant news", "Some capacity. Times are hard, lead by example.", {2: 1}, [1]),  # 4
    ("Plant news", "Some capacity. Times are hard, lead by example.", {}, [1]),  # 5
    ("Plant news", "Some capacity. Times are hard, lead by example.", {}, [2]),  # 6
]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store(db_url)
    postgres = store.engine.dialect.name == "postgresql"
    with store.engine.begin() as conn:
        for vid, name, parent in VENDORS:
            conn.execute(
                text(
                    "INSERT INTO vendor (id, name, kind, country, parent)"
                    " VALUES (:i, :n, 'x', '', :p)"
                ),
                {"i": vid, "n": name, "p": parent},
            )
        for sid, name in SOURCES:
            conn.execute(
                text(
                    "INSERT INTO source (id, name, url, kind, is_enabled, created_at,"
                    " error_count, is_adaptive, is_failing)"
                    " VALUES (:i, :n, :u, 'feed', true, :c, 0, false, false)"
                ).bindparams(bindparam("c", type_=UTCDateTime())),
                {
                    "i": sid,
                    "n": name,
                    "u": f"https://{name}.example/feed",
                    "c": datetime(2026, 1, 1, tzinfo=UTC),
                },
            )
        for aid, (title, body, vendors, sources) in enumerate(ARTICLES, start=1):
            ids = sorted(vendors)
            conn.execute(
                text(
                    "INSERT INTO article (id, canonical_url, url, title, summary, text,"
                    " text_origin, content_hash, published_at, fetched_at, vendor_ids) VALUES"
                    " (:i, :u, :u, :t, '', :b, 'page', :h, :p, :d, :v)"
                ).bindparams(
                    bindparam("p", type_=UTCDateTime()), bindparam("d", type_=UTCDateTime())
                ),
                {
                    "i": aid,
                    "u": f"https://example.com/{aid}",
                    "t": title,
                    "b": body,
                    "h": f"h{aid}",
                    "p": datetime(2026, 11, aid, tzinfo=UTC),
                    "d": datetime(2026, 11, aid, 6, tzinfo=UTC),
                    "v": ids if postgres else json.dumps(ids),
                },
            )
            for vid, times in vendors.items():
                for k in range(times):
                    conn.execute(
                        text(
                            "INSERT INTO mention (article_id, vendor_id, surface, sentence,"
                            " start, \"end\") VALUES (:a, :v, 's', 's', :k, :k)"
                        ),
                        {"a": aid, "v": vid, "k": k},
                    )
            for sid in sources:
                conn.execute(
                    text(
                        "INSERT INTO article_source (article_id, source_id, guid, seen_at)"
                        " VALUES (:a, :s, :g, :t)"
                    ).bindparams(bindparam("t", type_=UTCDateTime())),
                    {
                        "a": aid,
                        "s": sid,
                        "g": f"g{aid}-{sid}",
                        "t": datetime(2026, 11, aid, tzinfo=UTC),
                    },
                )
    yield store
    store.close()


def _ids(store: Store, query: str, **options: object) -> list[int]:
    with store.session() as session:
        hits = search_articles(session, parse_query(query), **options)  # type: ignore[arg-type]
    return [hit.article_id for hit in hits]


def test_ranks_the_newest_candidates_only(store: Store) -> None:
    # every article matches: all of them ranked, the two strong old ones first
    assert _ids(store, "capacity", candidates=100)[:2] in ([1, 2], [2, 1])
    # the newest three only: the strong old ones are not among them; equal scores newest first
    assert _ids(store, "capacity", candidates=3, limit=3) == [6, 5, 4]
    assert _ids(store, "capacity", candidates=5, limit=5)[0] == 2
    # the limit is never cut short by the bound: at least ``limit`` are ranked
    assert _ids(store, "capacity", candidates=1, limit=4) == [6, 5, 4, 3]
    assert _ids(store, "capacity", candidates=1, limit=1) == [6]


def test_filters_come_before_the_bound(store: Store) -> None:
    # vendor: the newest two of TSMC's articles (by itself or its unit), not of all articles
    assert sorted(_ids(store, "capacity", vendors=["TSMC"], candidates=2, limit=2)) == [2, 3]
    assert _ids(store, "capacity", vendors=["Apple"], candidates=1, limit=1) == [4]
    assert _ids(store, "capacity", vendors=["TSMC", "Apple"], candidates=1, limit=1) == [2]
    # source
    assert _ids(store, "capacity", sources=["trade"], candidates=1, limit=1) == [6]
    assert sorted(_ids(store, "capacity", sources=["trade"], candidates=3, limit=3)) == [2, 3, 6]
    # dates: the newest two inside the window, which ends before the newest articles
    window = {
        "since": datetime(2026, 11, 1, tzinfo=UTC),
        "until": datetime(2026, 11, 4, tzinfo=UTC),
    }
    assert sorted(_ids(store, "capacity", candidates=2, limit=2, **window)) == [2, 3]
    assert _ids(store, "capacity", candidates=2, limit=1, **window) == [2]


def test_the_phrase_is_tested_before_the_bound(store: Store) -> None:
    # articles 3 to 6 have both words, not next to each other
    assert _ids(store, '"lead times"', candidates=1, limit=1) == [2]
    assert sorted(_ids(store, '"lead times"')) == [1, 2]
    assert sorted(_ids(store, "lead times", candidates=2, limit=2)) == [5, 6]


def test_hits_carry_their_vendor_and_source_names(store: Store) -> None:
    with store.session() as session:
        hits = {h.article_id: h for h in search_articles(session, parse_query("capacity"))}
    assert hits[2].vendors == ["Apple", "TSMC"]  # most mentioned first
    assert hits[2].sources == ["trade", "wire"]
    assert hits[3].vendors == ["TSMC Arizona"]
    assert hits[5].vendors == []
    assert hits[5].sources == ["wire"]
    assert hits[1].published_at == datetime(2026, 11, 1, tzinfo=UTC)
    assert hits[1].fetched_at == datetime(2026, 11, 1, 6, tzinfo=UTC)
    assert "\x02" in hits[1].snippet


def test_dates_hold_for_articles_stored_out_of_order(store: Store) -> None:
    # an old article stored late, far from its neighbours in date (another block of ids on
    # SQLite), and a stored article whose date changes afterwards
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO article (id, canonical_url, url, title, summary, text, text_origin,"
                " content_hash, published_at, fetched_at) VALUES (5000, 'https://example.com/l',"
                " 'https://example.com/l', 'Late', '', 'Old capacity news.', 'page', 'hl', :p, :d)"
            ).bindparams(bindparam("p", type_=UTCDateTime()), bindparam("d", type_=UTCDateTime())),
            {"p": datetime(2026, 11, 2, 12, tzinfo=UTC), "d": datetime(2026, 11, 30, tzinfo=UTC)},
        )
        conn.execute(
            text("UPDATE article SET published_at = :p WHERE id = 1").bindparams(
                bindparam("p", type_=UTCDateTime())
            ),
            {"p": datetime(2026, 11, 20, tzinfo=UTC)},
        )
    window = {
        "since": datetime(2026, 11, 1, tzinfo=UTC),
        "until": datetime(2026, 11, 4, tzinfo=UTC),
    }
    assert sorted(_ids(store, "capacity", **window)) == [2, 3, 5000]
    assert sorted(_ids(store, "capacity", candidates=2, limit=2, **window)) == [3, 5000]
    assert _ids(store, "capacity", since=datetime(2026, 11, 19, tzinfo=UTC)) == [1]
    assert _ids(store, "capacity", since=datetime(2026, 11, 29, tzinfo=UTC)) == []
    assert sorted(_ids(store, "capacity", until=datetime(2026, 11, 3, tzinfo=UTC))) == [2, 5000]


def test_a_search_leaves_the_session_transactional(store: Store) -> None:
    # PostgreSQL runs the search outside the session's transaction; what the caller writes
    # afterwards in the same session is still rolled back on error
    def search_then_fail() -> None:
        with store.session() as session:
            assert search_articles(session, parse_query("capacity"))
            session.execute(text("UPDATE article SET title = 'changed' WHERE id = 1"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        search_then_fail()
    with store.session() as session:
        assert session.execute(text("SELECT title FROM article WHERE id = 1")).scalar() == STRONG


def test_an_excluded_phrase_excludes_the_phrase_only(store: Store) -> None:
    # articles 3 to 6 hold both words apart: only 1 and 2 hold the phrase
    assert sorted(_ids(store, 'capacity NOT "lead times"')) == [3, 4, 5, 6]
    assert sorted(_ids(store, '"lead times" OR "by example"')) == [1, 2, 3, 4, 5, 6]


def test_a_phrase_is_found_past_newer_articles_holding_its_words_apart(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.store.search as search

    # articles 6 to 3 hold both words apart; PostgreSQL finds the phrase by the index of
    # adjacent word pairs (migration 0021), not by testing the newest PHRASE_ROWS of them
    monkeypatch.setattr(search, "PHRASE_ROWS", 2)
    assert _ids(store, '"lead times"', candidates=1, limit=1) == [2]


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("capacity", {}),
        ("capacity", {"candidates": 3, "limit": 3}),
        ("capacity", {"vendors": ["TSMC"], "candidates": 2, "limit": 2}),
        ("capacity", {"sources": ["trade"]}),
        ('"lead times"', {}),
        ("capacity", {"since": datetime(2026, 11, 2, tzinfo=UTC), "limit": 2}),
        ("nothing", {}),
    ],
)
def test_hits_alone_are_the_hits_of_the_page(
    store: Store, query: str, options: dict[str, object]
) -> None:
    """Without the candidates' ids (SQLite: one statement ranks and reads the hits) a search
    gives what the page with them gives, page by page."""
    with store.session() as session:
        alone = search_articles(session, parse_query(query), **options)  # type: ignore[arg-type]
        page = search_page(session, parse_query(query), **options)  # type: ignore[arg-type]
        limit = int(options.get("limit", 20))  # type: ignore[call-overload]
        pages = [
            search_page(
                session,
                parse_query(query),
                **{**options, "limit": start + 1, "offset": start},  # type: ignore[arg-type]
            ).hits
            for start in range(limit)
        ]
        second = search_page(
            session,
            parse_query(query),
            **{**options, "limit": 2, "offset": 1, "with_ids": False},  # type: ignore[arg-type]
        )
    assert alone == page.hits
    assert [hit for hits in pages for hit in hits] == alone
    assert second.hits == alone[1:2]
    assert second.candidate_ids == [] or store.engine.dialect.name == "postgresql"
    assert (page.candidate_ids != []) == (alone != [])


def test_a_query_the_engine_refuses_is_a_query_error_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: FTS5 refusing a MATCH is the same QueryError with or without the ids (the one
    statement runs on the driver's cursor, the page's through SQLAlchemy)."""
    store = Store(f"sqlite:///{tmp_path / 'refused.db'}")
    monkeypatch.setattr(search, "to_fts5", lambda node: 'AND OR "')
    messages = []
    try:
        for run in (search_articles, search_page):
            with store.session() as session, pytest.raises(QueryError) as refused:
                run(session, parse_query("capacity"))
            messages.append(str(refused.value))
    finally:
        store.close()
    assert messages[0] == messages[1]
    assert messages[0].startswith("search: the search engine refused the query (fts5: syntax")
