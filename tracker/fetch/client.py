"""HTTP GET with hard limits: timeouts, body size, redirects checked one by one.

Limits, all from ``[fetch]``: a connect timeout, a read timeout between bytes, a total budget
of network time per URL (3x the read timeout, so a slow drip cannot hold a slot forever), a
body cap counted after decompression (we decompress ourselves, in bounded steps, so a gzip
bomb is refused, not inflated), and at most ``max_redirects`` hops with loop detection.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx2

from tracker.config import FetchSettings, url_problem
from tracker.errors import FetchError, FetchTooLarge, RobotsDisallowed
from tracker.fetch.guard import check_public
from tracker.fetch.policy import (
    is_challenge_page,
    is_document_type,
    is_gzip_type,
    retry_after_seconds,
    robots_agent_token,
    user_agent,
)
from tracker.fetch.polite import HostGate, SharedTurns
from tracker.fetch.robots import MAX_ROBOTS_BYTES, RobotsCache
from tracker.parse.urls import printable

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
ROBOTS_ACCEPT = "text/plain, */*;q=0.5"
SITEMAP_ACCEPT = "application/xml, text/xml, application/gzip;q=0.9, text/plain;q=0.5, */*;q=0.3"
# Only what we can decompress in bounded steps ourselves.
ACCEPT_ENCODING = "gzip, deflate"
# Enough of an error body to recognise a challenge page.
ERROR_BODY_BYTES = 65536
_REDIRECTS = {301, 302, 303, 307, 308}
_DNS_MESSAGES = (
    "name or service not known",
    "temporary failure in name resolution",
    "no address associated with hostname",
    "nodename nor servname provided",
    "getaddrinfo failed",
)


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


def make_client(settings: FetchSettings) -> httpx2.AsyncClient:
    """One client for a whole run; redirects are followed by ``fetch_url`` itself.

    Proxies come from the standard environment variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).
    """
    return httpx2.AsyncClient(
        # No pool timeout: waiting for one of our own connections is not the server's fault;
        # the total budget in fetch_url still bounds every request.
        timeout=httpx2.Timeout(settings.timeout_s, connect=settings.connect_timeout_s, pool=None),
        follow_redirects=False,
        headers={"User-Agent": user_agent(settings), "Accept-Encoding": ACCEPT_ENCODING},
        limits=httpx2.Limits(
            max_connections=settings.concurrency * 2,
            max_keepalive_connections=settings.concurrency,
        ),
        trust_env=True,
    )


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_network_error(exc: httpx2.HTTPError) -> str:
    """The error class of a transport failure: timeout, dns, connect, reset, truncated..."""
    chain = _causes(exc)
    text = " ".join(str(e) for e in chain).lower()
    if isinstance(exc, httpx2.TimeoutException):
        return "timeout"
    if any(isinstance(e, socket.gaierror) for e in chain) or any(m in text for m in _DNS_MESSAGES):
        return "dns"
    if isinstance(exc, httpx2.ConnectError):
        return "connect"
    if "incomplete" in text or ("expected" in text and "bytes" in text):
        return "truncated"
    resets = (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED)
    if any(isinstance(e, ConnectionError) or getattr(e, "errno", None) in resets for e in chain):
        return "reset"
    if "disconnected without sending a response" in text or "connection reset" in text:
        return "reset"
    if isinstance(exc, httpx2.RemoteProtocolError | httpx2.ReadError):
        return "protocol"
    if isinstance(exc, httpx2.DecodingError):
        return "decoding"
    return "network"


class _Inflater:
    """Decompresses a Content-Encoding in steps whose output never exceeds what is left."""

    def __init__(self, url: str, encoding: str) -> None:
        self.url = url
        self.encoding = encoding.strip().lower()
        self._raw_deflate_tried = False
        if self.encoding in ("", "identity"):
            self._obj: zlib._Decompress | None = None
        elif self.encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._obj = zlib.decompressobj()
        else:
            raise FetchError(url, f"unsupported Content-Encoding {encoding!r}", "decoding")

    def feed(self, data: bytes, room: int) -> bytes:
        """Up to ``room + 1`` bytes of output: one more than room means the body is too big."""
        if self._obj is None:
            return data
        try:
            return self._obj.decompress(data, room + 1)
        except zlib.error as exc:
            if self.encoding == "deflate" and not self._raw_deflate_tried:
                # Some servers send raw deflate (RFC 1951) where RFC 9110 wants zlib (1950).
                self._raw_deflate_tried = True
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data, room)
            raise FetchError(self.url, f"corrupt {self.encoding} body ({exc})", "decoding") from exc


async def _read_limited(response: httpx2.Response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "")
    if declared.isdigit() and int(declared) > limit and not encoding:
        raise FetchTooLarge(url, f"body of {int(declared):,} bytes is over the {limit:,} limit")
    inflater = _Inflater(url, encoding)
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        chunk = inflater.feed(raw, limit - size)
        size += len(chunk)
        if size > limit:
            raise FetchTooLarge(url, f"body is over the {limit:,} byte limit (after decompression)")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_head(response: httpx2.Response, url: str) -> bytes:
    """The start of an error body, best effort: it only serves to recognise challenge pages."""
    try:
        inflater = _Inflater(url, response.headers.get("content-encoding", ""))
        head = b""
        raw_iter: AsyncIterator[bytes] = response.aiter_raw()
        async for raw in raw_iter:
            head += inflater.feed(raw, ERROR_BODY_BYTES - len(head))
            if len(head) >= ERROR_BODY_BYTES:
                break
        return head[:ERROR_BODY_BYTES]
    except (httpx2.HTTPError, FetchError):
        return b""


async def fetch_url(
    client: httpx2.AsyncClient,
    url: str,
    settings: FetchSettings,
    *,
    accept: str = PAGE_ACCEPT,
    etag: str | None = None,
    last_modified: str | None = None,
    is_trusted: bool = False,
    trusted_host: str | None = None,
    gate: HostGate | None = None,
    gzip_file_ok: bool = False,
) -> FetchResult:
    """GET ``url`` within the configured limits; FetchError for anything but 2xx or 304.

    ``gzip_file_ok`` accepts a gzip file (``sitemap.xml.gz``) where only documents would do;
    its reader inflates it within its own cap.

    Unless ``settings.allow_private_hosts``, every hop must resolve to public addresses;
    ``is_trusted`` (the operator's own source URL) exempts that URL's host alone, as does
    ``trusted_host`` (the host of the source a link came from). With a ``gate``, every hop
    waits for its host's politeness slot (not counted in the budget).
    """
    started = time.monotonic()
    if is_trusted:
        trusted_host = urlsplit(url).hostname
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    budget_s = settings.timeout_s * 3
    visited: list[str] = []
    current = url
    while True:
        if current in visited:
            raise FetchError(url, f"redirect loop at {current}", "redirect_loop")
        visited.append(current)
        problem = url_problem(current.replace(" ", "%20"))  # a space is sent as %20
        if problem:
            if current == url:
                raise FetchError(printable(url), f"the URL {problem}", "bad_url")
            raise FetchError(
                printable(url), f"redirect to {printable(current)}, which {problem}", "bad_redirect"
            )
        if len(visited) > settings.max_redirects + 1:
            raise FetchError(
                url, f"more than {settings.max_redirects} redirects", "too_many_redirects"
            )
        if not settings.allow_private_hosts and urlsplit(current).hostname != trusted_host:
            await check_public(current)
        slot: AbstractAsyncContextManager[None] = gate.slot(current) if gate else nullcontext()
        async with slot:
            hop_started = time.monotonic()
            try:
                async with asyncio.timeout(budget_s):
                    outcome = await _hop(
                        client, url, current, headers, settings, started, gzip_file_ok
                    )
            except TimeoutError as exc:
                raise FetchError(
                    url, f"no complete answer in {settings.timeout_s * 3:.0f} s", "timeout"
                ) from exc
            except httpx2.HTTPError as exc:
                error_class = classify_network_error(exc)
                raise FetchError(url, f"{type(exc).__name__}: {exc}", error_class) from exc
            budget_s -= time.monotonic() - hop_started
        if isinstance(outcome, FetchResult):
            return outcome
        current = outcome


async def _hop(
    client: httpx2.AsyncClient,
    url: str,
    current: str,
    headers: dict[str, str],
    settings: FetchSettings,
    started: float,
    gzip_file_ok: bool = False,
) -> FetchResult | str:
    """One request: a result, or the next URL of a redirect."""
    request = client.build_request("GET", current, headers=headers)
    response = await client.send(request, stream=True)
    try:
        status = response.status_code
        if status in _REDIRECTS and "location" in response.headers:
            location = response.headers["location"]
            try:
                return urljoin(current, location)
            except ValueError as exc:
                raise FetchError(
                    url,
                    f"redirect to a malformed Location {printable(location)} ({exc})",
                    "bad_redirect",
                ) from exc
        if status == 304:
            return FetchResult(
                current, 304, dict(response.headers), b"", time.monotonic() - started
            )
        if status >= 400:
            head = await _read_head(response, url)
            retry_after = retry_after_seconds(
                response.headers.get("retry-after"), datetime.now(UTC)
            )
            error_class = f"http_{status}"
            message = f"{status} {response.reason_phrase}"
            if is_challenge_page(status, dict(response.headers), head):
                error_class = "bot_protection"
                message += " (a bot-protection challenge page; the site refuses automated readers)"
            if retry_after is not None:
                message += f" (retry after {retry_after:.0f} s)"
            raise FetchError(url, message, error_class, status=status, retry_after_s=retry_after)
        content_type = response.headers.get("content-type", "")
        if not is_document_type(content_type) and not (gzip_file_ok and is_gzip_type(content_type)):
            raise FetchError(
                url, f"{content_type} is not a feed or a page", "content_type", status=status
            )
        body = await _read_limited(response, url, settings.max_body_bytes)
        return FetchResult(
            str(response.url), status, dict(response.headers), body, time.monotonic() - started
        )
    finally:
        await response.aclose()


class Fetcher:
    """One HTTP client, per-host politeness and a robots.txt cache, for a run or a daemon."""

    def __init__(self, settings: FetchSettings, *, shared_turns: SharedTurns | None = None) -> None:
        self.settings = settings
        self.client = make_client(settings)
        self.gate = HostGate(
            settings.per_host_concurrency, settings.per_host_delay_s, shared=shared_turns
        )
        self.agent_token = robots_agent_token(user_agent(settings))
        self.robots = RobotsCache(self._download_robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self.client.aclose()

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a source's feed: the operator's URL, trusted, sent with its validators."""
        return await self._get(
            url, FEED_ACCEPT, etag=etag, last_modified=last_modified, is_trusted=True
        )

    async def _get(self, url: str, accept: str, **options: Any) -> FetchResult:
        return await fetch_url(
            self.client, url, self.settings, accept=accept, gate=self.gate, **options
        )

    async def fetch_page(
        self,
        url: str,
        *,
        trusted_host: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET an article page linked from a feed (or a listing page), only where robots.txt
        allows.

        The link is untrusted unless it stays on ``trusted_host``, the host of the source's
        own URL: the operator vouched for that host, not for wherever its feed points.
        """
        problem = url_problem(url.replace(" ", "%20"))
        if problem:
            raise FetchError(printable(url), f"the URL {problem}", "bad_url")
        if self.settings.respect_robots:
            rules = await self.robots.rules_for(url, trusted_host)
            if not rules.allows(url, self.agent_token):
                why = f" ({rules.reason})" if rules.reason else ""
                raise RobotsDisallowed(url, f"robots.txt does not allow it{why}")
            delay = rules.crawl_delay_s(self.agent_token)
            if delay:
                self.gate.slow_down(url, delay)
        return await self._get(
            url, PAGE_ACCEPT, etag=etag, last_modified=last_modified, trusted_host=trusted_host
        )

    async def fetch_sitemap(
        self,
        url: str,
        *,
        trusted_host: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET a sitemap (plain or gzipped): the operator's own URL when ``trusted_host`` is
        its host, or a child sitemap an index names (untrusted elsewhere)."""
        return await self._get(
            url,
            SITEMAP_ACCEPT,
            etag=etag,
            last_modified=last_modified,
            trusted_host=trusted_host,
            gzip_file_ok=True,
        )

    async def _download_robots(
        self, url: str, trusted_host: str | None
    ) -> tuple[int | None, bytes, str]:
        settings = replace(self.settings, max_body_bytes=MAX_ROBOTS_BYTES)
        result = await fetch_url(
            self.client,
            url,
            settings,
            accept=ROBOTS_ACCEPT,
            trusted_host=trusted_host,
            gate=self.gate,
        )
        return result.status, result.body, ""
