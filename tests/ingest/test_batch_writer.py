"""The fetch's one writer stores a batch of articles in one transaction, without a savepoint per
article (on SQLite a savepoint makes every changed page be copied first). When anything in the
batch fails, it writes the batch again with one, so that the bad article is lost alone and
nothing of the first attempt stays behind."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, text

from tests.conftest import VENDORS, query
from tracker.catalog.gazetteer import load_gazetteer
from tracker.errors import StoreError
from tracker.ingest.pipeline import SaveResult, Timings, _BatchWriter, _SaveJob
from tracker.models import (
    ArticleRecord,
    CandidateVendor,
    Event,
    Extraction,
    ProductMention,
    Relation,
    VendorMention,
)
from tracker.store import Store
from tracker.store.identity import sync_vendor_ids
from tracker.store.sources import upsert_source

SENTENCE = "TSMC supplies the A20 to Apple — capacity doubles in Hsinchu."


def _extraction(i: int) -> Extraction:
    return Extraction(
        mentions=[
            VendorMention("TSMC", "TSMC", 0, 4, SENTENCE),
            VendorMention("Apple", "Apple", 37, 42, SENTENCE),
            VendorMention("TSMC", "台積電", 0, 3, f"台積電 story {i}"),
        ],
        products=[
            ProductMention("A20", "apple-a20", "Apple", "soc", "A20", 18, 21, SENTENCE),
            ProductMention("widget X", None, None, None, "widget X", 0, 8, "widget X ships."),
        ],
        relations=[
            Relation("TSMC", "Apple", "A20", "reported", 0.875, SENTENCE),
            Relation("TSMC", "Nvidia", None, "negated", 0.5, "No deal.", "Reuters"),
        ],
        events=[
            Event("capacity", ("TSMC",), SENTENCE),
            Event("disruption", ("TSMC", "Apple"), "A fire.", "Nikkei"),
        ],
        candidates=[CandidateVendor(f"Acme Widgets {i} Ltd", "Acme Widgets Ltd said.")],
    )


def _job(source_id: int, i: int, title: str | None = None, url: str | None = None) -> _SaveJob:
    url = url or f"https://news.example/{i}.html"
    body = f"Story {i}: {SENTENCE}"
    record = ArticleRecord(
        url=url,
        canonical_url=url,
        title=title or f"Story {i}",
        summary=body,
        text=body,
        text_origin="page",
        text_note=None,
        content_hash=f"hash-{i}",
        published_at=None,
        extraction=_extraction(i),
    )
    return _SaveJob(record, source_id, guid=f"{source_id}-{i}", entry_url=url)


def _sources(store: Store) -> tuple[int, int]:
    with store.session() as session:
        ids = [upsert_source(session, n, f"https://{n}.example/feed.xml").id for n in "ab"]
    assert ids[0] is not None
    assert ids[1] is not None
    return ids[0], ids[1]


def _write(
    store: Store, jobs: list[_SaveJob]
) -> tuple[list[SaveResult | BaseException], list[str]]:
    """Every job handed to one writer at once (one batch); the results and the SQL run."""
    writer = _BatchWriter(store, sync_vendor_ids(store, load_gazetteer(VENDORS)))
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async def main() -> list[SaveResult | BaseException]:
        timings = Timings()
        return await asyncio.gather(
            *(writer.save(job, timings) for job in jobs), return_exceptions=True
        )

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        results = asyncio.run(main())
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    return results, statements


def _savepoints(statements: list[str]) -> int:
    return sum(s.lstrip().upper().startswith("SAVEPOINT") for s in statements)


def test_a_batch_is_written_at_once_and_every_finding_kept(store: Store, db_url: str) -> None:
    a, b = _sources(store)
    jobs = [_job(a, i) for i in range(5)]
    jobs.append(_job(b, 0, url="https://news.example/0.html"))  # source b carries story 0
    results, statements = _write(store, jobs)
    assert [r if isinstance(r, BaseException) else r[0] for r in results] == [
        *["new"] * 5,
        "linked",
    ]
    assert _savepoints(statements) == 0
    assert sum(s.lstrip().upper().startswith("INSERT INTO ARTICLE ") for s in statements) == 5
    counts = "SELECT (SELECT count(*) FROM {})"
    for table, rows in [
        ("article", 5),
        ("article_source", 6),
        ("mention", 15),
        ("product_mention", 10),
        ("relation", 10),
        ("event", 10),
        ("event_vendor", 15),
        ("vendor_candidate", 5),
    ]:
        assert query(db_url, counts.format(table)) == [(rows,)], table
    # The findings' values as given: None, floats and text outside ASCII included.
    assert query(
        db_url,
        "SELECT supplier, customer, product, status, confidence, evidence, attribution "
        "FROM relation WHERE article_id = (SELECT min(id) FROM article) ORDER BY id",
    ) == [
        ("TSMC", "Apple", "A20", "reported", 0.875, SENTENCE, None),
        ("TSMC", "Nvidia", None, "negated", 0.5, "No deal.", "Reuters"),
    ]
    assert query(
        db_url,
        'SELECT v.name, m.surface, m.start, m."end", m.sentence FROM mention m '
        "JOIN vendor v ON v.id = m.vendor_id WHERE m.article_id = (SELECT min(id) FROM article) "
        "ORDER BY m.id",
    ) == [
        ("TSMC", "TSMC", 0, 4, SENTENCE),
        ("Apple", "Apple", 37, 42, SENTENCE),
        ("TSMC", "台積電", 0, 3, "台積電 story 0"),
    ]
    assert query(
        db_url,
        "SELECT catalog_id, name, vendor, category, surface, sentence FROM product_mention "
        "WHERE article_id = (SELECT min(id) FROM article) ORDER BY id",
    ) == [
        ("apple-a20", "A20", "Apple", "soc", "A20", SENTENCE),
        (None, "widget X", None, None, "widget X", "widget X ships."),
    ]
    assert query(
        db_url,
        "SELECT e.type, ev.vendor FROM event e JOIN event_vendor ev ON ev.event_id = e.id "
        "WHERE e.article_id = (SELECT min(id) FROM article) ORDER BY e.id, ev.vendor",
    ) == [("capacity", "TSMC"), ("disruption", "Apple"), ("disruption", "TSMC")]
    # The database's own bookkeeping ran for the rows: each relation's time, each vendor's day.
    assert query(db_url, "SELECT count(*) FROM relation WHERE reported_at IS NULL") == [(0,)]
    assert query(db_url, "SELECT sum(articles) FROM vendor_day") == [(10,)]


def _refuse_title(store: Store, title: str) -> None:
    """Storing an article with this title fails inside the database, as a bad row would."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON article "
                    f"WHEN new.title = '{title}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.title = '{title}' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON article "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )


def test_a_bad_article_is_lost_alone_when_the_batch_is_written_again(
    store: Store, db_url: str
) -> None:
    a, _b = _sources(store)
    _refuse_title(store, "Story bad")
    jobs = [_job(a, 0), _job(a, 1, title="Story bad"), _job(a, 2)]
    results, statements = _write(store, jobs)
    good, bad, other = results
    assert not isinstance(good, BaseException)
    assert good[0] == "new"
    assert not isinstance(other, BaseException)
    assert other[0] == "new"
    assert isinstance(bad, StoreError)
    assert "refused" in str(bad)
    assert _savepoints(statements) >= 3  # written again, an article behind each
    # Nothing of the first attempt stayed: each good article once, with its findings once.
    assert query(db_url, "SELECT title FROM article ORDER BY title") == [
        ("Story 0",),
        ("Story 2",),
    ]
    assert query(db_url, "SELECT count(*) FROM mention") == [(6,)]
    assert query(db_url, "SELECT count(*) FROM article_source") == [(2,)]
    assert query(db_url, "SELECT sum(articles) FROM vendor_day") == [(4,)]
