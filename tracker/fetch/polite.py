"""Per-host politeness: at most N requests at once to a host, and a gap between their starts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A robots.txt Crawl-delay above this is clipped: a feed reader fetches a handful of pages.
MAX_CRAWL_DELAY_S = 30.0


def host_key(url: str) -> str:
    """What politeness counts per: the host name and port, lower-cased."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{host}:{port}"


def next_start(last_start: float | None, now: float, delay_s: float) -> float:
    """When the next request to a host may start, given when the last one started."""
    if last_start is None:
        return now
    return max(now, last_start + delay_s)


# Several processes fetching at once (workers on one database) share each host's gap: this
# reserves the next turn at a host for the whole fleet and says how many seconds away it is.
SharedTurns = Callable[[str, float], Awaitable[float]]


@dataclass(slots=True)
class _Host:
    slots: asyncio.Semaphore
    spacing: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float | None = None
    delay_s: float = 0.0


class HostGate:
    """Shared by every request of a run (or of the daemon's life)."""

    def __init__(
        self,
        per_host: int,
        delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedTurns | None = None,
    ) -> None:
        self.per_host = max(1, per_host)
        self.shared = shared
        self.delay_s = max(0.0, delay_s)
        self.clock = clock
        self._hosts: dict[str, _Host] = {}

    def _host(self, key: str) -> _Host:
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(asyncio.Semaphore(self.per_host), delay_s=self.delay_s)
        return host

    def slow_down(self, url: str, delay_s: float) -> None:
        """Raise the gap for ``url``'s host (a robots.txt Crawl-delay), within a cap."""
        host = self._host(host_key(url))
        host.delay_s = max(host.delay_s, min(delay_s, MAX_CRAWL_DELAY_S))

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Hold one of the host's slots for a request, starting it no sooner than allowed."""
        key = host_key(url)
        host = self._host(key)
        async with host.slots:
            async with host.spacing:
                start = next_start(host.last_start, self.clock(), host.delay_s)
                wait = start - self.clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                if self.shared is not None and host.delay_s > 0:
                    # This process's gap is kept; the fleet's turn may come later still.
                    wait = await self.shared(key, host.delay_s)
                    if wait > 0:
                        await asyncio.sleep(wait)
                host.last_start = self.clock()
            yield
