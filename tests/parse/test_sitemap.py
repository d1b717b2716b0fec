"""Sitemaps: urlsets with news tags, indexes, gzip with a size cap, entity refusal."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tracker.errors import ParseError
from tracker.parse.sitemap import (
    MAX_SITEMAP_BYTES,
    Sitemap,
    SitemapEntry,
    entries_since,
    parse_sitemap,
    sitemaps_since,
)

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
EXPECTED: dict[str, Any] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
BASE: str = EXPECTED["base"].rstrip("/")


def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def sitemap(name: str) -> Sitemap:
    return parse_sitemap((PAGES / name).read_bytes(), f"{BASE}/{name}")


def entries(result: Sitemap) -> list[dict[str, str | None]]:
    return [
        {
            "url": e.url.removeprefix(BASE),
            "modified": iso(e.modified_at),
            "published": iso(e.published_at),
            "title": e.title,
        }
        for e in result.entries
    ]


@pytest.mark.parametrize(
    "name", ["sitemap-news.xml", "sitemap-2026-10.xml.gz", "sitemap-2026-11.xml.gz"]
)
def test_urlsets(name: str) -> None:
    result = sitemap(name)
    assert result.kind == "urlset"
    assert result.sitemaps == []
    assert result.warnings == []
    assert entries(result) == EXPECTED["sitemaps"][name]["entries"]


def test_news_tags() -> None:
    first = sitemap("sitemap-news.xml").entries[0]
    assert first.published_at == datetime(2026, 11, 19, 0, 40, tzinfo=UTC)  # +09:00 in the file
    assert first.title == "HBM allocation tightens as accelerator orders stack up into 2027"
    assert first.published_at.tzinfo is UTC


def test_index() -> None:
    result = sitemap("sitemap-index.xml")
    assert result.kind == "index"
    assert result.entries == []
    got = [
        {"url": r.url.removeprefix(BASE), "modified": iso(r.modified_at)} for r in result.sitemaps
    ]
    assert got == EXPECTED["sitemaps"]["sitemap-index.xml"]["sitemaps"]
    # each child it names is a readable gzip urlset
    for ref in result.sitemaps:
        child = sitemap(ref.url.removeprefix(f"{BASE}/"))
        assert child.kind == "urlset"
        assert child.entries


def test_gzip_is_told_by_its_magic_bytes_not_its_name() -> None:
    plain = (PAGES / "sitemap-news.xml").read_bytes()
    zipped = parse_sitemap(gzip.compress(plain), f"{BASE}/sitemap-news.xml")
    assert zipped.entries == sitemap("sitemap-news.xml").entries
    # several gzip members, as concatenating tools produce
    half = len(plain) // 2
    members = gzip.compress(plain[:half]) + gzip.compress(plain[half:])
    assert parse_sitemap(members, f"{BASE}/x").entries == zipped.entries


def test_the_size_cap() -> None:
    assert MAX_SITEMAP_BYTES == 50 * 1024 * 1024
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(ParseError, match="inflates beyond 1000000 bytes"):
        parse_sitemap(bomb, "http://example.test/bomb.xml.gz", max_bytes=1_000_000)
    assert parse_sitemap(bomb, "http://example.test/bomb.xml.gz").entries == []
    with pytest.raises(ParseError, match="larger than 100 bytes"):
        parse_sitemap((PAGES / "sitemap-news.xml").read_bytes(), "http://x.test/", max_bytes=100)


def test_broken_gzip_is_a_parse_error() -> None:
    zipped = (PAGES / "sitemap-2026-11.xml.gz").read_bytes()
    with pytest.raises(ParseError, match="truncated gzip"):
        parse_sitemap(zipped[: len(zipped) // 2], "http://x.test/s.xml.gz")
    with pytest.raises(ParseError, match="unreadable gzip"):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage-garbage-garbage", "http://x.test/s.xml.gz")


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol2;</loc></url></urlset>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>&xxe;</loc></url></urlset>"""
DOCTYPE_ONLY = b"""<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "http://example.test/x.dtd">
<urlset><url><loc>http://example.test/a</loc></url></urlset>"""


@pytest.mark.parametrize("body", [LAUGHS, EXTERNAL, DOCTYPE_ONLY, gzip.compress(LAUGHS)])
def test_doctype_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(ParseError, match="DOCTYPE and entity declarations are not allowed"):
        parse_sitemap(body, "http://example.test/sitemap.xml")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty sitemap"),
        (b"  \n", "empty sitemap"),
        (b"<urlset><url><loc>x</url>", "not well-formed"),
        (b'<rss version="2.0"><channel/></rss>', "not a sitemap; add it as a feed source"),
        (b"<html><body>Not found</body></html>", "root element is <html>"),
    ],
)
def test_documents_that_are_not_sitemaps(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_sitemap(body, "http://example.test/sitemap.xml")


def test_lenient_details() -> None:
    body = b"""\xef\xbb\xbf
    <urlset>
      <url><loc> /relative/path-to-an-article </loc><lastmod>2026-11</lastmod></url>
      <url><loc>javascript:alert(1)</loc></url>
      <url><lastmod>2026-11-12</lastmod></url>
      <url><loc>https://other.test/a</loc><lastmod>not a date</lastmod></url>
    </urlset>"""
    result = parse_sitemap(body, "https://www.example.test/sitemap.xml")
    assert [e.url for e in result.entries] == [
        "https://www.example.test/relative/path-to-an-article",
        "https://other.test/a",
    ]
    assert result.entries[0].modified_at == datetime(2026, 11, 1, tzinfo=UTC)
    assert result.entries[1].modified_at is None
    assert len(result.warnings) == 2


def test_plain_text_sitemaps() -> None:
    body = b"https://www.example.test/news/a\n\n  https://www.example.test/news/b  \nnot a url\n"
    result = parse_sitemap(body, "https://www.example.test/sitemap.txt")
    assert [e.url for e in result.entries] == [
        "https://www.example.test/news/a",
        "https://www.example.test/news/b",
    ]
    assert result.warnings == ["not a URL: 'not a url'"]


def test_entries_since() -> None:
    news = sitemap("sitemap-news.xml")
    assert entries_since(news, None) == news.entries
    since = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)
    taken = [e.url.removeprefix(BASE) for e in entries_since(news, since)]
    assert taken == [
        "/news/2026/11/19/hbm-allocation-tightens-as-accelerator-orders-stack-up",
        "/news/2026/11/18/server-board-makers-add-lines-in-thailand",
        # published 03:00, exactly `since`: already taken last time
        "/news/supply-chain/",  # no publication date: lastmod 2026-11-19
    ]
    assert entries_since(news, datetime(2026, 11, 20, tzinfo=UTC)) == []


def test_a_date_without_a_time_covers_its_whole_day() -> None:
    news = sitemap("sitemap-news.xml")
    glass = news.entries[3]
    assert glass.published_at == datetime(2026, 11, 17, tzinfo=UTC)
    assert glass.is_date_only
    # fetched at 10:00 on the 17th: an article published that afternoon is still new
    assert glass in entries_since(news, datetime(2026, 11, 17, 10, 0, tzinfo=UTC))
    assert glass not in entries_since(news, datetime(2026, 11, 18, 0, 0, 1, tzinfo=UTC))


def test_undated_entries_are_kept_for_the_callers_dedup() -> None:
    october = sitemap("sitemap-2026-10.xml.gz")
    taken = entries_since(october, datetime(2026, 11, 1, tzinfo=UTC))
    assert taken == [
        SitemapEntry(f"{BASE}/newsroom/blog/designing-gate-drivers-for-800-volt-platforms")
    ]


def test_sitemaps_since() -> None:
    index = sitemap("sitemap-index.xml")
    assert sitemaps_since(index, None) == index.sitemaps
    newer = sitemaps_since(index, datetime(2026, 11, 1, tzinfo=UTC))
    assert [r.url.removeprefix(BASE) for r in newer] == ["/sitemap-2026-11.xml.gz"]
