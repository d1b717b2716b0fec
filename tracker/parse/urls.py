"""URL identity: the canonical form under which an article is stored once."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan


def absolute_url(base: str, link: str | None) -> str | None:
    """Resolve ``link`` against ``base``; None for empty or non-HTTP links; a link that
    cannot be parsed as a URL as it is (``tracker.config.url_problem`` says why)."""
    if not link or not link.strip():
        return None
    try:
        url = urljoin(base, link.strip())
        scheme = urlsplit(url).scheme
    except ValueError:
        # not a URL at all ("http://[::1/x"): kept as written, for the fetch to refuse
        return link.strip()
    if scheme not in ("http", "https"):
        return None
    return url


def printable(url: str) -> str:
    """``url`` with its control characters escaped, for a message on a terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in url)


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
