"""Pure HTTP decisions: challenge pages, Retry-After, max-age, User-Agent, robots rules."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import httpx2
import pytest

from tracker.config import FetchSettings
from tracker.fetch.client import classify_network_error
from tracker.fetch.policy import (
    is_challenge_page,
    is_document_type,
    max_age_seconds,
    retry_after_seconds,
    robots_agent_token,
    user_agent,
)
from tracker.fetch.polite import host_key, next_start
from tracker.fetch.robots import rules_for_answer

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (403, {}, b"<title>Just a moment...</title>", True),
        (403, {"cf-mitigated": "challenge"}, b"", True),
        (503, {}, b"<div id='cf-chl-widget'>", True),
        (403, {}, b"Please complete the CAPTCHA", True),
        (429, {}, b"<script src='/_Incapsula_Resource'>", True),
        (403, {}, b"Forbidden", False),
        (404, {}, b"Just a moment...", False),
        (200, {}, b"captcha", False),
    ],
)
def test_challenge_pages(status: int, headers: dict[str, str], body: bytes, expected: bool) -> None:
    assert is_challenge_page(status, headers, body) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("Thu, 26 Nov 2026 12:30:00 GMT", 1800.0),
        ("Wed, 25 Nov 2026 12:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("max-age=600", 600),
        ("public, max-age=300, s-maxage=900", 900),
        ('max-age="60"', 60),
        ("no-cache, max-age=600", None),
        ("no-store", None),
        ("private", None),
        (None, None),
    ],
)
def test_max_age(value: str | None, expected: int | None) -> None:
    assert max_age_seconds(value) == expected


def test_user_agent_names_the_contact_url() -> None:
    assert user_agent(FetchSettings()) == "tracker/0.1 (self-hosted supply-chain news tracker)"
    contact = FetchSettings(contact_url="https://ops.example/tracker")
    agent = user_agent(contact)
    assert (
        agent == "tracker/0.1 (self-hosted supply-chain news tracker; +https://ops.example/tracker)"
    )
    assert robots_agent_token(agent) == "tracker"
    bare = FetchSettings(user_agent="mybot/2", contact_url="https://x.example/")
    assert user_agent(bare) == "mybot/2 (+https://x.example/)"


def test_document_types() -> None:
    assert is_document_type("application/rss+xml; charset=utf-8")
    assert is_document_type("text/html")
    assert is_document_type("")
    assert is_document_type("application/octet-stream") is False
    assert is_document_type("image/png") is False
    assert is_document_type("application/pdf") is False


def test_robots_rules_from_the_answer() -> None:
    robots = (
        b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\n"
        b"User-agent: tracker\nDisallow: /no-tracker/\n"
    )
    rules = rules_for_answer(200, robots)
    assert rules.allows("https://x.example/news/1", "tracker")
    assert not rules.allows("https://x.example/no-tracker/1", "tracker")
    # The tracker group replaces the * group for us (RFC 9309 2.2.1).
    assert rules.allows("https://x.example/private/1", "tracker")
    assert not rules.allows("https://x.example/private/1", "otherbot")
    assert rules.crawl_delay_s("otherbot") == 2.0
    assert rules_for_answer(404, b"").allows("https://x.example/anything", "tracker")
    assert rules_for_answer(403, b"").allows("https://x.example/anything", "tracker")
    for status, error in [(500, ""), (503, ""), (429, ""), (None, "timeout"), (None, "dns")]:
        refused = rules_for_answer(status, b"", error)
        assert not refused.allows("https://x.example/", "tracker")
        assert "unreachable" in refused.reason


def _wrapped(exc: BaseException, outer: type[httpx2.HTTPError]) -> httpx2.HTTPError:
    try:
        raise outer("failed") from exc
    except httpx2.HTTPError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_wrapped(socket.gaierror(-2, "Name or service not known"), httpx2.ConnectError), "dns"),
        (_wrapped(ConnectionRefusedError(111, "refused"), httpx2.ConnectError), "connect"),
        (_wrapped(ConnectionResetError(104, "reset by peer"), httpx2.ReadError), "reset"),
        (httpx2.RemoteProtocolError("Server disconnected without sending a response."), "reset"),
        (
            httpx2.RemoteProtocolError(
                "peer closed connection without sending complete message body: "
                "received 1000 bytes, expected 5000"
            ),
            "truncated",
        ),
        (httpx2.ReadTimeout("timed out"), "timeout"),
        (httpx2.ConnectTimeout("timed out"), "timeout"),
        (httpx2.DecodingError("bad gzip"), "decoding"),
    ],
)
def test_network_errors_are_classified(exc: httpx2.HTTPError, expected: str) -> None:
    assert classify_network_error(exc) == expected


def test_politeness_math() -> None:
    assert host_key("https://News.Example/a?b") == "news.example:443"
    assert host_key("http://127.0.0.1:8080/") == "127.0.0.1:8080"
    assert next_start(None, 10.0, 1.0) == 10.0
    assert next_start(9.5, 10.0, 1.0) == 10.5
    assert next_start(5.0, 10.0, 1.0) == 10.0
