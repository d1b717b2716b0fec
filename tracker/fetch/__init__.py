"""I/O: HTTP fetching with limits, conditional GET and the private-address guard."""

from tracker.fetch.client import FetchResult, fetch_url, make_client

__all__ = ["FetchResult", "fetch_url", "make_client"]
