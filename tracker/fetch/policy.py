"""Pure decisions about HTTP answers: challenge pages, Retry-After, max-age, content types.

No I/O here: each function takes what the server sent and returns a decision.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from tracker import __version__
from tracker.config import FetchSettings

# Phrases of the interstitial pages that bot-protection services answer with.
_CHALLENGE_MARKERS = (
    b"just a moment...",
    b"cf-chl-",
    b"challenge-platform",
    b"attention required! | cloudflare",
    b"captcha",
    b"ddos protection by",
    b"checking your browser",
    b"_incapsula_resource",
    b"perimeterx",
    b"px-captcha",
    b"datadome",
    b"enable javascript and cookies to continue",
)
_MAX_AGE = re.compile(r"(?:^|[,\s])(s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(no-store|no-cache)(?:$|[,\s=])", re.IGNORECASE)
_NON_DOCUMENT_TYPES = ("image/", "audio/", "video/", "font/")
_NON_DOCUMENT_EXACT = {
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "application/vnd.ms-excel",
    "application/msword",
}


def user_agent(settings: FetchSettings) -> str:
    """The User-Agent: the configured product and comment, plus the operator's contact URL."""
    agent = settings.user_agent or f"tracker/{__version__}"
    if settings.contact_url and settings.contact_url not in agent:
        if agent.endswith(")"):
            agent = f"{agent[:-1]}; +{settings.contact_url})"
        else:
            agent = f"{agent} (+{settings.contact_url})"
    return agent


def robots_agent_token(agent: str) -> str:
    """The product token robots.txt groups are matched on (RFC 9309 section 2.2.1)."""
    token = agent.split("/", 1)[0].split(" ", 1)[0].strip()
    return token or "tracker"


def is_challenge_page(status: int, headers: dict[str, str], body_head: bytes) -> bool:
    """True when a 403/429/503 is a bot-protection challenge rather than a plain refusal."""
    if status not in (403, 429, 503):
        return False
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    head = body_head[:65536].lower()
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date; None if absent."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def max_age_seconds(cache_control: str | None) -> int | None:
    """The freshness lifetime a Cache-Control header grants (s-maxage over max-age)."""
    if not cache_control or _NO_CACHE.search(cache_control):
        return None
    ages = {name.lower(): int(value) for name, value in _MAX_AGE.findall(cache_control)}
    return ages.get("s-maxage", ages.get("max-age"))


def is_gzip_type(content_type: str) -> bool:
    """Whether a response is a gzip file (a ``.gz`` sitemap), by its media type."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("application/gzip", "application/x-gzip", "application/octet-stream")


def is_document_type(content_type: str) -> bool:
    """False for media types that can never hold a feed or a page (images, archives...)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if not media:
        return True
    return not (media.startswith(_NON_DOCUMENT_TYPES) or media in _NON_DOCUMENT_EXACT)
