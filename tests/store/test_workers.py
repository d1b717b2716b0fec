"""Several `tracker run` workers share one PostgreSQL database.

Three workers fetch 300 sources from a local server; one is killed with SIGKILL midway.
Its leases expire and the others take its sources over: every source is fetched, every
entry is stored exactly once.

A digest is configured too, sent through a real SMTP server on 127.0.0.1: the period missed
while the workers were off is due at start-up (the three race for it), and the next one falls
due during the run. Each is sent to each recipient exactly once, by whichever worker gets it.
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import psycopg
import pytest

from tests.conftest import ROOT, write_config
from tests.digest.smtp import SmtpServer
from tests.sitegen import generate_site
from tracker.devserver import serve_directory
from tracker.digest.records import Period
from tracker.store import Store
from tracker.store import digests as store_digests

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


RECIPIENTS = ("ops@example.com", "buyer@example.com")
DUE_IN_S = 10  # the digest falls due this long after the workers start
ZONE = "Tracker/Test"


def _fixed_zone(folder: Path, offset_s: int) -> Path:
    """A tz database folder holding ``ZONE``: a fixed offset of ``offset_s`` seconds from UTC
    (a binary TZif file, RFC 8536). Digests are due at whole local minutes; a zone that is off
    by some seconds, as local mean times were, lets one fall due a few seconds from now."""
    abbr = b"TST"

    def header() -> bytes:  # isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
        return b"TZif2" + b"\0" * 15 + struct.pack(">6l", 0, 0, 0, 0, 1, len(abbr) + 1)

    data = struct.pack(">lbb", offset_s, 0, 0) + abbr + b"\0"  # one type, no transitions
    west = -offset_s  # POSIX TZ strings count west of Greenwich
    footer = b"%s%s%d:%02d:%02d" % (
        abbr, b"-" if west < 0 else b"", abs(west) // 3600, abs(west) // 60 % 60, abs(west) % 60
    )  # fmt: skip
    path = folder / ZONE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header() + data + header() + data + b"\n" + footer + b"\n")
    return folder


def _digest_due_soon(
    tmp_path: Path, config: Path, url: str, server: SmtpServer
) -> tuple[str, str, str, datetime]:
    """Configure a daily digest due DUE_IN_S from now, in a zone made for it, with the period of
    two days before recorded: yesterday's is missed, so due at start-up. Returns PYTHONTZPATH
    for the workers, the keys (local dates) of yesterday's and today's periods, and when
    today's is due."""
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=DUE_IN_S + 1)
    offset = timedelta(seconds=-due.second)  # local time at ``due`` is a whole minute
    zones = _fixed_zone(tmp_path / "zoneinfo", int(offset.total_seconds()))
    local = due + offset
    before = due - timedelta(days=2)
    store = Store(url)
    try:
        with store.session() as session:
            store_digests.record_run(
                session,
                digest="daily",
                period=Period(
                    key=(before + offset).date().isoformat(),
                    due_at=before,
                    start=before - timedelta(days=1),
                    end=before,
                    timezone=ZONE,
                    cadence="daily",
                ),
                created_at=before,
                stories=0,
                subject="",
                is_empty=True,
                messages=[],
            )
    finally:
        store.close()
    recipients = ", ".join(f'"{r}"' for r in RECIPIENTS)
    lines = [
        *server.config_lines(),
        "[[digests]]",
        'name = "daily"',
        f"recipients = [{recipients}]",
        f'time = "{local:%H:%M}"',
        f'timezone = "{ZONE}"',
        "send_empty = true",
        "[digests.watchlist]",
        'vendors = ["TSMC"]',
    ]
    with config.open("a", encoding="utf-8") as extra:
        extra.write("\n".join(lines) + "\n")
    tzpath = os.pathsep.join([str(zones), *zoneinfo.TZPATH])
    yesterday = (local - timedelta(days=1)).date().isoformat()
    return tzpath, yesterday, local.date().isoformat(), due


def _outbox(url: str) -> list[tuple[str, str, str, int]]:
    """(recipient, period, state, attempts) of every outbox row."""
    with psycopg.connect(_psycopg_url(url)) as conn:
        rows = conn.execute(
            "SELECT recipient, period, state, attempts FROM digest_outbox ORDER BY id"
        ).fetchall()
    return [(str(r), str(p), str(s), int(a)) for r, p, s, a in rows]


def _may_kill(url: str, missed: str, today: str, due: datetime) -> bool:
    """True when no digest is being sent or about to be: the killed worker is to lose
    sources, not a digest in the middle of its SMTP exchange (that message would go out
    again when its claim expires, ten minutes on: at least once, by design). So: between
    the start-up digest and the next one, or after that."""
    rows = _outbox(url)
    if any(state != "sent" for *_, state, _ in rows):
        return False
    periods = {period for _, period, *_ in rows}
    if today in periods:
        return True
    return missed in periods and datetime.now(UTC) < due - timedelta(seconds=1.5)


def _received(server: SmtpServer) -> Counter[tuple[str, str]]:
    """How many messages reached each (recipient, period)."""
    with server.keeper.lock:
        received = list(server.received)
    counts: Counter[tuple[str, str]] = Counter()
    for item in received:
        digest, period = str(item.message["X-Tracker-Digest"]).split()
        assert digest == "daily"
        for recipient in item.rcpt_tos:
            counts[recipient, period] += 1
    return counts


def _worker(config: Path, url: str, log: IO[bytes], tzpath: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--config", str(config), "--db", url, "run"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONTZPATH": tzpath},
    )


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    smtp = SmtpServer()
    smtp.start()
    yield smtp
    smtp.stop()


@pytest.mark.slow
def test_three_workers_one_killed(tmp_path: Path, pg_url: str, server: SmtpServer) -> None:
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
        tzpath, missed, today, due = _digest_due_soon(tmp_path, config, pg_url, server)
        logs_out = [(tmp_path / f"w{i}.log").open("wb") for i in range(3)]
        workers = [_worker(config, pg_url, log, tzpath) for log in logs_out]
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not (
                _counts(pg_url)[0] >= SOURCES // 4 and _may_kill(pg_url, missed, today, due)
            ):
                time.sleep(0.2)
            killed_at = _counts(pg_url)[0]
            workers[1].send_signal(signal.SIGKILL)
            workers[1].wait(timeout=10)
            while time.monotonic() < deadline and (
                _counts(pg_url)[0] < SOURCES
                or any(_received(server)[r, today] == 0 for r in RECIPIENTS)
            ):
                time.sleep(0.3)
            time.sleep(1.5)  # a few more digest ticks: a second sender would show now
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
    assert killed_at < SOURCES  # the worker died midway, holding leases
    assert articles == distinct == SOURCES * ENTRIES
    assert links == SOURCES * ENTRIES  # every entry linked once: nothing stored twice
    assert workers[0].returncode == 0, logs
    assert workers[2].returncode == 0, logs
    with psycopg.connect(_psycopg_url(pg_url)) as conn:
        per_source = conn.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM fetch_log GROUP BY source_id) t"
        ).fetchone()
        # The workers' clock, not PostgreSQL's: the tracker takes every time it stores from
        # Python (and the tests may move Python's clock: tests/travel).
        leftover = conn.execute(
            "SELECT count(*) FROM source WHERE lease_owner IS NOT NULL AND lease_expires_at > %s",
            (datetime.now(UTC) + timedelta(hours=1),),
        ).fetchone()
    assert per_source is not None
    # A source is fetched again only if its worker died holding it (within its interval).
    assert int(per_source[0]) <= 2
    assert leftover is not None
    assert int(leftover[0]) == 0
    # The digests: each period's message reached each recipient once, whichever worker sent it.
    # (Yesterday's is planned at start-up, unless the workers took longer than DUE_IN_S to
    # start: then today's, due by then, is the latest and covers both days.)
    received = _received(server)
    assert set(received.values()) == {1}, received
    assert {period for _, period in received} <= {missed, today}
    assert all(received[r, today] == 1 for r in RECIPIENTS), (received, logs)
    outbox = _outbox(pg_url)
    assert {(r, p) for r, p, *_ in outbox} == set(received), outbox
    assert {(state, attempts) for *_, state, attempts in outbox} == {("sent", 1)}, outbox
