"""`tracker run`: the lock, the scheduler, structured logs and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import col, func, select

from tests.conftest import FEEDS, FIXTURES, VENDORS
from tracker.config import ScheduleSettings, Settings
from tracker.extract import Extractor
from tracker.ingest.daemon import Daemon, RunLock, RunLocked, lock_path_for
from tracker.store import Store
from tracker.store.tables import Source

PAGES = len(list((FIXTURES / "site" / "articles").glob("*.html")))


def test_lock_path() -> None:
    assert lock_path_for("sqlite:///data/t.db") == Path("data/t.db.lock").resolve()
    assert lock_path_for("sqlite://") is None
    assert lock_path_for("sqlite:///:memory:") is None
    assert lock_path_for("postgresql://localhost/t") is None


def test_a_symbolic_link_to_the_database_takes_the_same_lock(tmp_path: Path) -> None:
    db = tmp_path / "real" / "t.db"
    db.parent.mkdir()
    db.touch()
    (tmp_path / "link.db").symlink_to(db)
    (tmp_path / "dir").symlink_to(db.parent)
    locks = {
        lock_path_for(f"sqlite:///{name}")
        for name in (db, tmp_path / "link.db", tmp_path / "dir" / "t.db")
    }
    assert locks == {db.with_name("t.db.lock")}
    lock = lock_path_for(f"sqlite:///{tmp_path / 'link.db'}")
    assert lock is not None
    with RunLock(db.with_name("t.db.lock")), pytest.raises(RunLocked):
        RunLock(lock).acquire()


def test_only_one_holder(tmp_path: Path) -> None:
    path = tmp_path / "t.db.lock"
    with RunLock(path), pytest.raises(RunLocked, match=f"pid {os.getpid()}"):
        RunLock(path).acquire()
    with RunLock(path):  # released on exit: taken again
        pass


async def test_a_job_added_before_the_start_runs_beside_the_fetch_job(
    db_url: str, gazetteer_extractor: Extractor
) -> None:
    store = Store(db_url)
    settings = Settings(path=None, schedule=ScheduleSettings(tick_s=0.1))
    ticks: list[float] = []
    daemon = Daemon(store, settings, gazetteer_extractor)

    async def probe() -> None:
        ticks.append(time.monotonic())
        if len(ticks) == 3:
            daemon.stop()

    daemon.add_job(probe, IntervalTrigger(seconds=0.05), job_id="probe")
    try:
        await asyncio.wait_for(daemon.run(), timeout=20)
    finally:
        store.close()
    assert len(ticks) >= 3


async def test_run_returns_only_once_the_maintenance_thread_is_done(
    tmp_path: Path, gazetteer_extractor: Extractor
) -> None:
    """The scheduler's shutdown cancels the maintenance job, not its thread: run() waits for
    it, so the caller may close the store (a connection the thread still held would go back
    to a disposed pool and be left open)."""
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    daemon = Daemon(store, Settings(path=None, schedule=ScheduleSettings(tick_s=0.05)),
                    gazetteer_extractor)  # fmt: skip
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    def maintain() -> int:
        started.set()
        release.wait(20)
        done.set()
        return 0

    daemon.maintain = maintain  # type: ignore[method-assign]

    async def probe() -> None:
        if started.is_set() and not daemon.stopping.is_set():
            daemon.stop()
            asyncio.get_running_loop().call_later(0.2, release.set)

    daemon.add_job(probe, IntervalTrigger(seconds=0.05), job_id="probe")
    try:
        await asyncio.wait_for(daemon.run(), timeout=20)
    finally:
        release.set()
        store.close()
    assert done.is_set()


def _config(tmp_path: Path, site_url: str) -> Path:
    lines = [
        "[fetch]",
        "allow_private_hosts = true",
        "per_host_delay_s = 0.0",
        "timeout_s = 5.0",
        "[schedule]",
        "tick_s = 0.5",
        "shutdown_grace_s = 5.0",
        "[extract]",
        f"vendors_file = {str(VENDORS)!r}",
    ]
    for name, path in FEEDS.items():
        lines += ["[[sources]]", f"name = {name!r}", f"url = {site_url + path!r}"]
    config = tmp_path / "run.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _lines(stream: object, sink: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.put(line)


@pytest.mark.slow
def test_daemon_fetches_logs_json_refuses_a_second_and_stops_on_sigterm(
    tmp_path: Path, site_url: str
) -> None:
    db = tmp_path / "run.db"
    base = [sys.executable, "-m", "tracker", "--config", str(_config(tmp_path, site_url))]
    base += ["--db", f"sqlite:///{db}"]
    daemon = subprocess.Popen(
        [*base, "run", "--log-format", "json"], stderr=subprocess.PIPE, text=True
    )
    logs: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(daemon.stderr, logs), daemon=True)
    reader.start()
    events: list[dict[str, object]] = []
    try:
        deadline = time.monotonic() + 60
        while sum(e.get("event") == "source fetched" for e in events) < len(FEEDS):
            assert time.monotonic() < deadline, events
            events.append(json.loads(logs.get(timeout=60)))
        second = subprocess.run([*base, "run"], capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert "already used by another `tracker run`" in second.stderr
        assert f"pid {daemon.pid}" in second.stderr
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=30)
        reader.join(timeout=10)
        assert daemon.stderr is not None
        daemon.stderr.close()
    while not logs.empty():
        line = logs.get()
        if line.strip():
            events.append(json.loads(line))
    assert code == 0
    fetched = [e for e in events if e["event"] == "source fetched"]
    assert {e["source"] for e in fetched} == set(FEEDS)
    for event in fetched:
        assert {"ts", "level", "source", "url", "status", "elapsed_s", "next_attempt_at"} <= set(
            event
        )
    assert events[-1]["event"] == "stopped"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM article").fetchone() == (PAGES + 1,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with RunLock(lock_path_for(f"sqlite:///{db}")):  # released when the daemon stopped
        pass


@pytest.mark.slow
def test_sigterm_mid_fetch_stops_within_the_grace_and_loses_nothing(tmp_path: Path) -> None:
    from tests.conftest import write_config
    from tests.sitegen import generate_site
    from tracker.devserver import serve_directory

    site = generate_site(
        tmp_path / "site", feeds=10, entries_per_feed=40, seed=9, text_chars=(800, 1200)
    )
    db = tmp_path / "mid.db"
    with serve_directory(site.root) as url:
        config = write_config(tmp_path / "mid.toml", {n: url + p for n, p in site.feeds.items()})
        with config.open("a", encoding="utf-8") as extra:
            extra.write("[schedule]\ntick_s = 0.2\nshutdown_grace_s = 0.5\n")
        base = [sys.executable, "-m", "tracker", "--config", str(config), "--db", f"sqlite:///{db}"]
        daemon = subprocess.Popen([*base, "run"], stderr=subprocess.PIPE, text=True)
        # Stop it once it is storing (a fixed sleep could land before its handlers exist).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and daemon.poll() is None:
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    if conn.execute("SELECT count(*) FROM article").fetchone()[0]:
                        break
            except sqlite3.OperationalError:
                pass  # the schema is not there yet
            time.sleep(0.05)
        daemon.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        _, err = daemon.communicate(timeout=30)
        assert daemon.returncode == 0, err
        assert time.monotonic() - stopped_at < 10
        with sqlite3.connect(db) as conn:
            partial = conn.execute("SELECT count(*) FROM article").fetchone()[0]
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        final = subprocess.run(
            [*base, "fetch", "--format", "json"], capture_output=True, text=True, timeout=120
        )
    assert final.returncode == 0, final.stderr
    assert partial < site.entries  # the stop came mid-run
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT count(*), count(DISTINCT canonical_url) FROM article"
        ).fetchone() == (
            site.entries,
            site.entries,
        )
        assert conn.execute("SELECT count(*) FROM article_source").fetchone() == (site.entries,)


async def test_a_worker_claims_more_as_soon_as_a_batch_is_done(
    tmp_path: Path, gazetteer_extractor: Extractor
) -> None:
    """claim_batch bounds the sources in flight, not the sources per tick: with six due and
    a batch of two, all six are fetched long before the next tick."""
    from tests.sitegen import generate_site
    from tracker.config import FetchSettings
    from tracker.devserver import serve_directory
    from tracker.store.sources import upsert_source

    site = generate_site(
        tmp_path / "site", feeds=6, entries_per_feed=1, seed=3, text_chars=(300, 400)
    )
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    settings = Settings(
        path=None,
        fetch=FetchSettings(
            allow_private_hosts=True, per_host_delay_s=0.0, fetch_pages=False, workers=1
        ),
        schedule=ScheduleSettings(tick_s=3600.0, claim_batch=2, jitter_fraction=0.0),
    )
    daemon = Daemon(store, settings, gazetteer_extractor)
    try:
        with serve_directory(site.root) as base:
            with store.session() as session:
                for name, path in site.feeds.items():
                    upsert_source(session, name, base + path)

            async def all_fetched() -> None:
                while True:
                    with store.session() as session:
                        done = session.exec(
                            select(func.count()).where(col(Source.last_success_at).is_not(None))
                        ).one()
                    if done == 6:
                        daemon.stop()
                        return
                    await asyncio.sleep(0.1)

            watcher = asyncio.create_task(all_fetched())
            # A bound for a stuck worker, far below the hour to the next tick.
            await asyncio.wait_for(daemon.run(), timeout=120)
            await watcher
        # Each fetch run that stored something refreshed the link summary (migration 0022).
        with store.engine.connect() as conn:
            noted = conn.exec_driver_sql("SELECT count(*) FROM relation_link_dirty").scalar()
            links = conn.exec_driver_sql(
                "SELECT count(*) FROM (SELECT DISTINCT supplier, customer FROM relation)"
            ).scalar()
            summary = conn.exec_driver_sql(
                "SELECT count(*) FROM (SELECT DISTINCT supplier, customer FROM relation_link)"
            ).scalar()
        assert noted == 0
        assert links
        assert summary == links
    finally:
        store.close()
