"""The pool of worker processes for parsing and extraction, for real: the rest of the suite
parses in threads (``workers = 1`` in tests/conftest.py's configs)."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from tests.conftest import SITE, VENDORS
from tracker.extract import load_extractor
from tracker.ingest.work import CpuPool, PageJob, extract_article

PAGE = SITE / "articles" / "luxshare-vietnam-expansion.html"


async def _pid_in_a_worker(pool: CpuPool) -> int:
    """A worker's pid, once the workers have started (the pool uses threads until then)."""
    deadline = time.monotonic() + 120  # a bound for a stuck start, not a measure of speed
    while (pid := await pool.call(os.getpid)) == os.getpid():
        assert time.monotonic() < deadline, "the worker processes never started"
        await asyncio.sleep(0.05)
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
        await pool.call(os.getpid)  # in a thread while the workers start
        assert pool._starting is not None
        with pytest.raises(Exception, match="pickle"):
            await asyncio.wait_for(asyncio.shield(pool._starting), 60)
        with pytest.raises(Exception, match="pickle"):
            await pool.call(os.getpid)
    finally:
        await pool.close()
