"""The one place the layers meet: fetch -> parse -> extract -> store."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from tracker.config import Settings
from tracker.errors import FetchError, ParseError
from tracker.extract import VendorMatcher, extract_text
from tracker.fetch import fetch_url, make_client
from tracker.fetch.client import FEED_ACCEPT, PAGE_ACCEPT
from tracker.models import ArticleRecord, FeedEntry, ParsedFeed
from tracker.parse.feed import parse_feed
from tracker.parse.page import extract_page
from tracker.parse.text import content_hash
from tracker.parse.urls import canonical_url
from tracker.store import Store
from tracker.store import articles as store_articles
from tracker.store import sources as store_sources
from tracker.store.tables import Source

# Texts shorter than this are too generic to identify an article by their hash alone.
MIN_HASHED_TEXT = 200


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
    seen: int = 0
    summary_only: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RunSummary:
    """The outcome of a fetch run."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    new_article_ids: list[int] = field(default_factory=list)

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


class _Run:
    def __init__(
        self, store: Store, settings: Settings, matcher: VendorMatcher, hook: ProgressHook | None
    ) -> None:
        self.store = store
        self.settings = settings
        self.matcher = matcher
        self.hook = hook
        self.summary = RunSummary()
        self.pages = asyncio.Semaphore(settings.fetch.concurrency)
        with store.session() as session:
            self.vendor_ids = store_articles.sync_vendors(session, matcher.gazetteer)

    async def run(self, sources: Sequence[Source], client: httpx.AsyncClient) -> RunSummary:
        feeds = asyncio.Semaphore(self.settings.fetch.concurrency)

        async def one(source: Source) -> None:
            async with feeds:
                outcome = await self.fetch_source(source, client)
            self.summary.outcomes.append(outcome)
            if self.hook:
                self.hook("source_done", outcome)

        await asyncio.gather(*(one(s) for s in sources))
        self.summary.outcomes.sort(key=lambda o: o.name)
        return self.summary

    async def fetch_source(self, source: Source, client: httpx.AsyncClient) -> SourceOutcome:
        outcome = SourceOutcome(source.name, source.url)
        assert source.id is not None
        try:
            result = await fetch_url(
                client,
                source.url,
                self.settings.fetch,
                accept=FEED_ACCEPT,
                etag=source.etag,
                last_modified=source.last_modified,
                is_trusted=True,
            )
            if result.is_not_modified:
                outcome.status = "not_modified"
                with self.store.session() as session:
                    store_sources.record_success(
                        session,
                        source.id,
                        title=None,
                        etag=source.etag,
                        last_modified=source.last_modified,
                    )
                return outcome
            feed = await asyncio.to_thread(parse_feed, result.body, result.url, result.content_type)
        except (FetchError, ParseError) as exc:
            error_class = exc.error_class if isinstance(exc, FetchError) else "parse"
            outcome.status, outcome.error_class, outcome.error = "failed", error_class, str(exc)
            with self.store.session() as session:
                store_sources.record_failure(session, source.id, error_class, str(exc))
            return outcome
        outcome.warnings.extend(feed.warnings)
        await self.store_entries(source, feed, outcome, client)
        with self.store.session() as session:
            store_sources.record_success(
                session,
                source.id,
                title=feed.title,
                etag=result.headers.get("etag"),
                last_modified=result.headers.get("last-modified"),
            )
        return outcome

    async def store_entries(
        self, source: Source, feed: ParsedFeed, outcome: SourceOutcome, client: httpx.AsyncClient
    ) -> None:
        assert source.id is not None
        outcome.entries = len(feed.entries)
        with self.store.session() as session:
            known = store_articles.known_guids(session, source.id)
        fresh: dict[str, FeedEntry] = {}
        for entry in feed.entries:
            if entry.guid not in known:
                fresh.setdefault(entry.guid, entry)
        outcome.seen = outcome.entries - len(fresh)
        await asyncio.gather(
            *(self.store_entry(source, e, outcome, client) for e in fresh.values())
        )

    async def store_entry(
        self, source: Source, entry: FeedEntry, outcome: SourceOutcome, client: httpx.AsyncClient
    ) -> None:
        assert source.id is not None
        canonical = _entry_canonical_url(source, entry)
        with self.store.session() as session:
            existing = store_articles.article_id_for(session, canonical, None)
            if existing is not None:
                if store_articles.link_article(session, existing, source.id, entry.guid, entry.url):
                    outcome.linked += 1
                return
        record = await self.build_record(entry, canonical, client)
        if record.text_origin == "summary":
            outcome.summary_only += 1
        with self.store.session() as session:
            result = store_articles.save_article(
                session,
                record,
                source_id=source.id,
                guid=entry.guid,
                entry_url=entry.url,
                vendor_ids=self.vendor_ids,
            )
        if result == "new":
            outcome.new += 1
            with self.store.session() as session:
                found = store_articles.article_id_for(session, canonical, None)
            if found is not None:
                self.summary.new_article_ids.append(found)
        elif result == "linked":
            outcome.linked += 1
        if self.hook:
            self.hook("entry_done", None)

    async def build_record(
        self, entry: FeedEntry, canonical: str, client: httpx.AsyncClient
    ) -> ArticleRecord:
        title, text, origin, note = entry.title, "", "page", None
        published = entry.published_at
        if entry.url and self.settings.fetch.fetch_pages:
            try:
                async with self.pages:
                    page_result = await fetch_url(
                        client, entry.url, self.settings.fetch, accept=PAGE_ACCEPT
                    )
                page = await asyncio.to_thread(extract_page, page_result.body, page_result.url)
                text = page.text
                title = title or page.title or ""
                published = published or page.published_at
                if not text:
                    note = "page had no main text"
            except FetchError as exc:
                note = f"page not fetched: {exc.error_class}: {exc}"
        elif not entry.url:
            note = "entry has no link"
        else:
            note = "page fetching is off"
        if not text:
            text, origin = entry.summary, "summary"
        title = title or (entry.url or entry.guid)
        extraction = await asyncio.to_thread(extract_text, self.matcher, title, text)
        return ArticleRecord(
            url=canonical,
            canonical_url=canonical,
            title=title,
            summary=entry.summary,
            text=text,
            text_origin=origin,
            text_note=note,
            content_hash=content_hash(title, text) if len(text) >= MIN_HASHED_TEXT else "",
            published_at=published,
            extraction=extraction,
        )


async def fetch_sources(
    store: Store,
    settings: Settings,
    matcher: VendorMatcher,
    sources: Sequence[Source],
    hook: ProgressHook | None = None,
) -> RunSummary:
    """Fetch ``sources`` concurrently with one HTTP client and store what is new."""
    run = _Run(store, settings, matcher, hook)
    async with make_client(settings.fetch) as client:
        return await run.run(sources, client)
