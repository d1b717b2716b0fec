"""The one place the layers meet: fetch -> parse -> extract -> store.

The event loop does the network and the database writes (one SQLite writer, each article in
one transaction: a crash never leaves half an article). Parsing and extraction run in worker
processes (tracker.ingest.work). A source's validators and next attempt are written only after all
its entries are stored, so an interrupted run fetches the feed again and loses nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from tracker.config import Settings, url_problem
from tracker.errors import EntriesNotStored, FetchError, LayoutChanged, ParseError, StoreError
from tracker.extract import Extractor
from tracker.fetch import Fetcher
from tracker.fetch.policy import max_age_seconds
from tracker.ingest.gather import Target, gather
from tracker.ingest.transition import Fetched, after_fetch
from tracker.ingest.work import CpuPool, PageJob
from tracker.logs import log_event
from tracker.models import ArticleRecord, FeedEntry, ParsedFeed, SourceState
from tracker.parse.listing import Listing, layout_changed
from tracker.parse.urls import canonical_url, printable
from tracker.store import Store, fetchstate, hosts, identity
from tracker.store import articles as store_articles
from tracker.store import sources as store_sources
from tracker.store.tables import Source

log = logging.getLogger("tracker.ingest.pipeline")


@dataclass(slots=True)
class SourceOutcome:
    """What happened to one source in a run."""

    name: str
    url: str
    status: str = "ok"  # ok | not_modified | failed
    error_class: str | None = None
    error: str | None = None
    entries: int = 0
    new: int = 0
    linked: int = 0
    updated: int = 0  # stored articles met again under a new GUID
    seen: int = 0
    summary_only: int = 0
    failed_entries: int = 0  # entries that could not be stored (retried next fetch)
    skipped: int = 0  # entries with a link that cannot be fetched (reasons in ``warnings``)
    http_status: int | None = None
    elapsed_s: float = 0.0
    next_attempt_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Timings:
    """Where a run's time went, in CPU seconds per step, plus the network wait.

    Parsing and extraction are CPU time in the workers; storing is CPU time of the writes in
    the main process; fetching is the rest of the main process's CPU (HTTP, the event loop,
    handing work to the workers). ``fetch_wait_s`` sums every request's wall time: requests
    overlap, so it may exceed the run's length.
    """

    fetch_s: float = 0.0
    parse_s: float = 0.0
    page_s: float = 0.0
    extract_s: float = 0.0
    store_s: float = 0.0
    main_cpu_s: float = 0.0
    fetch_wait_s: float = 0.0
    wall_s: float = 0.0
    feeds: int = 0
    pages: int = 0

    def shares(self) -> dict[str, float]:
        """Each step's share of the CPU time spent."""
        steps = {
            "fetching": self.fetch_s,
            "parsing": self.parse_s,
            "extraction": self.page_s + self.extract_s,
            "storing": self.store_s,
        }
        total = sum(steps.values()) or 1.0
        return {name: round(value / total, 3) for name, value in steps.items()}

    def as_dict(self) -> dict[str, object]:
        """The figures, rounded, with the shares."""
        figures: dict[str, object] = {
            k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()
        }
        figures["shares"] = self.shares()
        return figures


@dataclass(slots=True)
class RunSummary:
    """The outcome of a fetch run."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    new_article_ids: list[int] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)

    @property
    def failed(self) -> list[SourceOutcome]:
        """Sources that could not be fetched or parsed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def new(self) -> int:
        """Articles stored for the first time."""
        return sum(o.new for o in self.outcomes)

    @property
    def linked(self) -> int:
        """Entries that turned out to be an article already stored from another source."""
        return sum(o.linked for o in self.outcomes)


ProgressHook = Callable[[str, SourceOutcome | None], None]


def _entry_canonical_url(source: Source, entry: FeedEntry) -> str:
    if entry.url:
        return canonical_url(entry.url)
    digest = hashlib.sha256(f"{source.url}\x1f{entry.guid}".encode()).hexdigest()[:32]
    return f"urn:tracker:entry:{digest}"


@dataclass(frozen=True, slots=True)
class _SaveJob:
    record: ArticleRecord
    source_id: int
    guid: str
    entry_url: str | None


SaveResult = tuple[str, int | None]  # an entry's outcome and its article's id


class _BatchWriter:
    """The one writer: articles built within ``BATCH_WINDOW_S`` of each other are stored in
    one transaction, which saves a commit and a connection per article. A batch is atomic: a
    crash stores all of it or none. It is written at once; when that fails it is written
    again with a savepoint per article, so that a bad one is lost alone."""

    BATCH_WINDOW_S = 0.05
    MAX_BATCH = 64

    def __init__(self, store: Store, vendor_ids: dict[str, int]) -> None:
        self.store = store
        self.vendor_ids = vendor_ids
        self._queue: list[tuple[_SaveJob, asyncio.Future[SaveResult]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._timings: Timings | None = None

    async def save(self, job: _SaveJob, timings: Timings) -> SaveResult:
        """Store (or link) ``job``'s article; returns the outcome and the article's id."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[SaveResult] = loop.create_future()
        self._queue.append((job, future))
        self._timings = timings
        if len(self._queue) >= self.MAX_BATCH:
            self.flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.BATCH_WINDOW_S, self.flush)
        return await future

    def flush(self) -> None:
        """Write what is queued, now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._queue = self._queue, []
        if not batch:
            return
        started = time.thread_time()
        # Every writer takes the unique-index locks of its batch in the same order (by text,
        # then URL), so two writers storing the same articles wait for each other instead of
        # deadlocking; a deadlock that still happens costs one article a retry, not the batch.
        batch.sort(key=lambda item: (item[0].record.content_hash, item[0].record.canonical_url))
        jobs = [job for job, _future in batch]
        written: list[SaveResult] | list[SaveResult | Exception] | None
        written = self._write_at_once(jobs)
        if written is None:
            written = self._write_guarded(jobs)
        results = [_as_store_error(r) if isinstance(r, Exception) else r for r in written]
        if self._timings is not None:
            self._timings.store_s += time.thread_time() - started
        for (_job, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)

    def _write_at_once(self, jobs: list[_SaveJob]) -> list[SaveResult] | None:
        """The batch without a savepoint per article: None, and nothing stored, when any of
        it failed (a lost race with another writer, a bad article), for ``_write_guarded``
        to write it again. A savepoint costs SQLite a copy of every page it changes."""
        try:
            with self.store.session() as session:
                fetchstate.begin_write(session)
                return [self._save(session, job, guarded=False) for job in jobs]
        except Exception:
            log.debug("batch written again, one savepoint an article", exc_info=True)
            return None

    def _write_guarded(self, jobs: list[_SaveJob]) -> list[SaveResult | Exception]:
        """The batch with a savepoint per article: one that fails is lost alone (and
        retried by a later run), unless the commit fails, which loses the batch."""
        results: list[SaveResult | Exception] = []
        try:
            with self.store.session() as session:
                fetchstate.begin_write(session)
                for job in jobs:
                    try:
                        results.append(self._save_one(session, job))
                    except Exception as exc:  # that article alone is lost (and retried)
                        results.append(exc)
        except Exception as exc:  # the commit failed: nothing of the batch was stored
            results = [exc] * len(jobs)
        return results

    def _save(self, session: Any, job: _SaveJob, *, guarded: bool) -> SaveResult:
        return identity.save_entry(
            session,
            job.record,
            source_id=job.source_id,
            guid=job.guid,
            entry_url=job.entry_url,
            vendor_ids=self.vendor_ids,
            guarded=guarded,
        )

    def _save_one(self, session: Any, job: _SaveJob, attempts: int = 3) -> SaveResult:
        for attempt in range(attempts):
            try:
                with session.begin_nested():
                    return self._save(session, job, guarded=True)
            except Exception as exc:
                # Lost a lock race with another writer (only this savepoint is rolled back):
                # the retry waits for the other's commit, then finds the article and links it.
                if not fetchstate.is_write_conflict(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")


def _error_class(exc: Exception) -> tuple[str, str]:
    """The error class and message of a source's failure ("internal" for a bug)."""
    if isinstance(exc, FetchError | ParseError | StoreError):
        return exc.error_class, str(exc)
    return "internal", f"internal: {type(exc).__name__}: {exc}"


def _as_store_error(exc: Exception) -> Exception:
    """A failure to write, as the StoreError it is (its cause chained)."""
    if isinstance(exc, StoreError):
        return exc
    error = StoreError(
        f"store: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    )
    error.__cause__ = exc
    return error


def _log_fields(outcome: SourceOutcome, started_at: datetime) -> dict[str, Any]:
    return {
        "started_at": started_at,
        "elapsed_s": outcome.elapsed_s,
        "status": outcome.status,
        "http_status": outcome.http_status,
        "error_class": outcome.error_class,
        "entries": outcome.entries,
        "new": outcome.new,
    }


class Pipeline:
    """One HTTP client, one worker pool, one writer: for a `tracker fetch` or a daemon's life."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        extractor: Extractor,
        *,
        rng: random.Random | None = None,
        cpu: CpuPool | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.extractor = extractor
        self.rng = rng or random.Random()
        self.fetcher = Fetcher(settings.fetch, shared_turns=hosts.shared_turns(store))
        # a pool started before the extractor was built gets it now
        self.cpu = cpu or CpuPool(extractor, settings.fetch.workers)
        self.cpu.provide(extractor)
        concurrency = settings.fetch.concurrency
        self.feeds = asyncio.Semaphore(concurrency * 2)
        # Entries between "page requested" and "record built": bounds the bodies in memory.
        self.pending = asyncio.Semaphore(concurrency + self.cpu.slots)
        self.inflight: dict[str, asyncio.Future[int | None]] = {}
        self.keeper = fetchstate.ConnectionKeeper(store.engine)
        self.vendor_ids = identity.sync_vendor_ids(store, extractor.gazetteer)
        self.writer = _BatchWriter(store, self.vendor_ids)

    async def aclose(self) -> None:
        """Close the connections and stop the workers."""
        self.writer.flush()  # articles built before a cancellation are kept
        await self.fetcher.aclose()
        await self.cpu.close()
        self.keeper.close()

    async def run(self, sources: Sequence[Source], hook: ProgressHook | None = None) -> RunSummary:
        """Fetch ``sources`` concurrently and store what is new."""
        summary = RunSummary()
        started, cpu_started = time.monotonic(), time.process_time()
        here_started = self.cpu.here_cpu_s
        self.cpu.start()

        async def one(source: Source) -> None:
            async with self.feeds:
                try:
                    outcome = await self.fetch_source(source, summary)
                except Exception as exc:  # a store failure must not stop the other sources
                    log.exception("source crashed", extra={"fields": {"source": source.name}})
                    outcome = SourceOutcome(source.name, source.url, status="failed")
                    outcome.error_class, outcome.error = _error_class(exc)
            summary.outcomes.append(outcome)
            if hook:
                hook("source_done", outcome)

        await asyncio.gather(*(one(s) for s in sources))
        summary.outcomes.sort(key=lambda o: o.name)
        timings = summary.timings
        timings.wall_s = time.monotonic() - started
        timings.main_cpu_s = time.process_time() - cpu_started
        # Each CPU second once: the steps run in this process (no workers) are counted as
        # parsing and extraction already, not again as fetching.
        here_s = self.cpu.here_cpu_s - here_started
        timings.fetch_s = max(0.0, timings.main_cpu_s - timings.store_s - here_s)
        return summary

    async def fetch_source(self, source: Source, summary: RunSummary) -> SourceOutcome:
        """Fetch, parse and store one source, then schedule its next attempt."""
        outcome = SourceOutcome(source.name, source.url)
        started_at, started = datetime.now(UTC), time.monotonic()
        timings = summary.timings
        assert source.id is not None
        try:
            target = self._target(source)
            gathered = await gather(self.fetcher, self.cpu, target, self.settings.fetch)
            result = gathered.result
            timings.fetch_wait_s += gathered.wait_s
            timings.feeds += gathered.requests
            timings.parse_s += gathered.parse_s
            outcome.http_status = result.status
            fresh_for_s = max_age_seconds(result.headers.get("cache-control"))
            if gathered.is_not_modified:
                outcome.status = "not_modified"
                self._record_success(source, outcome, None, fresh_for_s, started_at, started)
                return outcome
            if gathered.listing is not None:
                self._check_layout(source, gathered.listing, outcome)
            assert gathered.feed is not None
            feed: ParsedFeed = gathered.feed
        except (FetchError, ParseError) as exc:
            self._record_failure(source, outcome, exc, started_at, started)
            return outcome
        except Exception as exc:  # a bug must not stop the other sources
            log.exception("source crashed", extra={"fields": {"source": source.name}})
            self._record_failure(source, outcome, exc, started_at, started)
            return outcome
        outcome.warnings.extend(feed.warnings)
        try:
            await self.store_entries(source, feed, outcome, summary, target.known)
        except EntriesNotStored as exc:
            self._record_failure(source, outcome, exc, started_at, started)
            return outcome
        if feed.ttl_minutes:
            fresh_for_s = max(fresh_for_s or 0, feed.ttl_minutes * 60)
        outcome.http_status = result.status
        self._record_success(
            source,
            outcome,
            feed.title,
            fresh_for_s,
            started_at,
            started,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
        )
        return outcome

    def _target(self, source: Source) -> Target:
        """What gather needs of a source; a page source's known GUIDs end its pagination."""
        assert source.id is not None
        known: set[str] | None = None
        if source.kind == "page":
            with self.store.session() as session:
                known = store_articles.known_guids(session, source.id)
        return Target(
            url=source.url,
            kind=source.kind,
            etag=source.etag,
            last_modified=source.last_modified,
            selector=source.selector,
            xpath=source.xpath,
            last_success_at=source.last_success_at,
            known=known,
        )

    def _check_layout(self, source: Source, listing: Listing, outcome: SourceOutcome) -> None:
        """Note where a page source's links were found; LayoutChanged when there were none."""
        assert source.id is not None
        changed = layout_changed(source.layout_signature, listing)
        note = None
        if not listing.items:
            note = "no article links found on the page"
        elif changed:
            note = f"the article links are now found in another block ({listing.block})"
        with self.store.session() as session:
            fetchstate.begin_write(session)
            store_sources.record_layout(
                session,
                source.id,
                listing.signature if listing.items else "",
                changed=changed,
                note=note,
                now=datetime.now(UTC),
            )
        if not listing.items:
            raise LayoutChanged(
                f"parse: {source.url}: no article links found; the page's layout may have "
                "changed (check it with `tracker sources test`, or set a selector)"
            )
        if changed:
            outcome.warnings.append(f"layout changed: {note}")
            log_event(
                log,
                logging.WARNING,
                "layout changed",
                source=source.name,
                url=source.url,
                block=listing.block,
            )

    def _record(
        self, source: Source, outcome: SourceOutcome, fetched: Fetched, started_at: datetime
    ) -> SourceState:
        """Move the source to its state after ``fetched`` and log the fetch."""
        assert source.id is not None
        with self.store.session() as session:
            fetchstate.begin_write(session)
            state = after_fetch(
                store_sources.fetch_state(session, source.id),
                fetched,
                published=fetchstate.publication_times(session, source.id),
                settings=self.settings.schedule,
                now=datetime.now(UTC),
                rng=self.rng,
            )
            store_sources.save_fetch_state(session, source.id, state)
            outcome.next_attempt_at = state.next_attempt_at
            fetchstate.log_fetch(session, source.id, **_log_fields(outcome, started_at))
        return state

    def _record_success(
        self,
        source: Source,
        outcome: SourceOutcome,
        title: str | None,
        fresh_for_s: float | None,
        started_at: datetime,
        started: float,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        outcome.elapsed_s = time.monotonic() - started
        fetched = Fetched(
            status="not_modified" if outcome.status == "not_modified" else "ok",
            http_status=outcome.http_status,
            title=title,
            etag=etag,
            last_modified=last_modified,
            fresh_for_s=fresh_for_s,
            keep_validators=outcome.failed_entries > 0,
        )
        state = self._record(source, outcome, fetched, started_at)
        assert state.next_attempt_at is not None
        log_event(
            log,
            logging.INFO,
            "source fetched",
            source=source.name,
            url=source.url,
            status=outcome.status,
            http_status=outcome.http_status,
            entries=outcome.entries,
            new=outcome.new,
            elapsed_s=round(outcome.elapsed_s, 3),
            next_attempt_at=state.next_attempt_at.isoformat(),
        )

    def _record_failure(
        self,
        source: Source,
        outcome: SourceOutcome,
        exc: Exception,
        started_at: datetime,
        started: float,
    ) -> None:
        error_class, message = _error_class(exc)
        status = exc.status if isinstance(exc, FetchError) else None
        outcome.status, outcome.error_class, outcome.error = "failed", error_class, message
        outcome.http_status = status
        outcome.elapsed_s = time.monotonic() - started
        fetched = Fetched(
            status="failed",
            http_status=status,
            error_class=error_class,
            error=message,
            retry_after_s=exc.retry_after_s if isinstance(exc, FetchError) else None,
        )
        try:
            state = self._record(source, outcome, fetched, started_at)
        except Exception as failure:  # the database itself fails (a full disk): said, not raised
            log.exception("failure not recorded", extra={"fields": {"source": source.name}})
            outcome.error = f"{message}; not recorded either: {_as_store_error(failure)}"
            return
        assert state.next_attempt_at is not None
        log_event(
            log,
            logging.WARNING,
            "source failed",
            source=source.name,
            url=source.url,
            status="failed",
            http_status=status,
            error_class=error_class,
            error=message,
            error_streak=state.error_streak,
            elapsed_s=round(outcome.elapsed_s, 3),
            next_attempt_at=state.next_attempt_at.isoformat(),
            disabled=error_class == "http_410",
        )

    async def store_entries(
        self,
        source: Source,
        feed: ParsedFeed,
        outcome: SourceOutcome,
        summary: RunSummary,
        known: Collection[str] | None = None,
    ) -> None:
        """Store the entries whose GUID this source has not shown before (``known``, when
        the caller has read them already)."""
        assert source.id is not None
        outcome.entries = len(feed.entries)
        if known is None:
            with self.store.session() as session:
                known = store_articles.known_guids(session, source.id)
        fresh: dict[str, FeedEntry] = {}
        for entry in feed.entries:
            if entry.guid in known or entry.guid in fresh:
                continue
            # (a space is written %20 by the fetch: only what cannot be sent is refused)
            problem = url_problem(entry.url.replace(" ", "%20")) if entry.url else ""
            if problem:
                # never fetchable as written: skipped (each time), and no reason to keep the
                # source's validators from being saved
                outcome.skipped += 1
                outcome.warnings.append(
                    f"entry skipped: its link {printable(entry.url or '')} {problem}"
                )
                continue
            fresh[entry.guid] = entry
        outcome.seen = outcome.entries - len(fresh) - outcome.skipped
        canonicals = {guid: _entry_canonical_url(source, e) for guid, e in fresh.items()}
        with self.store.session() as session:
            stored = identity.find_articles(session, list(canonicals.values()))
        # A feed's pages mostly share a host: no point queueing more than it will serve.
        slots = asyncio.Semaphore(self.settings.fetch.per_host_concurrency * 2)

        async def one(entry: FeedEntry) -> None:
            async with slots:
                try:
                    canonical = canonicals[entry.guid]
                    await self.store_entry(
                        source, entry, canonical, stored.get(canonical), outcome, summary
                    )
                except Exception as exc:  # one entry must not sink the others
                    outcome.failed_entries += 1
                    failures.append(exc)
                    outcome.warnings.append(f"entry {entry.guid}: {_error_class(exc)[1]}")
                    log.warning(
                        "entry not stored",
                        exc_info=True,
                        extra={"fields": {"source": source.name, "url": entry.url}},
                    )

        failures: list[Exception] = []
        await asyncio.gather(*(one(e) for e in fresh.values()))
        if failures:
            # Stored in silence would be lost in silence: the source failed, and its entries
            # are all read again next time (its validators are not saved).
            error_class, message = _error_class(failures[0])
            raise EntriesNotStored(
                f"{len(failures)} of {len(fresh)} new entries not stored: {message}",
                error_class if error_class == "store" else "internal",
            )

    def _count(self, outcome: SourceOutcome, result: str) -> None:
        if result == "new":
            outcome.new += 1
        elif result == "linked":
            outcome.linked += 1
        elif result == "updated":
            outcome.updated += 1
        else:
            outcome.seen += 1

    def _link(self, source: Source, entry: FeedEntry, article_id: int) -> str:
        assert source.id is not None
        with self.store.session() as session:
            return identity.link_entry(
                session,
                article_id,
                source_id=source.id,
                guid=entry.guid,
                entry_url=entry.url,
                title=entry.title,
            )

    async def store_entry(
        self,
        source: Source,
        entry: FeedEntry,
        canonical: str,
        existing: int | None,
        outcome: SourceOutcome,
        summary: RunSummary,
    ) -> None:
        """Link the entry to its stored article (``existing``), or build and store it."""
        assert source.id is not None
        if existing is not None:
            self._count(outcome, self._link(source, entry, existing))
            return
        waiting = self.inflight.get(canonical)
        if waiting is not None:  # another feed (or entry) of this run is storing it now
            article_id = await asyncio.shield(waiting)
            if article_id is not None:
                self._count(outcome, self._link(source, entry, article_id))
                return
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self.inflight[canonical] = future
        try:
            record = await self.fetch_and_extract(
                entry, canonical, summary, urlsplit(source.url).hostname
            )
            if record.text_origin == "summary":
                outcome.summary_only += 1
            result, article_id = await self.writer.save(
                _SaveJob(record, source.id, entry.guid, entry.url), summary.timings
            )
            future.set_result(article_id)
        finally:
            if not future.done():
                future.set_result(None)
            del self.inflight[canonical]
        self._count(outcome, result)
        if result == "new" and article_id is not None:
            summary.new_article_ids.append(article_id)

    async def fetch_and_extract(
        self,
        entry: FeedEntry,
        canonical: str,
        summary: RunSummary,
        trusted_host: str | None = None,
    ) -> ArticleRecord:
        """Fetch the entry's page (when allowed) and extract it in a worker."""
        async with self.pending:
            body: bytes | None = None
            page_url, content_type, note = None, "", None
            if entry.url and self.settings.fetch.fetch_pages:
                try:
                    page = await self.fetcher.fetch_page(entry.url, trusted_host=trusted_host)
                    summary.timings.fetch_wait_s += page.elapsed_s
                    summary.timings.pages += 1
                    body, page_url, content_type = page.body, page.url, page.content_type
                except FetchError as exc:
                    note = f"page not fetched: {exc.error_class}: {exc}"
            elif not entry.url:
                note = "entry has no link"
            else:
                note = "page fetching is off"
            job = PageJob(
                canonical_url=canonical,
                title=entry.title,
                summary=entry.summary,
                published_at=entry.published_at,
                fallback_label=entry.url or entry.guid,
                page_body=body,
                page_url=page_url,
                page_content_type=content_type,
                note=note,
                date_fallback=entry.date_fallback,
            )
            timed = await self.cpu.extract_in_worker(job)
        summary.timings.page_s += timed.page_s
        summary.timings.extract_s += timed.extract_s
        record: ArticleRecord = timed.value
        return record


async def fetch_sources(
    store: Store,
    settings: Settings,
    extractor: Extractor,
    sources: Sequence[Source],
    hook: ProgressHook | None = None,
    cpu: CpuPool | None = None,
) -> RunSummary:
    """Fetch ``sources`` concurrently with one HTTP client and store what is new (with the
    worker pool ``cpu`` when one was started already; it is stopped at the end)."""
    pipeline = Pipeline(store, settings, extractor, cpu=cpu)
    try:
        return await pipeline.run(sources, hook)
    finally:
        await pipeline.aclose()
