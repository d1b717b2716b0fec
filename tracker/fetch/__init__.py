"""I/O: HTTP fetching with limits, conditional GET, politeness, robots.txt and the guard."""

from tracker.fetch.client import Fetcher, FetchResult, fetch_url, make_client

__all__ = ["FetchResult", "Fetcher", "fetch_url", "make_client"]
