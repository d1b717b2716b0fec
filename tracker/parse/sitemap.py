"""Sitemaps: urlsets (with Google News tags), sitemap indexes, gzip, and plain-text lists.

A sitemap is untrusted input: gzip is inflated only up to ``max_bytes`` (a bomb is refused,
not inflated), and DOCTYPE and entity declarations are refused before any expansion.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from tracker.errors import ParseError
from tracker.parse.dates import is_date_only, parse_datetime
from tracker.parse.text import clean_text
from tracker.parse.urls import absolute_url

__all__ = [
    "MAX_SITEMAP_BYTES",
    "Sitemap",
    "SitemapEntry",
    "SitemapRef",
    "entries_since",
    "parse_sitemap",
    "sitemaps_since",
]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
MAX_TEXT_URLS = 50_000  # the sitemaps.org limit per file
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One page of a urlset. ``published_at`` is Google News' ``news:publication_date``;
    ``is_date_only`` says the entry's date (published, else modified) had no time of day."""

    url: str
    modified_at: datetime | None = None
    published_at: datetime | None = None
    title: str | None = None
    is_date_only: bool = False


@dataclass(frozen=True, slots=True)
class SitemapRef:
    """A child sitemap named by a sitemap index."""

    url: str
    modified_at: datetime | None = None
    is_date_only: bool = False


@dataclass(slots=True)
class Sitemap:
    """A parsed sitemap: ``entries`` for a urlset, ``sitemaps`` for an index."""

    kind: Literal["urlset", "index"]
    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[SitemapRef] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _gunzip(body: bytes, max_bytes: int, origin: str) -> bytes:
    """Inflate every gzip member of ``body``, refusing to produce more than ``max_bytes``."""
    out = bytearray()
    data = body
    try:
        while data:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while True:
                out += inflater.decompress(data, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    raise ParseError(
                        f"parse: {origin}: sitemap inflates beyond {max_bytes} bytes; refused"
                    )
                if not inflater.unconsumed_tail:
                    break
                data = inflater.unconsumed_tail
            if not inflater.eof:
                raise ParseError(f"parse: {origin}: truncated gzip sitemap")
            data = inflater.unused_data.lstrip(b"\x00")
            if data and not data.startswith(GZIP_MAGIC):
                break  # trailing garbage after the last member
    except zlib.error as exc:
        raise ParseError(f"parse: {origin}: unreadable gzip sitemap ({exc})") from exc
    return bytes(out)


def _local(tag: object) -> str:
    name = tag if isinstance(tag, str) else ""
    return name.rsplit("}", 1)[-1].lower()


def _child_text(node: ET.Element, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name:
            return clean_text(child.text or "") or None
    return None


def _date(value: str | None) -> tuple[datetime | None, bool]:
    if value is None:
        return None, False
    return parse_datetime(value), is_date_only(value)


def _text_sitemap(text: str, base_url: str) -> Sitemap:
    result = Sitemap(kind="urlset")
    for raw in text.splitlines():
        line = raw.strip()
        # one absolute URL a line (sitemaps.org); anything else is not an entry
        url = (
            absolute_url(base_url, line)
            if line.lower().startswith(("http://", "https://"))
            else None
        )
        if url is None:
            if line:
                result.warnings.append(f"not a URL: {line[:80]!r}")
            continue
        if len(result.entries) >= MAX_TEXT_URLS:
            result.warnings.append(f"more than {MAX_TEXT_URLS} URLs; the rest are ignored")
            break
        result.entries.append(SitemapEntry(url))
    return result


def parse_sitemap(body: bytes, base_url: str, *, max_bytes: int = MAX_SITEMAP_BYTES) -> Sitemap:
    """Parse a sitemap fetched from ``base_url``: a urlset (``lastmod``, Google News
    ``publication_date`` and ``title``), a sitemap index, or a plain list of URLs, gzipped
    or not (told by its magic bytes, whatever the URL or Content-Type says).

    Raises ParseError for bodies over ``max_bytes`` (after inflating), DOCTYPE or entity
    declarations, and documents that are not sitemaps.
    """
    if body.startswith(GZIP_MAGIC):
        body = _gunzip(body, max_bytes, base_url)
    elif len(body) > max_bytes:
        raise ParseError(f"parse: {base_url}: sitemap larger than {max_bytes} bytes; refused")
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError(f"parse: {base_url}: empty sitemap")
    if not stripped.startswith(b"<"):
        return _text_sitemap(stripped.decode("utf-8", errors="replace"), base_url)
    try:
        root = SafeET.fromstring(stripped, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(
            f"parse: {base_url}: sitemap refused: DOCTYPE and entity declarations are not "
            f"allowed ({type(exc).__name__})"
        ) from exc
    except ET.ParseError as exc:
        raise ParseError(f"parse: {base_url}: not well-formed XML ({exc})") from exc
    kind = _local(root.tag)
    if kind == "urlset":
        return _urlset(root, base_url)
    if kind == "sitemapindex":
        return _index(root, base_url)
    hint = "; add it as a feed source" if kind in ("rss", "feed", "rdf") else ""
    raise ParseError(f"parse: {base_url}: root element is <{kind}>, not a sitemap{hint}")


def _urlset(root: ET.Element, base_url: str) -> Sitemap:
    result = Sitemap(kind="urlset")
    for i, node in enumerate(root):
        if _local(node.tag) != "url":
            continue
        loc = _child_text(node, "loc")
        url = absolute_url(base_url, loc)
        if url is None:
            result.warnings.append(f"url {i}: no usable <loc> ({loc!r})")
            continue
        modified, modified_day = _date(_child_text(node, "lastmod"))
        published: datetime | None = None
        published_day = False
        title: str | None = None
        for child in node:
            if _local(child.tag) == "news":
                published, published_day = _date(_child_text(child, "publication_date"))
                title = _child_text(child, "title")
        result.entries.append(
            SitemapEntry(
                url=url,
                modified_at=modified,
                published_at=published,
                title=title,
                is_date_only=published_day if published is not None else modified_day,
            )
        )
    return result


def _index(root: ET.Element, base_url: str) -> Sitemap:
    result = Sitemap(kind="index")
    for i, node in enumerate(root):
        if _local(node.tag) != "sitemap":
            continue
        loc = _child_text(node, "loc")
        url = absolute_url(base_url, loc)
        if url is None:
            result.warnings.append(f"sitemap {i}: no usable <loc> ({loc!r})")
            continue
        modified, day = _date(_child_text(node, "lastmod"))
        result.sitemaps.append(SitemapRef(url, modified, day))
    return result


def _is_since(at: datetime | None, date_only: bool, since: datetime) -> bool:
    if at is None:
        return True  # undated: the caller's URL dedup decides
    if date_only:
        # "2026-11-12" covers the whole day: an article of that afternoon must not be lost
        return at.date() >= since.astimezone(UTC).date()
    return at > since


def entries_since(sitemap: Sitemap, since: datetime | None) -> list[SitemapEntry]:
    """The entries dated after ``since`` (publication date, else lastmod), plus undated ones.

    A date without a time of day counts as the whole day, so the entries of the day of
    ``since`` are kept; all entries when ``since`` is None.
    """
    if since is None:
        return list(sitemap.entries)
    return [
        e
        for e in sitemap.entries
        if _is_since(e.published_at or e.modified_at, e.is_date_only, since)
    ]


def sitemaps_since(sitemap: Sitemap, since: datetime | None) -> list[SitemapRef]:
    """The child sitemaps of an index modified after ``since`` (same rules as entries_since)."""
    if since is None:
        return list(sitemap.sitemaps)
    return [ref for ref in sitemap.sitemaps if _is_since(ref.modified_at, ref.is_date_only, since)]
