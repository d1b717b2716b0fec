"""Feed discovery on home and section pages, and telling a probed feed from a page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker.parse.discover import (
    FeedCandidate,
    common_feed_paths,
    discover_feeds,
    feed_kind,
    looks_like_feed,
    page_title,
)

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
PAGES = ROOT / "pages"
EXPECTED: dict[str, Any] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
BASE: str = EXPECTED["base"].rstrip("/")


@pytest.mark.parametrize("name", sorted(EXPECTED["feeds"]))
def test_each_fixture_feed_is_found(name: str) -> None:
    found = discover_feeds((PAGES / name).read_bytes(), f"{BASE}/{name}")
    got = [{"url": c.url.removeprefix(BASE), "kind": c.kind, "found_by": c.found_by} for c in found]
    assert got == EXPECTED["feeds"][name]


def test_declared_feeds_keep_their_titles_and_comment_feeds_come_last() -> None:
    found = discover_feeds((PAGES / "home-with-alternate.html").read_bytes(), f"{BASE}/")
    assert found[0] == FeedCandidate(
        f"{BASE}/newsroom/feed.xml", "Kestrel Microsystems newsroom (RSS)", "rss", "link_alternate"
    )
    assert "Comments" in found[-1].title
    urls = [c.url for c in found]
    assert not any("wp-json" in u or "/de/" in u or "feedback" in u or "sitemap" in u for u in urls)


def test_the_sample_site_home_page_declares_its_three_feeds() -> None:
    found = discover_feeds((ROOT / "site" / "index.html").read_bytes(), "http://127.0.0.1:8000/")
    by_url = {c.url.removeprefix("http://127.0.0.1:8000"): c.kind for c in found}
    assert by_url == {
        "/feeds/fabledger.xml": "rss",
        "/feeds/componentwire.atom": "atom",
        "/feeds/supplyline.json": "json",
    }


def test_links_resolve_against_base_href_and_drop_fragments() -> None:
    html = """<html><head><base href="https://cdn.example.test/site/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml#top" title=" Site  feed ">
    <link rel="alternate feed" type="application/json" href="/feeds/main.json">
    <link rel="alternate" type="text/xml" href="/export/data.xml">
    </head><body>
    <a href="../rss/">RSS</a> <a href="news.rss">News</a> <a href="/blog/?feed=rss2">Blog feed</a>
    <a href="mailto:feed@example.test">feed</a> <a href="/feeds/posts/default">Posts</a>
    </body></html>"""
    found = discover_feeds(html, "https://www.example.test/")
    assert [(c.url, c.kind, c.found_by) for c in found] == [
        ("https://cdn.example.test/site/atom.xml", "atom", "link_alternate"),
        ("https://cdn.example.test/feeds/main.json", "json", "link_alternate"),
        ("https://cdn.example.test/rss/", "rss", "anchor"),
        ("https://cdn.example.test/site/news.rss", "rss", "anchor"),
        ("https://cdn.example.test/blog/?feed=rss2", "rss", "anchor"),
        ("https://cdn.example.test/feeds/posts/default", "rss", "anchor"),
    ]
    assert found[0].title == "Site feed"


@pytest.mark.parametrize("html", [b"", "   ", b"\xff\xfe\x00\x00", "<p>no feeds <a href=/x>x</a>"])
def test_pages_without_feeds_give_nothing(html: str | bytes) -> None:
    assert discover_feeds(html, "http://example.test/") == []


def test_common_feed_paths() -> None:
    root = common_feed_paths("https://www.example.test/?utm_source=x")
    assert root[:3] == [
        "https://www.example.test/feed",
        "https://www.example.test/rss",
        "https://www.example.test/rss.xml",
    ]
    assert {
        "https://www.example.test/atom.xml",
        "https://www.example.test/feed.json",
        "https://www.example.test/index.xml",
        "https://www.example.test/feeds/posts/default",
    } <= set(root)
    section = common_feed_paths("https://www.example.test/newsroom")
    assert section[0] == "https://www.example.test/newsroom/feed"
    assert section == common_feed_paths("https://www.example.test/newsroom/index.html")
    assert set(root) < set(section)
    assert len(section) == len(set(section))
    assert common_feed_paths("ftp://example.test/") == []


RSS = b'<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"><channel/></rss>'
ATOM = b'\xef\xbb\xbf  <feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
RDF = (
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    b' xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>'
)
JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}'


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (RSS, "application/rss+xml", "rss"),
        (RSS, "text/html", "rss"),  # the body decides
        (ATOM, "", "atom"),
        (RDF, "application/xml", "rss"),
        (JSON_FEED, "application/json", "json"),
        (b'<?xml version="1.0"?><!DOCTYPE rss><rss/>', "", "rss"),
        (b"<!doctype html><html><head><title>x</title></head></html>", "application/rss+xml", None),
        (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "text/xml", None),
        (b'{"items": []}', "application/json", None),
        (b"", "application/rss+xml", None),
        (b"Not found", "text/plain", None),
    ],
)
def test_feed_kind(body: bytes, content_type: str, kind: str | None) -> None:
    assert feed_kind(body, content_type) == kind
    assert looks_like_feed(body, content_type) is (kind is not None)


def test_the_sample_site_feeds_look_like_feeds_and_its_pages_do_not() -> None:
    feeds = ROOT / "site" / "feeds"
    kinds = {p.name: feed_kind(p.read_bytes()) for p in sorted(feeds.iterdir())}
    assert kinds == {
        "componentwire.atom": "atom",
        "fabledger.xml": "rss",
        "supplyline.json": "json",
    }
    assert not looks_like_feed((ROOT / "site" / "index.html").read_bytes(), "text/html")
    for name in EXPECTED["listings"]:
        assert not looks_like_feed((PAGES / name).read_bytes(), "text/html")


def test_page_title() -> None:
    assert page_title((PAGES / "home-without-alternate.html").read_bytes()).startswith("Altamira")
    assert page_title(b"") == ""
