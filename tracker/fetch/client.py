"""HTTP GET with hard limits: timeouts, body size, redirects checked one by one."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from tracker.config import FetchSettings
from tracker.errors import FetchError, FetchTooLarge
from tracker.fetch.guard import check_public

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a GET returned: final URL, status, headers and body (empty on 304)."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_s: float = 0.0

    @property
    def is_not_modified(self) -> bool:
        """True for 304 Not Modified."""
        return self.status == 304

    @property
    def content_type(self) -> str:
        """The Content-Type header, or an empty string."""
        return self.headers.get("content-type", "")


def make_client(settings: FetchSettings) -> httpx.AsyncClient:
    """One client for a whole run; redirects are followed by ``fetch_url`` itself."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(
            settings.timeout_s,
            connect=settings.connect_timeout_s,
        ),
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent},
        limits=httpx.Limits(
            max_connections=settings.concurrency * 2,
            max_keepalive_connections=settings.concurrency,
        ),
        trust_env=True,
    )


def _error_class(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "dns" if "Name or service not known" in str(exc) else "connect"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return "protocol"
    if isinstance(exc, httpx.DecodingError):
        return "decoding"
    return "network"


async def _read_limited(response: httpx.Response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchTooLarge(url, f"body of {int(declared):,} bytes is over the {limit:,} limit")
    chunks: list[bytes] = []
    size = 0
    # aiter_bytes yields decompressed bytes: the cap holds for gzip bodies too.
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchTooLarge(url, f"body is over the {limit:,} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch_url(
    client: httpx.AsyncClient,
    url: str,
    settings: FetchSettings,
    *,
    accept: str = PAGE_ACCEPT,
    etag: str | None = None,
    last_modified: str | None = None,
    is_trusted: bool = False,
) -> FetchResult:
    """GET ``url`` within the configured limits; FetchError for anything but 2xx or 304.

    Unless ``settings.allow_private_hosts``, every hop must resolve to public addresses;
    ``is_trusted`` (the operator's own source URL) exempts that URL's host alone.
    """
    started = time.monotonic()
    trusted_host = urlsplit(url).hostname if is_trusted else None
    try:
        async with asyncio.timeout(settings.timeout_s * 3):
            return await _fetch(
                client, url, settings, accept, etag, last_modified, started, trusted_host
            )
    except TimeoutError as exc:
        raise FetchError(
            url, f"no complete answer in {settings.timeout_s * 3:.0f} s", "timeout"
        ) from exc


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    settings: FetchSettings,
    accept: str,
    etag: str | None,
    last_modified: str | None,
    started: float,
    trusted_host: str | None,
) -> FetchResult:
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    visited: list[str] = []
    current = url
    while True:
        if current in visited:
            raise FetchError(url, f"redirect loop at {current}", "redirect_loop")
        visited.append(current)
        if len(visited) > settings.max_redirects + 1:
            raise FetchError(
                url, f"more than {settings.max_redirects} redirects", "too_many_redirects"
            )
        if not settings.allow_private_hosts and urlsplit(current).hostname != trusted_host:
            await check_public(current)
        try:
            request = client.build_request("GET", current, headers=headers)
            response = await client.send(request, stream=True)
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                if response.status_code == 304:
                    return FetchResult(
                        current, 304, dict(response.headers), b"", time.monotonic() - started
                    )
                if response.status_code >= 400:
                    raise FetchError(
                        url,
                        f"{response.status_code} {response.reason_phrase}",
                        f"http_{response.status_code}",
                    )
                body = await _read_limited(response, url, settings.max_body_bytes)
                return FetchResult(
                    str(response.url),
                    response.status_code,
                    dict(response.headers),
                    body,
                    time.monotonic() - started,
                )
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}", _error_class(exc)) from exc
