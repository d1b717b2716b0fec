"""robots.txt for article pages (RFC 9309), parsed by Protego, cached per host.

Feeds are not checked: the operator subscribed to them, which is the feed's whole purpose.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego

from tracker.errors import FetchBlocked, FetchError

# RFC 9309 2.5: a crawler should not use a cached robots.txt for more than 24 hours.
CACHE_TTL_S = 24 * 3600.0
# RFC 9309 2.5: parse at least the first 500 KiB.
MAX_ROBOTS_BYTES = 512 * 1024

RobotsKind = Literal["allow_all", "disallow_all", "rules"]


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What a host's robots.txt says, once fetched."""

    kind: RobotsKind
    reason: str = ""
    parser: Protego | None = None

    def allows(self, url: str, agent_token: str) -> bool:
        """True when the rules let ``agent_token`` fetch ``url``."""
        if self.kind == "allow_all":
            return True
        if self.kind == "disallow_all" or self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, agent_token))

    def crawl_delay_s(self, agent_token: str) -> float | None:
        """The Crawl-delay for ``agent_token``, if the file sets one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent_token)
        return float(delay) if delay is not None else None


def rules_for_answer(status: int | None, body: bytes, error_class: str = "") -> RobotsRules:
    """The rules implied by how the robots.txt request ended (RFC 9309 section 2.3.1).

    2xx: the file's rules. 4xx (404 above all): no rules, everything allowed.
    5xx, 429, timeouts and network failures: the site is unreachable, so nothing is allowed.
    """
    if status is not None and 200 <= status < 300:
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return RobotsRules("rules", parser=Protego.parse(text))
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules("allow_all", reason=f"robots.txt answered {status}")
    what = f"answered {status}" if status is not None else f"failed ({error_class or 'network'})"
    return RobotsRules("disallow_all", reason=f"robots.txt {what}: the site counts as unreachable")


def robots_url(url: str) -> str:
    """The robots.txt that governs ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


Download = Callable[[str, str | None], Awaitable[tuple[int | None, bytes, str]]]


class RobotsCache:
    """Fetches each host's robots.txt once (per 24 hours) and answers from memory."""

    def __init__(self, download: Download, clock: Callable[[], float] = time.monotonic) -> None:
        self._download = download
        self._clock = clock
        self._rules: dict[str, tuple[float, RobotsRules]] = {}
        self._pending: dict[str, asyncio.Future[RobotsRules]] = {}

    async def rules_for(self, url: str, trusted_host: str | None = None) -> RobotsRules:
        """The rules of ``url``'s host; FetchBlocked when the guard refuses the host."""
        key = robots_url(url)
        cached = self._rules.get(key)
        if cached is not None and self._clock() - cached[0] < CACHE_TTL_S:
            return cached[1]
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[RobotsRules] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            try:
                status, body, error_class = await self._download(key, trusted_host)
            except FetchBlocked:
                raise
            except FetchError as exc:
                status, body, error_class = exc.status, b"", exc.error_class
            rules = rules_for_answer(status, body, error_class)
            self._rules[key] = (self._clock(), rules)
            future.set_result(rules)
            return rules
        except BaseException as exc:
            if isinstance(exc, Exception):
                future.set_exception(exc)
                future.exception()  # retrieved: waiters re-raise it, nobody else must
            else:
                future.cancel()
            raise
        finally:
            del self._pending[key]
