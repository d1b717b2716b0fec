"""Several `tracker run` workers share one PostgreSQL database.

Three workers fetch 300 sources from a local server; one is killed with SIGKILL midway.
Its leases expire and the others take its sources over: every source is fetched, every
entry is stored exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import psycopg

from tests.conftest import ROOT, write_config
from tests.sitegen import generate_site
from tracker.devserver import serve_directory

SOURCES = 300
ENTRIES = 2
LEASE_S = 4.0


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _counts(url: str) -> tuple[int, int, int, int]:
    with psycopg.connect(_psycopg_url(url)) as conn:
        row = conn.execute(
            """SELECT
                (SELECT count(*) FROM source WHERE last_success_at IS NOT NULL),
                (SELECT count(*) FROM article),
                (SELECT count(*) FROM article_source),
                (SELECT count(DISTINCT canonical_url) FROM article)"""
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _worker(config: Path, url: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--config", str(config), "--db", url, "run"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_three_workers_one_killed(tmp_path: Path, pg_url: str) -> None:
    site = generate_site(
        tmp_path / "site", feeds=SOURCES, entries_per_feed=ENTRIES, seed=11, text_chars=(400, 800)
    )
    with serve_directory(site.root) as base:
        config = write_config(
            tmp_path / "c.toml",
            {name: base + path for name, path in site.feeds.items()},
            fetch_pages=False,
        )
        with config.open("a", encoding="utf-8") as extra:
            extra.write(
                "[schedule]\ninterval_minutes = 600\ntick_s = 0.5\n"
                f"lease_s = {LEASE_S}\nclaim_batch = 10\njitter_fraction = 0.0\n"
            )
        # Schema and sources first, so the workers start on the same ground.
        init = subprocess.run(
            [sys.executable, "-m", "tracker", "--config", str(config), "--db", pg_url,
             "fetch", "--source", "feed0000", "--format", "json"],
            cwd=ROOT, capture_output=True, timeout=120,
        )  # fmt: skip
        assert init.returncode == 0, init.stderr.decode()
        logs_out = [(tmp_path / f"w{i}.log").open("wb") for i in range(3)]
        workers = [_worker(config, pg_url, log) for log in logs_out]
        try:
            deadline = time.monotonic() + 120
            while _counts(pg_url)[0] < SOURCES // 4 and time.monotonic() < deadline:
                time.sleep(0.2)
            workers[1].send_signal(signal.SIGKILL)
            workers[1].wait(timeout=10)
            while _counts(pg_url)[0] < SOURCES and time.monotonic() < deadline:
                time.sleep(0.3)
        finally:
            for worker in (workers[0], workers[2]):
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            for log in logs_out:
                log.close()
    fetched, articles, links, distinct = _counts(pg_url)
    logs = "\n".join((tmp_path / f"w{i}.log").read_text()[-2000:] for i in range(3))
    assert fetched == SOURCES, logs
    assert articles == distinct == SOURCES * ENTRIES
    assert links == SOURCES * ENTRIES  # every entry linked once: nothing stored twice
    assert workers[0].returncode == 0, logs
    assert workers[2].returncode == 0, logs
    with psycopg.connect(_psycopg_url(pg_url)) as conn:
        per_source = conn.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM fetch_log GROUP BY source_id) t"
        ).fetchone()
        leftover = conn.execute(
            "SELECT count(*) FROM source WHERE lease_owner IS NOT NULL "
            "AND lease_expires_at > now() + interval '1 hour'"
        ).fetchone()
    assert per_source is not None
    # A source is fetched again only if its worker died holding it (within its interval).
    assert int(per_source[0]) <= 2
    assert leftover is not None
    assert int(leftover[0]) == 0
