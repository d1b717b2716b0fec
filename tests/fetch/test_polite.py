"""Per-host politeness, measured by the server: spacing and concurrency per host."""

from __future__ import annotations

import asyncio
import itertools

from tests.fetch.recording import Recorder, recording_server
from tracker.config import FetchSettings
from tracker.fetch import Fetcher


async def test_requests_to_one_host_are_spaced_by_the_delay() -> None:
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=0.25, per_host_concurrency=4, timeout_s=5.0
    )
    with recording_server(Recorder()) as server:
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(
                *(fetcher.fetch_feed(f"{server.url}/feed{i}.xml") for i in range(6))
            )
        times = sorted(t for _, t in server.arrivals)
    assert len(times) == 6
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.23, gaps  # server-side arrival times, a little clock slack
    assert times[-1] - times[0] < 0.25 * 5 + 1.0  # and not much slower than that


async def test_at_most_n_requests_at_once_per_host() -> None:
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=0.0, per_host_concurrency=2, timeout_s=5.0
    )
    with recording_server(Recorder(delay_s=0.2)) as server:
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(*(fetcher.fetch_feed(f"{server.url}/f{i}") for i in range(8)))
    assert server.max_active == 2
    assert len(server.arrivals) == 8


async def test_hosts_do_not_wait_for_each_other() -> None:
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=0.5, per_host_concurrency=1, timeout_s=5.0
    )
    with recording_server(Recorder()) as one, recording_server(Recorder()) as two:
        async with Fetcher(settings) as fetcher:
            loop = asyncio.get_running_loop()
            started = loop.time()
            await asyncio.gather(
                fetcher.fetch_feed(one.url + "/a"), fetcher.fetch_feed(two.url + "/a")
            )
            assert loop.time() - started < 0.4  # two hosts: no delay between them
