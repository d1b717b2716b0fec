"""Listing items and sitemap entries as feed entries: GUIDs, dates and their trust."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

from tracker.parse.discover import source_kind
from tracker.parse.entries import listing_feed, sitemap_feed
from tracker.parse.listing import Listing, ListingItem
from tracker.parse.sitemap import SitemapEntry

NOV = datetime(2026, 11, 12, tzinfo=UTC)


def test_listing_dates_are_stated_and_url_dates_only_a_fallback() -> None:
    listing = Listing(
        items=[
            ListingItem("https://x.test/a?utm_source=rss", "A", NOV, "listing"),
            ListingItem("https://x.test/2026/11/12/b", "B", NOV, "url"),
            ListingItem("https://x.test/c", "C", None, None),
        ]
    )
    feed = listing_feed([listing], "Newsroom", "https://x.test/news")
    a, b, c = feed.entries
    assert (a.published_at, a.date_fallback) == (NOV, None)
    assert (b.published_at, b.date_fallback) == (None, NOV)
    assert (c.published_at, c.date_fallback) == (None, None)
    assert a.guid == "https://x.test/a"  # canonical: tracking parameters dropped
    assert feed.kind == "page"
    assert feed.title == "Newsroom"


def test_pages_of_a_listing_are_merged_without_repeats() -> None:
    one = Listing(items=[ListingItem("https://x.test/a", "A", None, None)])
    two = Listing(
        items=[
            ListingItem("https://x.test/a#top", "A again", None, None),
            ListingItem("https://x.test/b", "B", None, None),
        ]
    )
    feed = listing_feed([one, two], "", "https://x.test/")
    assert [e.url for e in feed.entries] == ["https://x.test/a", "https://x.test/b"]


def test_sitemap_publication_dates_are_stated_and_lastmod_a_fallback() -> None:
    feed = sitemap_feed(
        [
            SitemapEntry("https://x.test/a", modified_at=NOV, published_at=NOV, title="A"),
            SitemapEntry("https://x.test/b", modified_at=NOV),
            SitemapEntry("https://x.test/b"),
        ],
        "Sitemap",
        "https://x.test/sitemap.xml",
    )
    a, b = feed.entries
    assert (a.published_at, a.date_fallback, a.title) == (NOV, None, "A")
    assert (b.published_at, b.date_fallback, b.title) == (None, NOV, "")


def test_source_kind_tells_feeds_sitemaps_and_pages_apart() -> None:
    urlset = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    index = b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'></sitemapindex>"
    assert source_kind(urlset) == "sitemap"
    assert source_kind(index) == "sitemap"
    assert source_kind(gzip.compress(urlset)) == "sitemap"
    assert source_kind(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>') == "feed"
    assert source_kind(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}') == "feed"
    assert source_kind(b"<!DOCTYPE html><html><body>News</body></html>") == "page"
    assert source_kind(b"") == "page"
