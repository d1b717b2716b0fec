from datetime import UTC, datetime

import pytest

from tracker.errors import ParseError
from tracker.parse.feed import parse_feed

BASE = "http://news.test/feeds/main.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Fab Notes</title><link>/</link><ttl>45</ttl>
<item><title>TSMC adds &lt;b&gt;CoWoS&lt;/b&gt; capacity</title>
  <link>/articles/cowos.html?utm_source=rss</link>
  <guid isPermaLink="false">fab-1</guid>
  <pubDate>Tue, 03 Nov 2026 08:30:00 +0800</pubDate>
  <description>&lt;p&gt;TSMC will &lt;em&gt;double&lt;/em&gt; output.&lt;/p&gt;</description></item>
<item><title>No guid here</title><link>https://other.test/a</link></item>
<item><title>Neither guid nor link</title><description>Only text.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<link rel="alternate" href="/"/><id>tag:wire.test,2026:feed</id>
<updated>2026-11-04T00:00:00Z</updated>
<entry><title>SK hynix ships HBM4</title><id>tag:wire.test,2026:1</id>
  <link rel="alternate" href="/a/hbm4.html"/>
  <published>2026-11-04T10:00:00Z</published><updated>2026-11-05T10:00:00Z</updated>
  <summary type="html">&lt;p&gt;SK hynix said so.&lt;/p&gt;</summary></entry>
</feed>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "Line",
 "home_page_url": "/", "items": [
  {"id": 7, "url": "/a/x.html", "title": "Luxshare in Vietnam",
   "summary": "Luxshare expands.", "date_published": "2026-11-06T09:00:00+07:00"},
  {"id": "b", "content_html": "<p>Only <b>HTML</b> content</p>"},
  "not an object"
 ]}"""


def test_rss_entries_are_absolute_and_clean() -> None:
    feed = parse_feed(RSS, BASE, "application/rss+xml")
    assert feed.title == "Fab Notes"
    assert feed.ttl_minutes == 45
    first, second, third = feed.entries
    assert first.guid == "fab-1"
    assert first.url == "http://news.test/articles/cowos.html?utm_source=rss"
    assert first.title == "TSMC adds CoWoS capacity"
    assert first.summary == "TSMC will double output."
    assert first.published_at == datetime(2026, 11, 3, 0, 30, tzinfo=UTC)
    assert second.guid == "https://other.test/a"
    assert third.url is None
    assert third.guid.startswith("sha256:")


def test_atom_prefers_published_date() -> None:
    feed = parse_feed(ATOM, "http://wire.test/feed.atom")
    (entry,) = feed.entries
    assert entry.url == "http://wire.test/a/hbm4.html"
    assert entry.guid == "tag:wire.test,2026:1"
    assert entry.published_at == datetime(2026, 11, 4, 10, tzinfo=UTC)
    assert entry.summary == "SK hynix said so."


def test_json_feed_with_odd_items() -> None:
    feed = parse_feed(JSON_FEED, "http://line.test/feed.json", "application/feed+json")
    assert feed.kind == "json1.1"
    first, second = feed.entries
    assert first.guid == "7"
    assert first.url == "http://line.test/a/x.html"
    assert first.published_at == datetime(2026, 11, 6, 2, tzinfo=UTC)
    assert second.summary == "Only HTML content"
    assert any("not an object" in w for w in feed.warnings)


def test_truncated_feed_keeps_what_parsed() -> None:
    broken = RSS[: RSS.index(b"<item><title>No guid")]
    feed = parse_feed(broken, BASE)
    assert [e.guid for e in feed.entries] == ["fab-1"]
    assert feed.warnings


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "", "empty document"),
        (b"<html><body><p>Not a feed</p></body></html>", "text/html", "parse: "),
        (b"\x00\x01garbage", "", "parse: "),
        (b'{"title": "no items"}', "application/json", "not a JSON Feed"),
        (b"{broken json", "application/json", "invalid JSON Feed"),
    ],
)
def test_unreadable_documents_raise(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_feed(body, BASE, content_type)
