"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand."""

from __future__ import annotations

import calendar
import hashlib
import json
import time
from datetime import UTC, datetime
from typing import Any
from xml.parsers import expat

import feedparser

from tracker.errors import ParseError, UnsafeXML
from tracker.models import FeedEntry, ParsedFeed
from tracker.parse.encoding import decode_document, feed_bytes_for_parser
from tracker.parse.text import clean_text, html_to_text
from tracker.parse.urls import absolute_url

JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


class _RootReached(Exception):
    """The prolog is over: no entity can be declared any more."""


def check_xml_safety(body: bytes, url: str) -> None:
    """Raise UnsafeXML when the document declares an entity (billion laughs, external
    entities), told by expat itself: its entity declaration handler refuses the first one,
    wherever comments or processing instructions put it, and the pass stops at the root
    element, where the prolog (the only place declarations may be) ends.

    A DOCTYPE that only names a DTD (RSS 0.91 does) is fine: no parser here fetches it. A
    document expat cannot read is left to feedparser, which reports it.
    """
    parser = expat.ParserCreate()

    def refuse(name: str, *_args: object) -> None:
        raise UnsafeXML(
            f"parse: {url}: the document declares the XML entity {name!r} "
            "(entity expansion and external entities are refused)"
        )

    def root(*_args: object) -> None:
        raise _RootReached

    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.StartElementHandler = root
    try:
        parser.Parse(body, True)
    except (_RootReached, expat.ExpatError):
        return


def _looks_like_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head == b"{"


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed document fetched from ``url``.

    A document that yields entries despite errors gives them plus warnings; one that
    yields nothing usable raises ParseError.
    """
    if not body.strip():
        raise ParseError(f"parse: {url}: empty document")
    if _looks_like_json(body, content_type):
        return _parse_json_feed(body, url, content_type)
    return _parse_xml_feed(body, url, content_type)


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _fallback_guid(*parts: str | None) -> str:
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:32]}"


def _parse_xml_feed(body: bytes, url: str, content_type: str) -> ParsedFeed:
    body, content_type, _ = feed_bytes_for_parser(body, content_type)
    check_xml_safety(body, url)
    headers = {"content-location": url, "content-type": content_type}
    parsed: Any = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    version = parsed.get("version") or ""
    warnings: list[str] = []
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        warnings.append(f"{type(exc).__name__}: {exc}")
    if not parsed.entries and (not version or parsed.get("bozo")):
        # Nothing usable: not a feed at all, or a broken one that yielded no entry.
        reason = warnings[0] if warnings else "not an RSS, Atom or JSON feed"
        raise ParseError(f"parse: {url}: {reason}")
    feed = parsed.get("feed", {})
    ttl: int | None = None
    raw_ttl = feed.get("ttl")
    if raw_ttl and str(raw_ttl).strip().isdigit():
        ttl = int(str(raw_ttl).strip())
    result = ParsedFeed(
        title=clean_text(feed.get("title", "")),
        link=absolute_url(url, feed.get("link")),
        kind=version or "unknown",
        warnings=warnings,
        ttl_minutes=ttl,
    )
    for entry in parsed.entries:
        link = absolute_url(url, entry.get("link"))
        title = html_to_text(entry.get("title", ""))
        summary_html = entry.get("summary", "")
        if not summary_html and entry.get("content"):
            summary_html = entry["content"][0].get("value", "")
        published = _struct_to_datetime(
            entry.get("published_parsed") or entry.get("updated_parsed")
        )
        guid = (entry.get("id") or "").strip() or link or _fallback_guid(title, str(published))
        result.entries.append(
            FeedEntry(
                guid=guid,
                url=link,
                title=title,
                summary=html_to_text(summary_html),
                published_at=published,
            )
        )
    return result


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _parse_json_feed(body: bytes, url: str, content_type: str) -> ParsedFeed:
    try:
        data = json.loads(decode_document(body, content_type, "text").text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ParseError(f"parse: {url}: invalid JSON Feed ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ParseError(f"parse: {url}: JSON document is not a JSON Feed (no items list)")
    warnings: list[str] = []
    version = str(data.get("version", ""))
    if version not in JSON_FEED_VERSIONS:
        warnings.append(f"unknown JSON Feed version {version!r}")
    result = ParsedFeed(
        title=clean_text(str(data.get("title", ""))),
        link=absolute_url(url, data.get("home_page_url")),
        kind="json" + version.rsplit("/", 1)[-1].replace("version", ""),
        warnings=warnings,
    )
    for i, item in enumerate(data["items"]):
        if not isinstance(item, dict):
            warnings.append(f"item {i} is not an object")
            continue
        raw_link = item.get("url") or item.get("external_url")
        if raw_link is not None and not isinstance(raw_link, str):
            shown = json.dumps(raw_link)[:80]
            warnings.append(f"item {i} skipped: its url is not a string ({shown})")
            continue
        link = absolute_url(url, raw_link)
        title = html_to_text(str(item.get("title") or ""))
        summary = item.get("summary") or item.get("content_text") or ""
        summary_text = (
            clean_text(str(summary))
            if summary
            else html_to_text(str(item.get("content_html") or ""))
        )
        published = _parse_iso(item.get("date_published")) or _parse_iso(item.get("date_modified"))
        raw_id = item.get("id")
        guid = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else None
        result.entries.append(
            FeedEntry(
                guid=guid or link or _fallback_guid(title, str(published)),
                url=link,
                title=title,
                summary=summary_text,
                published_at=published,
            )
        )
    return result
