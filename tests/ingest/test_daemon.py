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

from tests.conftest import FEEDS, FIXTURES, VENDORS
from tracker.config import ScheduleSettings, Settings
from tracker.extract import Extractor
from tracker.ingest.daemon import Daemon, RunLock, RunLocked, lock_path_for
from tracker.store import Store

PAGES = len(list((FIXTURES / "site" / "articles").glob("*.html")))


def test_lock_path() -> None:
    assert lock_path_for("sqlite:///data/t.db") == Path("data/t.db.lock").resolve()
    assert lock_path_for("sqlite://") is None
    assert lock_path_for("sqlite:///:memory:") is None
    assert lock_path_for("postgresql://localhost/t") is None


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
