"""Feed discovery: the feeds a home or section page declares or links to (issue 8).

``discover_feeds`` reads the page only. ``common_feed_paths`` lists the URLs a caller may
probe when the page names no feed, and ``feed_kind`` / ``looks_like_feed`` tell whether what
came back is a feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from tracker.parse.encoding import decode_html
from tracker.parse.html import html_document
from tracker.parse.text import clean_text
from tracker.parse.urls import absolute_url

__all__ = [
    "FeedCandidate",
    "FeedKind",
    "FoundBy",
    "SourceKind",
    "common_feed_paths",
    "discover_feeds",
    "feed_kind",
    "looks_like_feed",
    "page_title",
    "source_kind",
]

FeedKind = Literal["rss", "atom", "json"]
FoundBy = Literal["link_alternate", "anchor", "common_path"]


@dataclass(frozen=True, slots=True)
class FeedCandidate:
    """A feed a page points to; ``kind`` is declared (link types) or guessed from the URL."""

    url: str
    title: str
    kind: FeedKind
    found_by: FoundBy


_LINK_TYPES: dict[str, FeedKind] = {
    "application/rss+xml": "rss",
    "application/rdf+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
}
# Declared with a generic type, a link is a feed only when its URL looks like one
# (WordPress declares its REST API as rel="alternate" type="application/json").
_LOOSE_TYPES = {"application/json", "application/xml", "text/xml", "application/x-rss+xml"}
_FEED_PATH = re.compile(
    r"(?:^|/)(?:feeds?|rss2?|atom|index\.rss)(?:/|$)"
    r"|\.(?:rss|atom|rdf)$"
    r"|(?:^|/)[\w.-]*(?:feed|rss|atom)[\w.-]*\.(?:xml|json)$"
    r"|(?:^|/)index\.xml$"
    r"|/feeds/posts/default",
    re.I,
)
_FEED_QUERY = re.compile(r"(?:^|&)(?:feed|format|type|output)=(?:rss2?|atom|feed|xml)\b", re.I)
_NOT_FEED = re.compile(r"sitemap|opml|wp-json|oembed|xmlrpc", re.I)
_FEED_WORDS = re.compile(r"^(?:rss|atom|json feed|rss feed|atom feed|feed|news feed)$", re.I)

ROOT_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
    "/news/rss",
    "/news/feed",
    "/?feed=rss2",
)
SECTION_FEED_PATHS = ("feed", "rss", "rss.xml", "feed.xml", "atom.xml", "index.xml")


def _kind_from_url(url: str) -> FeedKind:
    lowered = url.lower()
    if "atom" in lowered:
        return "atom"
    if "json" in lowered:
        return "json"
    return "rss"


def _looks_like_feed_url(url: str) -> bool:
    parts = urlsplit(url)
    if _NOT_FEED.search(parts.path):
        return False
    return bool(_FEED_PATH.search(parts.path) or _FEED_QUERY.search(parts.query))


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def discover_feeds(html: str | bytes, base_url: str) -> list[FeedCandidate]:
    """The feeds a page declares (``<link rel="alternate">`` of RSS, Atom and JSON Feed types)
    then those it links to (anchors to /feed, /rss.xml, atom, feed.json...), each URL once,
    comment feeds last within each kind of finding.

    Declared feeds are reliable; anchors are guesses (a "/feeds/" page may list feeds rather
    than be one): fetch them and keep those for which ``looks_like_feed`` holds.
    """
    root = html_document(html)
    if root is None:
        return []
    base = base_url
    for el in root.iter("base"):
        href = el.get("href")
        if href and href.strip():
            base = absolute_url(base_url, str(href)) or base_url
            break
    declared: list[FeedCandidate] = []
    linked: list[FeedCandidate] = []
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "alternate" not in rel and "feed" not in rel:
            continue
        mime = (el.get("type") or "").split(";")[0].strip().lower()
        url = absolute_url(base, el.get("href"))
        if url is None:
            continue
        kind = _LINK_TYPES.get(mime)
        if kind is None and (mime in _LOOSE_TYPES or "feed" in rel) and _looks_like_feed_url(url):
            kind = "json" if "json" in mime else _kind_from_url(url)
        if kind is None:
            continue
        title = clean_text(el.get("title") or "")
        declared.append(FeedCandidate(_without_fragment(url), title, kind, "link_alternate"))
    for el in root.iter("a"):
        url = absolute_url(base, el.get("href"))
        if url is None:
            continue
        text = clean_text(" ".join(el.itertext())) or clean_text(el.get("title") or "")
        mime = (el.get("type") or "").split(";")[0].strip().lower()
        if not (
            _looks_like_feed_url(url)
            or mime in _LINK_TYPES
            or (_FEED_WORDS.fullmatch(text) and not _NOT_FEED.search(url))
        ):
            continue
        kind = _LINK_TYPES.get(mime) or _kind_from_url(url)
        linked.append(FeedCandidate(_without_fragment(url), text, kind, "anchor"))
    found: list[FeedCandidate] = []
    seen: set[str] = set()
    for batch in (declared, linked):
        ordered = sorted(batch, key=lambda c: "comment" in (c.url + c.title).lower())
        for candidate in ordered:
            if candidate.url not in seen:
                seen.add(candidate.url)
                found.append(candidate)
    return found


def common_feed_paths(base_url: str) -> list[str]:
    """Feed URLs worth probing when a page names none, most specific first: the page's
    section (``/newsroom/feed``...) when it has one, then the site root (``/feed``,
    ``/rss.xml``, ``/atom.xml``, ``/feed.json``, ``/index.xml``, ``/feeds/posts/default``...)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    origin = f"{parts.scheme}://{parts.netloc}"
    path = parts.path or "/"
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path.rsplit("/", 1)[0] + "/" if "." in last else path + "/"
    urls: list[str] = []
    if path != "/":
        urls.extend(origin + path + tail for tail in SECTION_FEED_PATHS)
    urls.extend(origin + tail for tail in ROOT_FEED_PATHS)
    return list(dict.fromkeys(urls))


_PROLOG = re.compile(
    rb"^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*", re.S
)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_CONTENT_TYPES: dict[str, FeedKind] = {
    **_LINK_TYPES,
    "application/x-rss+xml": "rss",
    "application/rss": "rss",
}


def feed_kind(body: bytes, content_type: str = "") -> FeedKind | None:
    """What kind of feed a response body is (sniffed, the Content-Type only breaks ties);
    None for HTML, sitemaps and anything else."""
    head = body[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    mime = content_type.split(";")[0].strip().lower()
    if head.startswith((b"{", b"[")):
        return (
            "json"
            if re.search(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/', head)
            else None
        )
    if not head.startswith(b"<"):
        return None
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() if prolog else 0 :]
    root = _ROOT.match(rest)
    if root is None:
        return None
    name = root.group(1).decode("ascii", errors="ignore").lower()
    local = name.rsplit(":", 1)[-1]
    if local == "rss":
        return "rss"
    if local == "feed":
        return "atom"
    if local == "rdf" and b"purl.org/rss" in head[:4096]:
        return "rss"
    if local in ("html", "urlset", "sitemapindex", "opml"):
        return None
    return _CONTENT_TYPES.get(mime)


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Whether a probed URL answered with an RSS, Atom or JSON feed (not an HTML page)."""
    return feed_kind(body, content_type) is not None


def page_title(html: str | bytes) -> str:
    """The ``<title>`` of a page, for naming a discovered source; empty when it has none."""
    root = html_document(decode_html(html))
    if root is None:
        return ""
    for el in root.iter("title"):
        return clean_text(" ".join(el.itertext()))
    return ""


SourceKind = Literal["feed", "sitemap", "page"]


def source_kind(body: bytes, content_type: str = "") -> SourceKind:
    """What a URL answered with, as a source: a feed, a sitemap (an urlset or an index,
    gzipped or not), or otherwise a page."""
    if body.startswith(b"\x1f\x8b"):
        return "sitemap"
    if feed_kind(body, content_type) is not None:
        return "feed"
    head = body[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    prolog = _PROLOG.match(head)
    root = _ROOT.match(head[prolog.end() if prolog else 0 :])
    if root is not None:
        local = root.group(1).decode("ascii", errors="ignore").lower().rsplit(":", 1)[-1]
        if local in ("urlset", "sitemapindex"):
            return "sitemap"
    return "page"
