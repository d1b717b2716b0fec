"""Entries from sources without feeds: listing pages and sitemaps become feed-like entries.

Each article link is an entry whose GUID is its canonical URL, so a link met again on a later
fetch (or on another page of a paginated list) is never taken twice. Dates follow one order
of trust: a date the listing or the sitemap states for the entry, then the article page's own
metadata (read when the page is fetched), then a date in the URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.models import FeedEntry, ParsedFeed
from tracker.parse.listing import Listing
from tracker.parse.sitemap import SitemapEntry
from tracker.parse.urls import canonical_url

__all__ = ["listing_entries", "listing_feed", "sitemap_entries", "sitemap_feed"]


def listing_entries(listing: Listing) -> list[FeedEntry]:
    """The listing's article links as entries, in page order."""
    entries: list[FeedEntry] = []
    for item in listing.items:
        stated = item.published_at if item.date_source == "listing" else None
        from_url = item.published_at if item.date_source == "url" else None
        entries.append(
            FeedEntry(
                guid=canonical_url(item.url),
                url=item.url,
                title=item.title,
                summary="",
                published_at=stated,
                date_fallback=from_url,
            )
        )
    return entries


def listing_feed(pages: Iterable[Listing], title: str, url: str) -> ParsedFeed:
    """One feed from the pages of a listing (a paginated list gives several), deduplicated."""
    feed = ParsedFeed(title=title, link=url, kind="page")
    seen: set[str] = set()
    for listing in pages:
        for entry in listing_entries(listing):
            if entry.guid not in seen:
                seen.add(entry.guid)
                feed.entries.append(entry)
    return feed


def sitemap_entries(entries: Iterable[SitemapEntry]) -> list[FeedEntry]:
    """Sitemap entries as feed entries: a news ``publication_date`` is the entry's date, a
    ``lastmod`` only a fallback (it changes whenever the page is edited)."""
    return [
        FeedEntry(
            guid=canonical_url(e.url),
            url=e.url,
            title=e.title or "",
            summary="",
            published_at=e.published_at,
            date_fallback=None if e.published_at else e.modified_at,
        )
        for e in entries
    ]


def sitemap_feed(entries: Iterable[SitemapEntry], title: str, url: str) -> ParsedFeed:
    """One feed from the entries of a sitemap (or of every child of an index), deduplicated."""
    feed = ParsedFeed(title=title, link=url, kind="sitemap")
    seen: set[str] = set()
    for entry in sitemap_entries(entries):
        if entry.guid not in seen:
            seen.add(entry.guid)
            feed.entries.append(entry)
    return feed
