"""Two writers storing the same text under different URLs at once end with one article.

Two feeds carry the same page under two addresses; two workers fetch them at the same moment.
Each looks the text's hash up in its own transaction, finds nothing (the other's row is not
committed yet) and inserts: without a unique index on the hash, both rows stay. With it, the
second insert waits for the first transaction, fails, and the entry is linked instead.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import database, query
from tracker.models import ArticleRecord, Extraction
from tracker.store import Store
from tracker.store.identity import save_entry
from tracker.store.sources import upsert_source


def _record(url: str, body: str) -> ArticleRecord:
    return ArticleRecord(
        url=url,
        canonical_url=url,
        title=body[:40],
        summary=body,
        text=body,
        text_origin="page",
        text_note=None,
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        published_at=None,
        extraction=Extraction(),
    )


def _sources(store: Store, *names: str) -> list[int]:
    ids = []
    with store.session() as session:
        for name in names:
            source = upsert_source(session, name, f"https://{name}.example/feed.xml")
            assert source.id is not None
            ids.append(source.id)
    return ids


def _save(store: Store, source_id: int, url: str, body: str) -> str:
    with store.session() as session:
        outcome, _ = save_entry(
            session, _record(url, body), source_id=source_id, guid=url, entry_url=url,
            vendor_ids={},
        )  # fmt: skip
    return outcome


@pytest.fixture
def pg_stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two stores (two engines, two connection pools) on one fresh PostgreSQL database."""
    with database("postgresql", tmp_path) as url:
        first, second = Store(url), Store(url, migrate=False)
        try:
            yield first, second
        finally:
            first.close()
            second.close()


def _waits_for_a_lock(store: Store) -> bool:
    with store.engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar()
    return bool(waiting)


def test_a_writer_meeting_an_uncommitted_copy_links_to_it(pg_stores: tuple[Store, Store]) -> None:
    """The race made certain: the second writer looks the hash up while the first one's row
    is stored but not committed."""
    first, second = pg_stores
    a, b = _sources(first, "a", "b")
    body = "TSMC raises prices for 3 nm wafers by 5 percent from January, customers say."
    outcomes: list[str] = []
    with first.session() as session:
        outcome, _ = save_entry(
            session, _record("https://a.example/x.html", body), source_id=a,
            guid="https://a.example/x.html", entry_url=None, vendor_ids={},
        )  # fmt: skip
        assert outcome == "new"
        racer = threading.Thread(
            target=lambda: outcomes.append(_save(second, b, "https://b.example/x.html", body))
        )
        racer.start()
        deadline = time.monotonic() + 30
        # The second writer either finished (a copy stored) or waits on the first's row.
        while racer.is_alive() and not _waits_for_a_lock(first) and time.monotonic() < deadline:
            time.sleep(0.05)
    racer.join(30)
    assert outcomes == ["linked"]
    assert query(first.url, "SELECT count(*) FROM article") == [(1,)]
    assert query(first.url, "SELECT count(*) FROM article_source") == [(2,)]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_racing_on_identical_texts_store_each_once(
    tmp_path: Path, backend: str, seed: int
) -> None:
    """Feeds ``a`` and ``b`` carry the same 30 texts under their own URLs, ``b`` in another
    order; two threads with their own engines store them at once."""
    rng = random.Random(seed)
    bodies = [f"Story {i}: Foxconn ships {rng.randint(1, 10**6)} servers." for i in range(30)]
    with database(backend, tmp_path) as url:
        stores = [Store(url), Store(url, migrate=False)]
        try:
            ids = _sources(stores[0], "a", "b")
            orders = [list(range(len(bodies))), rng.sample(range(len(bodies)), len(bodies))]
            start = threading.Barrier(2)
            failures: list[BaseException] = []

            def work(k: int) -> None:
                start.wait()
                try:
                    for i in orders[k]:
                        _save(stores[k], ids[k], f"https://{'ab'[k]}.example/{i}.html", bodies[i])
                except BaseException as exc:  # reported by the assertion below
                    failures.append(exc)

            threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert failures == []
            assert query(url, "SELECT count(*), count(DISTINCT content_hash) FROM article") == [
                (len(bodies), len(bodies))
            ]
            assert query(url, "SELECT count(*) FROM article_source") == [(2 * len(bodies),)]
        finally:
            for store in stores:
                store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_copies_stored_before_the_upgrade_are_merged_into_the_oldest(
    tmp_path: Path, backend: str
) -> None:
    """A database with two copies of a text (stored before the hash was unique) upgrades:
    one article remains, carrying both sources' links; texts without a hash stay apart."""
    from tracker.store.engine import make_engine, upgrade

    with database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0010")
            with engine.begin() as conn:
                for name in ("a", "b"):
                    conn.execute(
                        text(
                            "INSERT INTO source (name, url, kind, is_enabled, created_at,"
                            " error_count, is_adaptive, is_failing)"
                            " VALUES (:n, :u, 'feed', true, '2026-11-26', 0, false, false)"
                        ),
                        {"n": name, "u": f"https://{name}.example/feed.xml"},
                    )
                for i, (url_, digest) in enumerate(
                    [("https://a.example/1", "h1"), ("https://b.example/1", "h1"),
                     ("https://a.example/2", ""), ("https://b.example/2", "")]
                ):  # fmt: skip
                    conn.execute(
                        text(
                            "INSERT INTO article (id, canonical_url, url, title, summary, text,"
                            " text_origin, content_hash, fetched_at)"
                            " VALUES (:id, :c, :c, 't', '', 'x', 'page', :h, '2026-11-26')"
                        ),
                        {"id": i + 1, "c": url_, "h": digest},
                    )
                    conn.execute(
                        text(
                            "INSERT INTO article_source (article_id, source_id, guid, seen_at)"
                            " VALUES (:id, :s, :c, '2026-11-26')"
                        ),
                        {"id": i + 1, "s": i % 2 + 1, "c": url_},
                    )
            upgrade(engine)
        finally:
            engine.dispose()
        assert query(url, "SELECT id FROM article ORDER BY id") == [(1,), (3,), (4,)]
        assert query(url, "SELECT article_id, guid FROM article_source ORDER BY id") == [
            (1, "https://a.example/1"),
            (1, "https://b.example/1"),
            (3, "https://a.example/2"),
            (4, "https://b.example/2"),
        ]
