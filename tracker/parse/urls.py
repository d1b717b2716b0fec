"""URL identity: the canonical form under which an article is stored once."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan


def absolute_url(base: str, link: str | None) -> str | None:
    """Resolve ``link`` against ``base``; None for empty or non-HTTP links; a link that
    cannot be parsed as a URL as it is (``url_problem`` says why)."""
    if not link or not link.strip():
        return None
    try:
        url = urljoin(base, link.strip())
        scheme = urlsplit(url).scheme
    except ValueError:
        # not a URL at all ("http://[::1/x"): kept as written, for ``url_problem`` to name
        return link.strip()
    if scheme not in ("http", "https"):
        return None
    return url


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched as it is written, or None when it can: not HTTP(S), no
    host, a port out of range, a control character or space, brackets that do not close."""
    bad = next((c for c in url if ord(c) < 0x21 or ord(c) == 0x7F), None)
    if bad is not None:
        return f"holds the character {bad!r}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"is not valid ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"is not http(s) (scheme {parts.scheme!r})"
    if not parts.hostname:
        return "names no host"
    if port == 0:
        return "has port 0"
    return None


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
