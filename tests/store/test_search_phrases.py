"""Phrases on both backends, and PostgreSQL's index of adjacent word pairs (migration 0021):
what the indexes answer of a query, that a pair matches exactly where the phrase does, that
the search statement uses the index, and what is left to the word order test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import bindparam, event, text

from tracker.query import And, Or, Term, parse_query, to_tsquery
from tracker.store import Store
from tracker.store.engine import _alembic_config, make_engine, upgrade
from tracker.store.search import _narrow, search_articles
from tracker.store.types import UTCDateTime

# (title, text); ids 1, 2, ... in this order, a higher id a newer article
ARTICLES = [
    ("Fab news", "Lead times grow at the fab."),  # 1
    ("Fab news", "Lead times are long. Times grow hard."),  # 2: both pairs, apart
    ("Fab news", "Times grow; lead times shrink."),  # 3: both pairs, apart
    ("Cafe news", "Café prices rise."),  # 4
    ("Cafe news", "Prices at the café rise."),  # 5
    ("Fab news", "The lead timeline slips."),  # 6
]


def _insert(conn: Any, postgres: bool) -> None:
    for aid, (title, body) in enumerate(ARTICLES, start=1):
        conn.execute(
            text(
                "INSERT INTO article (id, canonical_url, url, title, summary, text, text_origin,"
                " content_hash, published_at, fetched_at, vendor_ids) VALUES"
                " (:i, :u, :u, :t, '', :b, 'page', :h, :p, :p, :v)"
            ).bindparams(bindparam("p", type_=UTCDateTime())),
            {
                "i": aid,
                "u": f"https://example.com/{aid}",
                "t": title,
                "b": body,
                "h": f"h{aid}",
                "p": datetime(2026, 11, aid, tzinfo=UTC),
                "v": [] if postgres else "[]",
            },
        )


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store(db_url)
    with store.engine.begin() as conn:
        _insert(conn, store.dialect == "postgresql")
    yield store
    store.close()


def _ids(store: Store, query: str, **options: Any) -> list[int]:
    with store.session() as session:
        hits = search_articles(session, parse_query(query), **options)
    return sorted(hit.article_id for hit in hits)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ('"lead times grow"', [1]),
        ('"lead times"', [1, 2, 3]),
        ("lead-time*", [1, 2, 3, 6]),
        ('"café prices"', [4]),
        ('"lead times" OR "café prices"', [1, 2, 3, 4]),
        ('"lead times" OR slips', [1, 2, 3, 6]),
        ('shrink "lead times"', [3]),
        ('"lead times" -shrink', [1, 2]),
        ('"lead times" NOT "grow at"', [2, 3]),
        ('prices NOT "café prices"', [5]),
        ('"times lead"', []),
    ],
)
def test_phrases_find_what_they_say(store: Store, query: str, found: list[int]) -> None:
    assert _ids(store, query) == found


def test_the_word_order_is_tested_on_older_candidates_until_enough_pass(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.store.search as search

    # 3 and 2 hold "lead times" and "times grow" apart: the newest candidate (3) fails the
    # word order test, then the older ones are tested, up to PHRASE_ROWS in all
    monkeypatch.setattr(search, "PHRASE_ROWS", 3)
    assert _ids(store, '"lead times grow"', candidates=1, limit=1) == [1]
    monkeypatch.setattr(search, "PHRASE_ROWS", 2)
    found = _ids(store, '"lead times grow"', candidates=1, limit=1)
    assert found == ([] if store.dialect == "postgresql" else [1])


def test_an_unsafe_word_is_tested_on_older_candidates_too(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.store.search as search

    # "café" has no pair in the index (not ASCII): 5 holds both words apart, then 4
    monkeypatch.setattr(search, "PHRASE_ROWS", 2)
    assert _ids(store, '"café prices"', candidates=1, limit=1) == [4]


@pytest.mark.parametrize(
    ("query", "words", "pairs", "is_exact"),
    [
        ("capacity", Term("capacity"), None, True),
        ('"lead times"', None, "'lead times'", True),
        ("Lead-Time*", None, "'lead time':*", True),
        ('"lead times grow"', None, "('lead times' & 'times grow')", False),
        ('"café prices"', And((Term("café"), Term("prices"))), None, False),
        ('capacity "lead times"', Term("capacity"), "'lead times'", True),
        ('"lead times" OR "2nm wafers"', None, "('lead times' | '2nm wafers')", True),
        ('"lead times" OR capacity', Or((And((Term("lead"), Term("times"))), Term("capacity"))),
         None, False),
        ('capacity NOT "lead times"', Term("capacity"), None, False),
        ('"lead times" -capacity', None, "'lead times'", False),
        ("capacity -shortage", And((Term("capacity"),), (Term("shortage"),)), None, True),
    ],
)  # fmt: skip
def test_what_the_indexes_answer(
    query: str, words: object, pairs: str | None, is_exact: bool
) -> None:
    assert _narrow(parse_query(query)) == (words, pairs, is_exact)


TEXTS = [
    "Lead times grow at the fab.",
    "LEAD-TIMES grow; lead times shrink",
    "The lead timeline slips, times lead nowhere.",
    "2nm wafers: 2nm-wafers and HBM3E stacks",
    "lead. Times",
]
QUERIES = ['"lead times"', '"times grow"', "lead-time*", '"2nm wafers"', '"hbm3e stacks"',
           '"lead times grow"', '"wafers and hbm3e"', '"times lead"']  # fmt: skip


def test_a_pair_matches_where_its_phrase_does(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        with store.engine.connect() as conn:
            for query in QUERIES:
                node = parse_query(query)
                _, pairs, is_exact = _narrow(node)
                for body in TEXTS:
                    phrase, paired = conn.execute(
                        text(
                            "SELECT to_tsvector('simple', :t) @@ to_tsquery('simple', :q),"
                            " article_word_pairs(to_tsvector('simple', :t)) @@ CAST(:p AS tsquery)"
                        ),
                        {"t": body, "q": to_tsquery(node), "p": pairs},
                    ).one()
                    # every match holds the pairs; for two words, only the matches do
                    assert paired >= phrase, (query, body)
                    if is_exact:
                        assert paired == phrase, (query, body)
            shown = conn.execute(
                text("SELECT article_word_pairs(to_tsvector('simple', 'High-NA scanners'))")
            ).scalar()
            assert shown == "'high na' 'high-na high' 'na scanners'"
    finally:
        store.close()


def test_the_search_reads_the_pairs_from_their_index(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        with store.engine.begin() as conn:
            _insert(conn, True)
            # enough other articles that reading each of them costs more than the index
            conn.execute(
                text(
                    "INSERT INTO article (id, canonical_url, url, title, summary, text,"
                    " text_origin, content_hash, fetched_at)"
                    " SELECT n, 'u' || n, 'u' || n, 'Other news', '', 'Other words ' || n,"
                    " 'page', 'h' || n, now() FROM generate_series(7, 1000) AS n"
                )
            )
            conn.execute(text("ANALYZE article"))
        seen: list[tuple[str, Any]] = []

        def keep(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if "article_word_pairs" in statement:
                seen.append((statement, params))

        event.listen(store.engine, "before_cursor_execute", keep)
        assert _ids(store, '"lead times"') == [1, 2, 3]
        event.remove(store.engine, "before_cursor_execute", keep)
        assert seen
        # the newest window's statement (the older windows' are empty here)
        statement, params = seen[0]
        with store.engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN " + statement, params).scalars().all()
        assert any("Bitmap Index Scan on ix_article_word_pairs" in line for line in plan), plan
    finally:
        store.close()


def test_the_upgrade_indexes_the_pairs_of_stored_articles(db_url: str) -> None:
    engine = make_engine(db_url)
    postgres = engine.dialect.name == "postgresql"
    try:
        upgrade(engine, "0020")
        with engine.begin() as conn:
            _insert(conn, postgres)
        assert upgrade(engine, "0021") == ("0020", "0021")
        store = Store(db_url)
        try:
            assert _ids(store, '"lead times"') == [1, 2, 3]
        finally:
            store.close()
        if not postgres:
            return
        indexes = "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_article_word_pairs'"
        functions = "SELECT count(*) FROM pg_proc WHERE proname = 'article_word_pairs'"
        with engine.begin() as conn:
            assert conn.execute(text(indexes)).scalar() == 1
            cfg = _alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0020")
            assert conn.execute(text(indexes)).scalar() == 0
            assert conn.execute(text(functions)).scalar() == 0
    finally:
        engine.dispose()


def test_the_settings_of_the_older_windows_do_not_outlive_the_search(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        with store.engine.begin() as conn:
            _insert(conn, True)
        names = ("jit", "enable_indexscan", "work_mem", "plan_cache_mode")
        with store.session() as session:
            before = [session.execute(text(f"SHOW {name}")).scalar() for name in names]
            # fewer matches than candidates: the older windows' statement runs, in the
            # session's transaction
            hits = search_articles(session, parse_query('"lead times"'))
            assert len(hits) == 3
            after = [session.execute(text(f"SHOW {name}")).scalar() for name in names]
        assert after == before
    finally:
        store.close()
