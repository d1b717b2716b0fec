"""The pool of worker processes for parsing and extraction, for real: the rest of the suite
parses in threads (``workers = 1`` in tests/conftest.py's configs)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import pickle
import signal
from datetime import UTC, datetime

import pytest

from tests.conftest import SITE, VENDORS
from tracker import models
from tracker.extract import load_extractor
from tracker.ingest.work import CpuPool, PageJob, extract_article

PAGE = SITE / "articles" / "luxshare-vietnam-expansion.html"


async def _pid_in_a_worker(pool: CpuPool) -> int:
    """A worker's pid: every job waits for the workers, none runs in this process."""
    pid: int = await asyncio.wait_for(pool.call(os.getpid), 120)  # a bound for a stuck start
    assert pid != os.getpid()
    return pid


@pytest.mark.slow
async def test_workers_build_what_threads_build_and_a_killed_one_is_replaced() -> None:
    extractor = load_extractor(VENDORS)
    job = PageJob(
        canonical_url="https://news.example/luxshare",
        title="",
        summary="Luxshare expands in Vietnam.",
        published_at=None,
        fallback_label="news.example",
        page_body=PAGE.read_bytes(),
        page_url="https://news.example/luxshare",
        page_content_type="text/html; charset=utf-8",
    )
    in_thread = extract_article(job, extractor).value
    pool = CpuPool(extractor, workers=2)
    assert pool.workers == 2
    try:
        worker = await _pid_in_a_worker(pool)
        assert worker != os.getpid()
        assert (await pool.extract_in_worker(job)).value == in_thread
        # A worker dies (a crash in a C extension, the OOM killer): the pool starts afresh.
        os.kill(worker, signal.SIGKILL)
        assert (await pool.extract_in_worker(job)).value == in_thread
        assert await _pid_in_a_worker(pool) != worker
    finally:
        await pool.close()
    assert in_thread.text_origin == "page"
    assert "Luxshare" in {m.vendor for m in in_thread.extraction.mentions}


class _Unpicklable:
    """Stands in for an extractor that cannot cross into a worker."""

    def __init__(self) -> None:
        self.hook = lambda text: text


async def test_workers_that_cannot_start_are_an_error_not_threads_forever() -> None:
    pool = CpuPool(_Unpicklable(), workers=2)  # type: ignore[arg-type]
    try:
        with pytest.raises(Exception, match="pickle"):
            await asyncio.wait_for(pool.call(os.getpid), 120)
        with pytest.raises(Exception, match="pickle"):
            await pool.call(os.getpid)
    finally:
        await pool.close()


@pytest.mark.slow
async def test_workers_started_before_the_extractor_get_it_when_it_is_built() -> None:
    pool = CpuPool(None, workers=2)
    pool.start()  # no event loop needed, no extractor yet: the workers import meanwhile
    try:
        pool.provide(load_extractor(VENDORS))
        assert await _pid_in_a_worker(pool) != os.getpid()
    finally:
        await pool.close()


def test_a_pool_stopped_before_it_had_an_extractor_stops_its_workers() -> None:
    pool = CpuPool(None, workers=2)
    pool.start()
    pool.shutdown()  # returns: the workers waiting for an extractor give up
    assert pool._executor is None


def test_findings_cross_processes_as_their_fields() -> None:
    """Worker results are pickled field by field (``tracker.models.Crossing``): every field,
    in the order the class takes them, comes back equal."""
    crossing = [cls for cls in vars(models).values() if isinstance(cls, type)]
    crossing = [
        cls for cls in crossing if issubclass(cls, models.Crossing) and cls is not models.Crossing
    ]
    assert {c.__name__ for c in crossing} >= {"VendorMention", "Relation", "Event", "FeedEntry"}
    for cls in crossing:
        assert cls.__slots__ == tuple(f.name for f in dataclasses.fields(cls)), cls
    extractor = load_extractor(VENDORS)
    job = PageJob(
        canonical_url="https://news.example/luxshare",
        title="",
        summary="",
        published_at=datetime(2026, 11, 3, 8, 30, tzinfo=UTC),
        fallback_label="news.example",
        page_body=PAGE.read_bytes(),
        page_url="https://news.example/luxshare",
        page_content_type="text/html; charset=utf-8",
    )
    record = extract_article(job, extractor).value
    extraction = record.extraction
    assert extraction.mentions
    assert extraction.relations or extraction.events or extraction.products
    back = pickle.loads(pickle.dumps(record))
    assert back == record
    assert [type(m) for m in back.extraction.mentions] == [type(m) for m in extraction.mentions]
    entry = models.FeedEntry("g", None, "t", "s", None, datetime(2026, 1, 2, tzinfo=UTC))
    assert pickle.loads(pickle.dumps(entry)) == entry
