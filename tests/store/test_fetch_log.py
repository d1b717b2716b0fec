"""The fetch log: a fetch only appends; pruning runs now and then, in batches, on both backends
(issue 16: a DELETE on every fetch, ~2.4M rows a day at 50,000 sources)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import event, text
from sqlmodel import select

from tests.conftest import Cli
from tracker.config import ScheduleSettings, Settings
from tracker.extract import Extractor
from tracker.ingest.daemon import Daemon
from tracker.store import Store, fetchstate
from tracker.store.tables import FetchLog, Source

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CUTOFF = NOW - timedelta(days=90)


def _seed(store: Store, ages_days: dict[str, list[float]], now: datetime = NOW) -> dict[str, int]:
    """Sources named as the keys, each with one fetch-log row per age (in days before ``now``),
    written oldest first across sources, as fetches are; the sources' ids."""
    ids: dict[str, int] = {}
    with store.session() as session:
        for name in ages_days:
            source = Source(name=name, url=f"https://{name}.example/feed", created_at=NOW)
            session.add(source)
            session.flush()
            assert source.id is not None
            ids[name] = source.id
        rows = [(age, name) for name, ages in ages_days.items() for age in ages]
        for age, name in sorted(rows, key=lambda r: -r[0]):
            session.add(
                FetchLog(
                    source_id=ids[name],
                    started_at=now - timedelta(days=age),
                    elapsed_s=age,
                    status="ok",
                )
            )
    return ids


def _ages(store: Store) -> dict[int, list[float]]:
    """Each source's fetch-log rows, by age in days (elapsed_s holds it)."""
    with store.session() as session:
        rows = session.exec(select(FetchLog)).all()
    found: dict[int, list[float]] = {}
    for row in rows:
        found.setdefault(row.source_id, []).append(row.elapsed_s)
    return {k: sorted(v) for k, v in found.items()}


AGES = {
    "busy": [200, 150, 120, 91, 89, 10, 1],
    "quiet": [300, 100, 95],  # fetched last 95 days ago: that row stays
    "fresh": [2, 1, 0.5],
    "gone": [400],  # one old row: the newest, kept
}


@pytest.mark.parametrize("batch_rows", [1, 3, 5000])
def test_prune_deletes_old_rows_but_each_sources_newest(store: Store, batch_rows: int) -> None:
    ids = _seed(store, AGES)
    deleted = fetchstate.prune_fetch_log(store.engine, CUTOFF, batch_rows=batch_rows)
    assert deleted == 4 + 2
    assert _ages(store) == {
        ids["busy"]: [1, 10, 89],
        ids["quiet"]: [95],
        ids["fresh"]: [0.5, 1, 2],
        ids["gone"]: [400],
    }
    assert fetchstate.prune_fetch_log(store.engine, CUTOFF, batch_rows=batch_rows) == 0


def test_prune_stops_after_max_batches_and_when_told(store: Store) -> None:
    ids = _seed(store, {"busy": [200, 150, 120, 110, 1]})
    assert fetchstate.prune_fetch_log(store.engine, CUTOFF, batch_rows=1, max_batches=2) == 2
    assert _ages(store) == {ids["busy"]: [1, 110, 120]}
    assert fetchstate.prune_fetch_log(store.engine, CUTOFF, keep_going=lambda: False) == 0
    assert fetchstate.prune_fetch_log(store.engine, CUTOFF) == 2
    assert _ages(store) == {ids["busy"]: [1]}


def test_a_fetch_appends_and_deletes_nothing(store: Store) -> None:
    ids = _seed(store, {"busy": [200, 150]})
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        with store.session() as session:
            fetchstate.log_fetch(
                session,
                ids["busy"],
                started_at=NOW,
                elapsed_s=0.0,
                status="not_modified",
                http_status=304,
                error_class=None,
                entries=0,
                new=0,
            )
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert "DELETE" not in statements
    assert statements.count("INSERT") == 1
    assert _ages(store) == {ids["busy"]: [0.0, 150, 200]}


def test_last_fetches_is_each_sources_newest(store: Store) -> None:
    ids = _seed(store, AGES)
    with store.session() as session:
        last = fetchstate.last_fetches(session)
    assert {source_id: row.elapsed_s for source_id, row in last.items()} == {
        ids["busy"]: 1,
        ids["quiet"]: 95,
        ids["fresh"]: 0.5,
        ids["gone"]: 400,
    }


def test_one_worker_of_a_fleet_prunes_at_a_time(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        _seed(store, {"busy": [200, 150, 1]})
        with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s)", (fetchstate._PRUNE_LOCK_KEY,)
            )  # another worker, mid-batch
            assert fetchstate.prune_fetch_log(store.engine, CUTOFF) == 0
        assert fetchstate.prune_fetch_log(store.engine, CUTOFF) == 2
    finally:
        store.close()


async def test_the_daemon_prunes_at_start_up(store: Store, gazetteer_extractor: Extractor) -> None:
    # The daemon reads the clock from a thread and APScheduler: the ages count from now.
    ids = _seed(store, {"busy": [200, 150, 1]}, datetime.now(UTC))
    with store.engine.begin() as conn:  # nothing to fetch: the test is the maintenance job
        conn.execute(text("UPDATE source SET is_enabled = false"))
    settings = Settings(path=None, schedule=ScheduleSettings(tick_s=3600.0, fetch_log_days=30))
    daemon = Daemon(store, settings, gazetteer_extractor)

    async def stop_when_pruned() -> None:
        if max(_ages(store)[ids["busy"]]) < 30:
            daemon.stop()

    daemon.add_job(stop_when_pruned, IntervalTrigger(seconds=0.05), job_id="probe")
    await asyncio.wait_for(daemon.run(), timeout=30)
    assert _ages(store) == {ids["busy"]: [1]}


def test_fetch_prunes_after_its_run(backend_cli: Cli) -> None:
    assert backend_cli("fetch", "--format", "json").exit_code == 0
    store = Store(backend_cli.db)
    try:
        with store.session() as session:  # that run, 400 days ago
            first = session.exec(select(FetchLog)).all()
            for row in first:
                row.started_at -= timedelta(days=400)
                session.add(row)
        assert backend_cli("fetch", "--all", "--format", "json").exit_code == 0
        with store.session() as session:
            left = session.exec(select(FetchLog)).all()
    finally:
        store.close()
    assert len(first) == len(left) == 3
    assert not {row.id for row in first} & {row.id for row in left}
