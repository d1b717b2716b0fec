"""URL identity: the canonical form under which an article is stored once."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan


def absolute_url(base: str, link: str | None) -> str | None:
    """Resolve ``link`` against ``base``; None for empty or non-HTTP links."""
    if not link or not link.strip():
        return None
    url = urljoin(base, link.strip())
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url


def canonical_url(url: str) -> str:
    """Normalise ``url`` for identity: lower-case host, default port and fragment dropped,
    tracking parameters (utm_*, fbclid, gclid...) removed, remaining query sorted."""
    try:
        normalised: str = courlan.normalize_url(url)
    except (ValueError, AttributeError):
        normalised = url
    parts = urlsplit(normalised)
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
