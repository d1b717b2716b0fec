"""Per-host politeness across workers: three processes' fetchers on one PostgreSQL database
keep one host's gap between them, measured at the server.

Each worker has its own event loop, HTTP client and connection pool, as three `tracker run`
processes would. The bound holds on a slow machine (see tests/fetch/test_polite.py): the
k-th request to arrive came no sooner than k gaps after the first could have started.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from tests.fetch.recording import Recorder, recording_server
from tracker.config import FetchSettings
from tracker.fetch import Fetcher
from tracker.store import Store
from tracker.store.hosts import shared_turns

WORKERS = 3
REQUESTS = 4  # per worker
GAP_S = 0.3


def test_three_workers_keep_one_gap_at_a_host(pg_url: str) -> None:
    Store(pg_url).close()  # the schema, before the workers start
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=GAP_S, per_host_concurrency=1, timeout_s=5.0
    )
    failures: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker(n: int, url: str) -> None:
        store = Store(pg_url, migrate=False)

        async def fetch_all() -> None:
            async with Fetcher(settings, shared_turns=shared_turns(store)) as fetcher:
                for i in range(REQUESTS):
                    await fetcher.fetch_feed(f"{url}/w{n}/feed{i}.xml")

        try:
            start.wait()
            asyncio.run(fetch_all())
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            store.close()

    with recording_server(Recorder()) as server:
        threads = [threading.Thread(target=worker, args=(n, server.url)) for n in range(WORKERS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        times = sorted(t for _, t in server.arrivals)
    assert failures == []
    assert len(times) == WORKERS * REQUESTS
    after = [t - started for t in times]
    assert all(t >= GAP_S * k - 0.01 for k, t in enumerate(after)), after


def test_sqlite_has_no_shared_turns(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    try:
        assert shared_turns(store) is None
    finally:
        store.close()
