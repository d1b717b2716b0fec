"""Errors raised by tracker.

The tree::

    TrackerError
    ├── ConfigError      bad or missing configuration
    ├── FetchError       HTTP and network failures (carry an error class)
    │   ├── FetchBlocked     refused by the private-address guard
    │   ├── FetchTooLarge    body over the configured limit
    │   └── RobotsDisallowed robots.txt forbids the page
    ├── ParseError       a feed or page that cannot be read at all
    │   └── UnsafeXML        entity declarations (billion laughs, external entities)
    ├── StoreError       database problems (schema missing, constraint failures)
    │   └── EntriesNotStored some entries of a source could not be stored
    ├── DigestError      a digest that cannot be built or delivered
    │   └── DeliveryFailed   the SMTP server refused or could not be reached
    └── UsageError       a bad argument or option value (exit code 2)
        └── QueryError       a malformed search query

The CLI catches ``TrackerError`` once and turns it into a one-line message.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base class of every error tracker raises on purpose."""


class ConfigError(TrackerError):
    """The configuration file or an option is invalid."""


class FetchError(TrackerError):
    """A URL could not be fetched; ``error_class`` names what went wrong."""

    def __init__(
        self,
        url: str,
        message: str,
        error_class: str = "network",
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"fetch: {url}: {message}")
        self.url = url
        self.error_class = error_class
        self.status = status  # the HTTP status, when the server answered
        self.retry_after_s = retry_after_s  # the server's Retry-After, in seconds


class FetchBlocked(FetchError):
    """The private-address guard refused the URL."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(url, message, error_class="blocked")


class FetchTooLarge(FetchError):
    """The response body is larger than allowed."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(url, message, error_class="too_large")


class RobotsDisallowed(FetchError):
    """The site's robots.txt does not allow fetching the URL."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(url, message, error_class="robots")


class ParseError(TrackerError):
    """A document could not be parsed at all."""

    error_class = "parse"


class UnsafeXML(ParseError):
    """A feed declares entities: refused before any XML parser sees it."""

    error_class = "unsafe_xml"


class SelectorError(ParseError):
    """A page source's CSS selector or XPath override is not valid."""

    error_class = "selector"


class LayoutChanged(ParseError):
    """A page source's listing yielded no article links: its layout changed."""

    error_class = "layout_changed"


class UsageError(TrackerError):
    """An argument or option has a bad value; the CLI exits with code 2."""


class QueryError(UsageError):
    """A search query is malformed."""


class StoreError(TrackerError):
    """The database could not be used."""

    error_class = "store"


class EntriesNotStored(StoreError):
    """Some entries of a source could not be stored: the source's fetch failed (its
    validators are kept, so that they are all read again)."""

    def __init__(self, message: str, error_class: str = "store") -> None:
        super().__init__(message)
        self.error_class = error_class


class DigestError(TrackerError):
    """A digest cannot be built or delivered."""


class DeliveryFailed(DigestError):
    """An SMTP delivery failed; ``is_permanent`` when retrying cannot help (a 5xx reply)."""

    def __init__(self, message: str, *, is_permanent: bool = False) -> None:
        super().__init__(message)
        self.is_permanent = is_permanent
