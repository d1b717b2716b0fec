"""The CPU-bound steps of a fetch, run in worker processes so they use every core.

Feed parsing (feedparser), page main-text extraction (trafilatura) and the vendor, product,
relation and event extraction are pure and take most of a run's CPU. The event loop hands
them to a pool of processes and keeps the network and the one database writer to itself.
Each worker gets the extractor once, through the pool's initializer.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tracker.errors import ParseError, UsageError
from tracker.extract import ARTICLE_BUDGET_S, Extractor, extract_text
from tracker.models import ArticleRecord, ParsedFeed
from tracker.parse.discover import page_title
from tracker.parse.encoding import decode_document
from tracker.parse.feed import parse_feed
from tracker.parse.listing import Listing, extract_listing
from tracker.parse.page import extract_page
from tracker.parse.sitemap import Sitemap, parse_sitemap
from tracker.parse.text import bounded_text, content_hash

MAX_TITLE = 1000  # characters of a title that are kept
# Texts shorter than this are too generic to identify an article by their hash alone.
MIN_HASHED_TEXT = 200

_extractor: Extractor | None = None
T = TypeVar("T")


def init_worker(handoff: Any, parent_pid: int | None = None) -> None:
    """Pool initializer: tie the worker's life to its parent's, then take the extractor, once
    per worker, from ``handoff`` (a queue: the workers start before the parent has built it)."""
    global _extractor
    if parent_pid is not None:
        die_with_parent(parent_pid)
    blob = handoff.get()
    if blob is None:  # the parent stopped, or failed to pickle it (and says so itself)
        os._exit(0)
    _extractor = pickle.loads(blob)


class _LeanSpawnProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that does not run the parent's main script again.

    multiprocessing imports the parent's ``__main__`` into every spawned process so that
    functions defined there can be found; run as the ``tracker`` script, that is the whole
    CLI (issue 18: 2.0 CPU s and 106 MB a worker instead of 0.8 s and 53 MB). A worker runs
    only functions of this module, so the script is hidden while the process is started.
    """

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        main = sys.modules.get("__main__")
        script = getattr(main, "__file__", None)
        if main is None or script is None or getattr(main, "__spec__", None) is not None:
            return multiprocessing.context.SpawnProcess._Popen(process_obj)
        with _LAUNCH:
            del main.__file__
            try:
                return multiprocessing.context.SpawnProcess._Popen(process_obj)
            finally:
                main.__file__ = script


_LAUNCH = threading.Lock()


class _LeanSpawnContext(multiprocessing.context.SpawnContext):
    Process = _LeanSpawnProcess


def die_with_parent(parent_pid: int) -> None:
    """No worker outlives the process that started it: one killed outright (SIGKILL, the OOM
    killer) never shuts its pool down, and its workers, once re-parented, would wait for
    jobs forever. A thread checks every half second that the parent is still the parent.
    Ctrl-C reaches every process of the terminal's group: the parent stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent_pid:  # it died while this worker started
        os._exit(0)
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True
    ).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)  # nothing of a worker's is worth finishing: its results have nowhere to go


@dataclass(frozen=True, slots=True)
class PageJob:
    """What a worker needs to turn an entry (and its page, when fetched) into a record."""

    canonical_url: str
    title: str
    summary: str
    published_at: datetime | None
    fallback_label: str
    page_body: bytes | None = None
    page_url: str | None = None
    page_content_type: str = ""
    note: str | None = None
    date_fallback: datetime | None = None  # a date from the URL or a sitemap's lastmod


@dataclass(frozen=True, slots=True)
class Timed:
    """A worker's result with the CPU time of its steps."""

    value: Any
    page_s: float = 0.0
    extract_s: float = 0.0


def parse_feed_timed(body: bytes, url: str, content_type: str) -> Timed:
    """parse_feed, timed; a ParseError is returned, not raised (it crosses a process)."""
    started = time.thread_time()
    try:
        value: ParsedFeed | ParseError = parse_feed(body, url, content_type)
    except ParseError as exc:
        value = exc
    return Timed(value, page_s=time.thread_time() - started)


@dataclass(frozen=True, slots=True)
class ListingPage:
    """A parsed listing page: its article links and its title."""

    listing: Listing
    title: str


def _html_text(body: bytes, content_type: str) -> str | bytes:
    # Our reading of the charset is better informed than lxml's guess: hand over text.
    decoded = decode_document(body, content_type, "html")
    return decoded.text if decoded.is_confident else body


def parse_listing_timed(
    body: bytes, url: str, content_type: str, selector: str | None, xpath: str | None
) -> Timed:
    """extract_listing, timed; a ParseError or UsageError (a bad selector) is returned."""
    started = time.thread_time()
    value: ListingPage | ParseError | UsageError
    try:
        html = _html_text(body, content_type)
        listing = extract_listing(html, url, selector=selector, xpath=xpath)
        value = ListingPage(listing, page_title(html))
    except (ParseError, UsageError) as exc:
        value = exc
    return Timed(value, page_s=time.thread_time() - started)


def parse_sitemap_timed(body: bytes, url: str, max_bytes: int) -> Timed:
    """parse_sitemap, timed; a ParseError is returned, not raised."""
    started = time.thread_time()
    try:
        value: Sitemap | ParseError = parse_sitemap(body, url, max_bytes=max_bytes)
    except ParseError as exc:
        value = exc
    return Timed(value, page_s=time.thread_time() - started)


def extract_article(job: PageJob, extractor: Extractor | None = None) -> Timed:
    """The ArticleRecord of an entry, in this process: page text when there is one, else the
    feed's summary."""
    extractor = extractor or _extractor
    assert extractor is not None, "init_worker was not called"
    started = time.thread_time()
    title, text, origin, note = job.title, "", "page", job.note
    published = job.published_at
    if job.page_body is not None:
        html = _html_text(job.page_body, job.page_content_type)
        # The page's title and date are read only when the entry lacks them (issue 18: they
        # cost a third of the page's time). The page's date (its metadata, then its URL,
        # then htmldate's guesses) comes before the entry's guess (URL date, lastmod).
        page = extract_page(html, job.page_url, with_title=not title, with_date=published is None)
        text = page.text
        title = title or page.title or ""
        published = published or page.published_at
        if not text:
            note = "page had no main text"
    published = published or job.date_fallback
    page_s = time.thread_time() - started
    if not text:
        text, origin = job.summary, "summary"
    text, cut = bounded_text(text)
    summary = bounded_text(job.summary)[0]
    title = (title or job.fallback_label)[:MAX_TITLE]
    extraction = extract_text(extractor, title, text, published, ARTICLE_BUDGET_S)
    notes = [n for n in (note, cut, extraction.note) if n]
    record = ArticleRecord(
        url=job.canonical_url,
        canonical_url=job.canonical_url,
        title=title,
        summary=summary,
        text=text,
        text_origin=origin,
        text_note="; ".join(notes) or None,
        content_hash=content_hash(title, text) if len(text) >= MIN_HASHED_TEXT else "",
        published_at=published,
        extraction=extraction,
    )
    return Timed(record, page_s=page_s, extract_s=time.thread_time() - started - page_s)


def _extract_article_in_worker(job: PageJob) -> Timed:
    return extract_article(job)


def worker_count(configured: int) -> int:
    """Worker processes for the ``workers`` setting (0: one per core; 1, or 0 on one core:
    none). The answer 0 means no processes: the work runs in threads of this one."""
    cores = os.cpu_count() or 1
    count = configured or cores
    return 0 if count <= 1 else count


def _ready() -> bool:
    return _extractor is not None


class CpuPool:
    """A process pool for the CPU-bound steps, or one thread when there is one core.

    Starting the workers (a fresh interpreter each, importing the parsers and extractors)
    takes about a second of CPU each: ``start()`` does it in a thread of its own, and may be
    called before the extractor exists (``provide`` hands it over when built), so that the
    workers import while this process opens the database and builds the extractor. Every
    job waits for the workers: none runs in this process beside the event loop.
    """

    def __init__(self, extractor: Extractor | None, workers: int) -> None:
        self.extractor = extractor
        self.workers = worker_count(workers)
        self._executor: ProcessPoolExecutor | None = None
        self._starting: Future[None] | None = None
        self._provided = threading.Event()
        if extractor is not None:
            self._provided.set()
        # CPU seconds of the steps run in this process (no workers), so that a run's
        # timings do not count them again as this process's own.
        self.here_cpu_s = 0.0
        # The steps run in this process (no workers) go one at a time on one thread: the
        # HTML parsers the page-text libraries keep at module level (trafilatura's,
        # htmldate's) are C objects not made to be used by two threads at once.
        self._thread: ThreadPoolExecutor | None = None

    def provide(self, extractor: Extractor) -> None:
        """The extractor, for workers started before it was built."""
        if self.extractor is None:
            self.extractor = extractor
            self._provided.set()

    def _start_blocking(self, started: Future[None]) -> None:
        try:
            handoff = _LeanSpawnContext().SimpleQueue()
            # spawn: fresh interpreters, never a fork of this process's event loop and
            # threads (a fork could inherit a lock some thread held).
            executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_LeanSpawnContext(),
                initializer=init_worker,
                initargs=(handoff, os.getpid()),
            )
            # One job per worker makes every worker start now, not on the first real job.
            ready = [executor.submit(_ready) for _ in range(self.workers)]
            self._provided.wait()
            blob: bytes | None = None
            try:
                if self.extractor is None:  # the pool is shut down before it got one
                    raise RuntimeError("the workers were stopped before they had an extractor")
                blob = pickle.dumps(self.extractor)
            finally:
                for _ in range(self.workers):  # None makes every waiting worker give up
                    handoff.put(blob)
            for future in ready:
                future.result()
        except BaseException as exc:
            if "executor" in locals():  # its workers still read the queue: wait for them
                executor.shutdown(wait=True, cancel_futures=True)
            started.set_exception(exc)
            return
        self._executor = executor
        started.set_result(None)

    def start(self) -> None:
        """Start the workers in the background (from any thread, with or without a loop)."""
        if self.workers and self._starting is None:
            self._starting = Future()
            threading.Thread(
                target=self._start_blocking,
                args=(self._starting,),
                name="workers-start",
                daemon=True,
            ).start()

    @property
    def slots(self) -> int:
        """Jobs worth keeping queued: enough to keep every worker busy."""
        return max(1, self.workers) * 4

    async def _here(self, func: Callable[..., Timed], *args: Any) -> Timed:
        """``func`` on this process's one extraction thread."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        timed = await asyncio.get_running_loop().run_in_executor(self._thread, func, *args)
        if isinstance(timed, Timed):
            self.here_cpu_s += timed.page_s + timed.extract_s
        return timed

    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        for attempt in (1, 2):
            self.start()
            assert self._starting is not None
            # a start that failed is raised here, never papered over with threads (an
            # extractor that cannot be pickled would otherwise go unnoticed)
            await asyncio.shield(asyncio.wrap_future(self._starting))
            executor = self._executor
            assert executor is not None
            try:
                return await asyncio.get_running_loop().run_in_executor(executor, func, *args)
            except BrokenProcessPool:
                # A worker died (a crash in a C extension, the OOM killer): start afresh once.
                if attempt == 2:
                    raise
                if self._executor is executor:
                    self._executor, self._starting = None, None
                    executor.shutdown(wait=False, cancel_futures=True)
        raise AssertionError("unreachable")

    async def call(self, func: Callable[..., Timed], *args: Any) -> Timed:
        """A pure, module-level ``func`` in a worker (on this process's thread without)."""
        if not self.workers:
            return await self._here(func, *args)
        return await self._run(func, *args)

    async def extract_in_worker(self, job: PageJob) -> Timed:
        """extract_article in a worker (on this process's thread without)."""
        if not self.workers:
            return await self._here(extract_article, job, self.extractor)
        return await self._run(_extract_article_in_worker, job)

    def shutdown(self) -> None:
        """Stop the workers (waiting for them); queued jobs are dropped."""
        if self._starting is not None:
            self._provided.set()  # a start waiting for an extractor that never came
            with contextlib.suppress(Exception):
                self._starting.result()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
            self._thread = None

    async def close(self) -> None:
        """Stop the workers; queued jobs are dropped."""
        await asyncio.to_thread(self.shutdown)
