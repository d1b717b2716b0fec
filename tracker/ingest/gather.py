"""What a source offers now: fetch a feed, a listing page or a sitemap and read its entries.

One path for the three kinds of source, used by a fetch (tracker.ingest.pipeline) and by the dry run
of `tracker sources test`. It fetches and parses, and stores nothing. Everything goes through
the one Fetcher, so politeness, robots.txt, limits and the private-address guard apply to
page and sitemap sources as they do to feeds.

- feed: the feed, with its validators (ETag, Last-Modified).
- page: the listing page (with its validators, where robots.txt allows), its article links
  found by the listing detector or the source's selector; the next pages of a paginated list
  are followed, on the source's host only, while every link on a page is new to the source
  (a first fetch backfills a few pages, later fetches read the first page alone).
- sitemap: the sitemap (plain or gzipped); for an index, the child sitemaps changed since the
  last fetch, newest first. Entries dated since then, newest first, capped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from tracker.config import FetchSettings
from tracker.errors import FetchError, ParseError, SelectorError
from tracker.fetch import Fetcher
from tracker.fetch.client import FetchResult
from tracker.ingest.work import ListingPage, Timed, parse_feed_timed, parse_listing_timed
from tracker.ingest.work import parse_sitemap_timed as parse_sitemap_job
from tracker.models import ParsedFeed
from tracker.parse.entries import listing_feed, sitemap_feed
from tracker.parse.listing import Listing
from tracker.parse.sitemap import Sitemap, entries_since, sitemaps_since
from tracker.parse.urls import canonical_url

# Sitemap entries are dated by publication, not by when they were listed: an article of
# 10:00 first listed at 10:30 must not be skipped by a fetch made at 10:15. Entries within
# this margin of the last fetch are read again; their URLs dedupe them.
SITEMAP_SINCE_MARGIN = timedelta(days=2)


class Caller(Protocol):
    """Runs a pure, module-level function somewhere (a worker process, a thread)."""

    async def call(self, func: Callable[..., Timed], *args: Any) -> Timed: ...


@dataclass(frozen=True, slots=True)
class Target:
    """A source to read: its URL and kind, and what the store knows of it."""

    url: str
    kind: str = "feed"  # feed | page | sitemap
    etag: str | None = None
    last_modified: str | None = None
    selector: str | None = None
    xpath: str | None = None
    last_success_at: datetime | None = None  # sitemaps: read entries since (with a margin)
    known: Collection[str] | None = None  # GUIDs the source gave before: pages stop at them


@dataclass(slots=True)
class Gathered:
    """What a source offered: its response, and its entries (None after a 304)."""

    result: FetchResult
    feed: ParsedFeed | None
    listing: Listing | None = None  # page sources: the first page's links and their block
    requests: int = 1
    wait_s: float = 0.0
    parse_s: float = 0.0
    pages: list[str] = field(default_factory=list)  # the listing pages or sitemaps read

    @classmethod
    def of(cls, result: FetchResult) -> Gathered:
        """What the source's own URL answered, before anything is parsed."""
        return cls(result, None, wait_s=result.elapsed_s, pages=[result.url])

    def also(self, result: FetchResult) -> None:
        """Count one more document read for the source (a next page, a child sitemap)."""
        self.requests += 1
        self.wait_s += result.elapsed_s
        self.pages.append(result.url)

    @property
    def is_not_modified(self) -> bool:
        """The source answered 304: nothing new, nothing parsed."""
        return self.result.is_not_modified


async def gather(
    fetcher: Fetcher, cpu: Caller, target: Target, settings: FetchSettings
) -> Gathered:
    """Fetch and parse ``target``; FetchError or ParseError when the source itself fails."""
    if target.kind == "page":
        return await _gather_page(fetcher, cpu, target, settings)
    if target.kind == "sitemap":
        return await _gather_sitemap(fetcher, cpu, target, settings)
    result = await fetcher.fetch_feed(
        target.url, etag=target.etag, last_modified=target.last_modified
    )
    gathered = Gathered.of(result)
    if result.is_not_modified:
        return gathered
    timed = await cpu.call(parse_feed_timed, result.body, result.url, result.content_type)
    gathered.parse_s += timed.page_s
    if isinstance(timed.value, ParseError):
        raise timed.value
    gathered.feed = timed.value
    return gathered


async def _listing(cpu: Caller, result: FetchResult, target: Target) -> tuple[ListingPage, float]:
    timed = await cpu.call(
        parse_listing_timed,
        result.body,
        result.url,
        result.content_type,
        target.selector,
        target.xpath,
    )
    if isinstance(timed.value, ParseError):
        raise timed.value
    if isinstance(timed.value, Exception):  # a UsageError: the selector is wrong
        raise SelectorError(f"parse: {target.url}: {timed.value}")
    page: ListingPage = timed.value
    return page, timed.page_s


async def _gather_page(
    fetcher: Fetcher, cpu: Caller, target: Target, settings: FetchSettings
) -> Gathered:
    host = urlsplit(target.url).hostname
    result = await fetcher.fetch_page(
        target.url, trusted_host=host, etag=target.etag, last_modified=target.last_modified
    )
    gathered = Gathered.of(result)
    if result.is_not_modified:
        return gathered
    first, parse_s = await _listing(cpu, result, target)
    gathered.parse_s += parse_s
    gathered.listing = current = first.listing
    listings, warnings = [current], []
    known, seen = set(target.known or ()), set[str]()
    while (
        _worth_next_page(current, known, seen, host)
        and len(listings) < settings.listing_max_pages
        and current.next_url not in gathered.pages
    ):
        assert current.next_url is not None
        try:
            more = await fetcher.fetch_page(current.next_url, trusted_host=host)
            page, parse_s = await _listing(cpu, more, target)
        except (FetchError, ParseError) as exc:
            warnings.append(f"next page not read: {exc}")
            break
        gathered.also(more)
        gathered.parse_s += parse_s
        current = page.listing
        listings.append(current)
    gathered.feed = listing_feed(listings, first.title, target.url)
    gathered.feed.warnings.extend(warnings)
    return gathered


def _worth_next_page(listing: Listing, known: set[str], seen: set[str], host: str | None) -> bool:
    """Whether to read the next page of a list: this page gave links, all of them new both to
    the source and to this fetch (a pager that serves the same page again ends it)."""
    urls = {canonical_url(item.url) for item in listing.items}
    fresh = bool(urls) and not (urls & known) and not (urls & seen)
    seen.update(urls)
    return fresh and bool(listing.next_url) and urlsplit(listing.next_url or "").hostname == host


async def _parse_sitemap(
    cpu: Caller, result: FetchResult, settings: FetchSettings, gathered: Gathered
) -> Sitemap:
    timed = await cpu.call(parse_sitemap_job, result.body, result.url, settings.sitemap_max_bytes)
    gathered.parse_s += timed.page_s
    if isinstance(timed.value, ParseError):
        raise timed.value
    sitemap: Sitemap = timed.value
    return sitemap


async def _gather_sitemap(
    fetcher: Fetcher, cpu: Caller, target: Target, settings: FetchSettings
) -> Gathered:
    host = urlsplit(target.url).hostname
    since = target.last_success_at - SITEMAP_SINCE_MARGIN if target.last_success_at else None
    result = await fetcher.fetch_sitemap(
        target.url, trusted_host=host, etag=target.etag, last_modified=target.last_modified
    )
    gathered = Gathered.of(result)
    if result.is_not_modified:
        return gathered
    sitemap = await _parse_sitemap(cpu, result, settings, gathered)
    warnings = list(sitemap.warnings)
    entries = entries_since(sitemap, since)
    floor = datetime.min.replace(tzinfo=UTC)
    children = sorted(
        sitemaps_since(sitemap, since), key=lambda r: r.modified_at or floor, reverse=True
    )
    if len(children) > settings.sitemap_max_children:
        warnings.append(
            f"{len(children)} child sitemaps changed; read the newest "
            f"{settings.sitemap_max_children} ([fetch] sitemap_max_children)"
        )
        children = children[: settings.sitemap_max_children]
    for ref in children:
        # A child that cannot be read fails the whole fetch: its entries would otherwise be
        # skipped for good once the next fetch reads only what is newer.
        child_result = await fetcher.fetch_sitemap(ref.url, trusted_host=host)
        gathered.also(child_result)
        child = await _parse_sitemap(cpu, child_result, settings, gathered)
        warnings.extend(child.warnings)
        if child.kind == "index":
            warnings.append(f"{ref.url}: an index inside an index; not followed")
            continue
        entries.extend(entries_since(child, since))
    entries = sorted(entries, key=lambda e: e.published_at or e.modified_at or floor, reverse=True)
    if len(entries) > settings.sitemap_max_entries:
        warnings.append(
            f"{len(entries)} entries; took the newest {settings.sitemap_max_entries} "
            "([fetch] sitemap_max_entries)"
        )
        entries = entries[: settings.sitemap_max_entries]
    title = f"Sitemap of {host}" if host else "Sitemap"
    gathered.feed = sitemap_feed(entries, title, target.url)
    gathered.feed.warnings.extend(warnings)
    return gathered
