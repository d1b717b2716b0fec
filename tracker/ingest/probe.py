"""Looking at a URL before following it: what kind of source it is, which feeds a site offers,
and what a fetch would take (the dry run of `tracker sources test`). Nothing is stored.

Discovery reads the page once, then checks each feed it declares or links to (at most
``MAX_CANDIDATES``); only when the page names none does it probe the common feed paths of
the page's section and site (at most ``MAX_PROBES`` requests). Every request goes through the
one Fetcher, with its politeness, limits and guard; the page's own host is trusted (the
operator typed it), anything else a page points to is not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tracker.config import FetchSettings
from tracker.errors import FetchError, ParseError
from tracker.fetch import Fetcher
from tracker.ingest.gather import Gathered, Target, gather
from tracker.ingest.work import Timed
from tracker.models import FeedEntry, ParsedFeed
from tracker.parse.discover import (
    FeedCandidate,
    common_feed_paths,
    discover_feeds,
    page_title,
    source_kind,
)
from tracker.parse.encoding import decode_html
from tracker.parse.feed import parse_feed
from tracker.parse.listing import extract_listing

MAX_CANDIDATES = 8  # feeds named by the page that are checked
MAX_PROBES = 6  # common feed paths tried when the page names none
MAX_FOUND_BY_PROBING = 2  # probing stops after this many feeds


class ThreadCaller:
    """Runs the parsers in a thread: a dry run or a discovery parses a handful of documents."""

    async def call(self, func: Callable[..., Timed], *args: Any) -> Timed:
        """``func(*args)`` in a thread."""
        return await asyncio.to_thread(func, *args)


@dataclass(frozen=True, slots=True)
class Offer:
    """A feed the site offers, checked: its title and entry count, or why it failed."""

    url: str
    title: str
    kind: str  # rss | atom | json
    found_by: str  # link_alternate | anchor | common_path
    entries: int | None = None
    error: str | None = None

    @property
    def is_feed(self) -> bool:
        """The URL answered with a feed that parsed."""
        return self.error is None and self.entries is not None


@dataclass(slots=True)
class Discovery:
    """What a URL is, and the feeds it leads to when it is a page."""

    url: str
    kind: str  # feed | sitemap | page
    title: str = ""
    offers: list[Offer] = field(default_factory=list)
    listing_links: int = 0  # article links the page itself lists (for --kind page)
    requests: int = 1

    @property
    def feeds(self) -> list[Offer]:
        """The offers that are working feeds."""
        return [o for o in self.offers if o.is_feed]


async def _read_feed(
    fetcher: Fetcher, url: str, host: str | None, *, sniff: bool = False
) -> tuple[str, ParsedFeed] | None:
    """The feed at ``url`` (its final URL and contents); with ``sniff``, None when the URL
    answers with anything but a feed. FetchError or ParseError when it cannot be read."""
    result = await fetcher.fetch_page(url, trusted_host=host)
    if sniff and source_kind(result.body, result.content_type) != "feed":
        return None
    return result.url, parse_feed(result.body, result.url, result.content_type)


async def _check(fetcher: Fetcher, candidate: FeedCandidate, host: str | None) -> Offer:
    try:
        read = await _read_feed(fetcher, candidate.url, host)
    except (FetchError, ParseError) as exc:
        return Offer(
            candidate.url, candidate.title, candidate.kind, candidate.found_by, None, str(exc)
        )
    assert read is not None
    url, feed = read
    title = candidate.title or feed.title
    return Offer(url, title, candidate.kind, candidate.found_by, len(feed.entries))


async def _probe(fetcher: Fetcher, url: str, host: str | None) -> Offer | None:
    try:
        read = await _read_feed(fetcher, url, host, sniff=True)
    except (FetchError, ParseError):
        return None
    if read is None:
        return None
    final, feed = read
    return Offer(final, feed.title, feed.kind, "common_path", len(feed.entries))


async def discover(fetcher: Fetcher, url: str) -> Discovery:
    """What ``url`` is; for a page, the feeds it offers, each checked."""
    result = await fetcher.fetch_feed(url)
    kind = source_kind(result.body, result.content_type)
    found = Discovery(result.url, kind)
    if kind != "page":
        return found
    html = decode_html(result.body)
    host = urlsplit(result.url).hostname
    found.title = page_title(html)
    found.listing_links = len(extract_listing(html, result.url).items)
    candidates = discover_feeds(html, result.url)[:MAX_CANDIDATES]
    for candidate in candidates:
        found.offers.append(await _check(fetcher, candidate, host))
        found.requests += 1
    if found.feeds:
        return found
    tried = {o.url for o in found.offers}
    for probe in [u for u in common_feed_paths(result.url) if u not in tried][:MAX_PROBES]:
        offer = await _probe(fetcher, probe, host)
        found.requests += 1
        if offer is not None and offer.url not in tried:
            tried.add(offer.url)
            found.offers.append(offer)
            if len(found.feeds) >= MAX_FOUND_BY_PROBING:
                break
    return found


@dataclass(slots=True)
class DryRun:
    """What a fetch of a source would take, as `tracker sources test` shows it."""

    url: str
    kind: str
    gathered: Gathered

    @property
    def feed(self) -> ParsedFeed:
        """The entries found (a dry run never sends validators, so never gets a 304)."""
        assert self.gathered.feed is not None
        return self.gathered.feed

    @property
    def entries(self) -> list[FeedEntry]:
        """The entries, in the source's order."""
        return self.feed.entries


async def dry_run(
    fetcher: Fetcher, target: Target, settings: FetchSettings, *, detect_kind: bool = False
) -> DryRun:
    """Read ``target`` as a first fetch would (no validators, nothing known), storing nothing.

    With ``detect_kind``, the URL is fetched once first to tell a feed, a sitemap and a page
    apart.
    """
    kind = target.kind
    if detect_kind:
        probe = await fetcher.fetch_feed(target.url)
        kind = source_kind(probe.body, probe.content_type)
    plain = Target(target.url, kind, selector=target.selector, xpath=target.xpath)
    gathered = await gather(fetcher, ThreadCaller(), plain, settings)
    return DryRun(target.url, kind, gathered)
