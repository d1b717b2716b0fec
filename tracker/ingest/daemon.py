"""APScheduler wiring for `tracker run`: the one place that wires the daemon's jobs.

The fetch job ticks every ``[schedule] tick_s`` and starts the sources whose next attempt
has come (each source's interval, backoff and server hints live in the database, so sources
added with `tracker sources add` while the daemon runs are picked up at the next tick). The
digest job (tracker.digest.jobs), when digests and [smtp] are configured, ticks as often and
runs in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from tracker.config import Settings
from tracker.digest.jobs import digest_job
from tracker.errors import TrackerError
from tracker.extract import Extractor
from tracker.ingest.pipeline import Pipeline, RunSummary
from tracker.logs import log_event
from tracker.store import Store, fetchstate, leases, tallies
from tracker.store.tables import Source

log = logging.getLogger("tracker.ingest.daemon")

# How often the daemon prunes the fetch log (the first time at start-up).
MAINTENANCE_EVERY_S = 3600.0


class RunLocked(TrackerError):
    """Another `tracker run` holds the database."""


def lock_path_for(db_url: str) -> Path | None:
    """The lock file of a SQLite database (``<db>.lock`` beside the file itself, symbolic
    links followed: every name of one database takes one lock); None for other databases."""
    if not db_url.startswith("sqlite:///"):
        return None
    path = db_url.removeprefix("sqlite:///").split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    resolved = Path(path).resolve()
    return resolved.with_name(resolved.name + ".lock")


class RunLock:
    """An exclusive OS lock (flock) on ``<db>.lock``: released by the kernel if we die."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise RunLocked naming the holder."""
        if self.path is None:
            return
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise RunLocked(
                f"run: the database is already used by another `tracker run` (pid {holder}, "
                f"lock {self.path}); stop that one first"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        """Let go of the lock (the file stays: removing it would race a new holder)."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.seek(0)
                self._file.truncate()
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


class Daemon:
    """The scheduler, the pipeline it drives, and a clean stop on SIGINT/SIGTERM."""

    def __init__(self, store: Store, settings: Settings, extractor: Extractor) -> None:
        self.store = store
        self.settings = settings
        self.extractor = extractor
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.pipeline: Pipeline | None = None
        self.stopping = asyncio.Event()
        self.runs: list[RunSummary] = []
        self._inflight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        # The maintenance and digest jobs' threads: a stop waits for them, so that nothing
        # still uses the store (a connection of its pool) once run() has returned.
        self._threads: set[asyncio.Task[Any]] = set()
        # Leases name their holder: several workers may share one PostgreSQL database.
        self.worker = f"{socket.gethostname()}:{os.getpid()}"

    def add_job(
        self,
        func: Callable[..., Awaitable[Any] | Any],
        trigger: Any,
        *,
        job_id: str,
        **options: Any,
    ) -> None:
        """Schedule ``func`` (before ``run`` too); a late run is coalesced and never overlaps
        itself."""
        options.setdefault("coalesce", True)
        options.setdefault("max_instances", 1)
        options.setdefault("misfire_grace_time", 300)
        self.scheduler.add_job(func, trigger, id=job_id, replace_existing=True, **options)

    async def dispatch(self) -> None:
        """Start fetching the sources that are due and not already being fetched."""
        if self.stopping.is_set() or self.pipeline is None:
            return
        schedule = self.settings.schedule
        now = datetime.now(UTC)
        with self.store.session() as session:
            leases.renew_leases(
                session,
                self.worker,
                sorted(self._inflight),
                now + timedelta(seconds=schedule.lease_s),
            )
            # Up to the free capacity: claim_batch sources in flight at most, refilled as
            # soon as a batch is done, not a batch per tick and idle until the next one.
            claimed = leases.claim_due_sources(
                session,
                self.worker,
                now,
                schedule.lease_s,
                schedule.claim_batch - len(self._inflight),
                exclude=self._inflight,
            )
        due = [s for s in claimed if s.id not in self._inflight]
        if not due:
            return
        task = asyncio.create_task(self._fetch(due), name=f"fetch {len(due)} sources")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fetch(self, sources: list[Source]) -> None:
        assert self.pipeline is not None
        ids = {s.id for s in sources if s.id is not None}
        self._inflight |= ids
        summary = None
        try:
            summary = await self.pipeline.run(sources)
            self.runs.append(summary)
            log_event(
                log,
                logging.INFO,
                "fetch run done",
                job="fetch",
                sources=len(sources),
                new=summary.new,
                failed=len(summary.failed),
                elapsed_s=round(summary.timings.wall_s, 3),
            )
        except Exception:
            log.exception("fetch run crashed", extra={"fields": {"job": "fetch"}})
        finally:
            self._inflight -= ids
            with self.store.session() as session:
                leases.release_leases(session, self.worker, sorted(ids))
        if summary is not None and summary.new:
            # The links of the new reports, summarised while they are few (exposure reads the
            # links changed since from their reports), even when stopping: it is quick.
            try:
                await self.in_thread(lambda: tallies.refresh_relation_links(self.store.engine))
            except Exception:
                log.exception("link summary refresh crashed", extra={"fields": {"job": "fetch"}})
        await self.dispatch()  # capacity is free again: more due sources, if there are any

    def stop(self) -> None:
        """Ask for a clean stop: no new work; in-flight fetches get the grace period."""
        if self.stopping.is_set():
            # A second signal: stop waiting for in-flight fetches.
            for task in self._tasks:
                task.cancel()
            return
        log_event(log, logging.INFO, "stopping", in_flight=len(self._inflight))
        self.stopping.set()

    async def run(self) -> None:
        """Run until stop(): tick the fetch job and the digest job."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop)
        self.pipeline = Pipeline(self.store, self.settings, self.extractor)
        try:
            self._add_jobs()
            self.scheduler.start()
            log_event(
                log,
                logging.INFO,
                "scheduler started",
                jobs=[job.id for job in self.scheduler.get_jobs()],
                tick_s=self.settings.schedule.tick_s,
                pid=os.getpid(),
            )
            await self.stopping.wait()
            self.scheduler.shutdown(wait=False)
            await self._finish_in_flight()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            await self._finish_threads()
            await self.pipeline.aclose()
            log_event(log, logging.INFO, "stopped")

    def maintain(self) -> int:
        """Prune the fetch log down to ``[schedule] fetch_log_days`` in batches (blocking; a
        stop request ends it between two batches), then fold the day tallies' change rows
        (PostgreSQL) and refresh the link summary; the fetch-log rows deleted."""
        days = self.settings.schedule.fetch_log_days
        started = time.monotonic()
        deleted = fetchstate.prune_fetch_log(
            self.store.engine,
            datetime.now(UTC) - timedelta(days=days),
            keep_going=lambda: not self.stopping.is_set(),
        )
        if not self.stopping.is_set():
            tallies.compact_vendor_days(self.store.engine)
            tallies.refresh_relation_links(self.store.engine)
        if deleted:
            log_event(
                log,
                logging.INFO,
                "fetch log pruned",
                job="maintenance",
                deleted=deleted,
                days=days,
                elapsed_s=round(time.monotonic() - started, 3),
            )
        return deleted

    def _add_jobs(self) -> None:
        """The fetch tick, the maintenance job, then the digest tick when digests can go out;
        all start now."""
        tick_s = self.settings.schedule.tick_s
        now = datetime.now(UTC)
        self.add_job(
            self.dispatch, IntervalTrigger(seconds=tick_s), job_id="fetch", next_run_time=now
        )

        async def maintenance() -> None:
            """In a thread: deletes take the database a while on a large log."""
            if self.stopping.is_set():
                return
            try:
                await self.in_thread(self.maintain)
            except Exception:
                log.exception("maintenance crashed", extra={"fields": {"job": "maintenance"}})

        self.add_job(
            maintenance,
            IntervalTrigger(seconds=MAINTENANCE_EVERY_S),
            job_id="maintenance",
            next_run_time=now,
        )
        digest = digest_job(self.store, self.settings, self.extractor)
        if digest is None:
            return

        async def digest_tick() -> None:
            """Plan and deliver in a thread: SMTP and SQLite block."""
            if not self.stopping.is_set():
                await self.in_thread(digest)

        self.add_job(
            digest_tick, IntervalTrigger(seconds=tick_s), job_id="digest", next_run_time=now
        )

    async def in_thread(self, func: Callable[[], Any]) -> Any:
        """``func()`` in a thread, which run() waits for before it returns: the scheduler's
        shutdown cancels the job awaiting it, never the thread."""
        task = asyncio.ensure_future(asyncio.to_thread(func))
        self._threads.add(task)
        task.add_done_callback(self._threads.discard)
        return await asyncio.shield(task)

    async def _finish_threads(self) -> None:
        if self._threads:
            await asyncio.gather(*self._threads, return_exceptions=True)

    async def _finish_in_flight(self) -> None:
        tasks = set(self._tasks)
        if not tasks:
            return
        grace_s = self.settings.schedule.shutdown_grace_s
        _done, pending = await asyncio.wait(tasks, timeout=grace_s)
        for task in pending:
            task.cancel()  # cancelled between two transactions: nothing is half-stored
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log_event(log, logging.WARNING, "in-flight fetches cancelled", tasks=len(pending))
