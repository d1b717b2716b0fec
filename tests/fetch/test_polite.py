"""Per-host politeness, measured by the server: spacing and concurrency per host.

The bounds hold on a slow, busy machine: a request starts no sooner than the delay allows, so
the server sees the k-th request no sooner than k delays after the first could have started.
How much later it comes depends on the machine, and is not asserted.
"""

from __future__ import annotations

import asyncio
import time

from tests.fetch.recording import Recorder, recording_server
from tracker.config import FetchSettings
from tracker.fetch import Fetcher


async def test_requests_to_one_host_are_spaced_by_the_delay() -> None:
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=0.25, per_host_concurrency=4, timeout_s=5.0
    )
    with recording_server(Recorder()) as server:
        async with Fetcher(settings) as fetcher:
            started = time.monotonic()
            await asyncio.gather(
                *(fetcher.fetch_feed(f"{server.url}/feed{i}.xml") for i in range(6))
            )
        times = sorted(t for _, t in server.arrivals)
    assert len(times) == 6
    # Four could go at once; the delay spaces their starts instead, so the k-th to arrive came
    # k delays after the start or later (less a hundredth for the event loop's timer grain).
    after = [t - started for t in times]
    assert all(t >= 0.25 * k - 0.01 for k, t in enumerate(after)), after


async def test_at_most_n_requests_at_once_per_host() -> None:
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=0.0, per_host_concurrency=2, timeout_s=5.0
    )
    # Each request waits for a second one to be held with it, then is held 0.2 s more: a third
    # sent at once would be counted.
    with recording_server(Recorder(delay_s=0.2, together=2)) as server:
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(*(fetcher.fetch_feed(f"{server.url}/f{i}") for i in range(8)))
    assert server.max_active == 2
    assert len(server.arrivals) == 8


async def test_hosts_do_not_wait_for_each_other() -> None:
    # A delay far longer than two loopback requests take on any machine: a request that
    # waited for the other host's delay would take a minute.
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=60.0, per_host_concurrency=1, timeout_s=5.0
    )
    with recording_server(Recorder()) as one, recording_server(Recorder()) as two:
        async with Fetcher(settings) as fetcher:
            await fetcher.fetch_feed(one.url + "/a")
            started = time.monotonic()
            await fetcher.fetch_feed(two.url + "/a")
            assert time.monotonic() - started < 30  # two hosts: no delay between them
