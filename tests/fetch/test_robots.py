"""robots.txt for article pages, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.fetch.recording import Recorder, recording_server
from tracker.config import FetchSettings
from tracker.errors import RobotsDisallowed
from tracker.fetch import Fetcher

SETTINGS = FetchSettings(allow_private_hosts=True, per_host_delay_s=0.0, timeout_s=5.0)
ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: tracker\nDisallow: /members/\n"


def _robots(status: int, body: bytes = b"") -> dict[str, tuple[int, dict[str, str], bytes]]:
    return {"/robots.txt": (status, {"Content-Type": "text/plain"}, body)}


async def test_disallowed_pages_are_not_fetched_and_robots_is_read_once() -> None:
    with recording_server(Recorder(routes=_robots(200, ROBOTS))) as server:
        async with Fetcher(SETTINGS) as fetcher:
            ok = await asyncio.gather(
                *(fetcher.fetch_page(f"{server.url}/news/{i}") for i in range(3))
            )
            assert all(r.status == 200 for r in ok)
            with pytest.raises(RobotsDisallowed) as info:
                await fetcher.fetch_page(server.url + "/members/secret")
            assert info.value.error_class == "robots"
            # Only the tracker group applies to us: /private/ is for the others.
            assert (await fetcher.fetch_page(server.url + "/private/x")).status == 200
            # Feeds are subscribed to: robots.txt does not apply to them.
            assert (await fetcher.fetch_feed(server.url + "/members/feed.xml")).status == 200
    assert server.paths().count("/robots.txt") == 1
    assert "/members/secret" not in server.paths()


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (410, True), (500, False), (503, False)]
)
async def test_robots_answer_status(status: int, allowed: bool) -> None:
    with recording_server(Recorder(routes=_robots(status))) as server:
        async with Fetcher(SETTINGS) as fetcher:
            if allowed:
                assert (await fetcher.fetch_page(server.url + "/news/1")).status == 200
            else:
                with pytest.raises(RobotsDisallowed, match="unreachable"):
                    await fetcher.fetch_page(server.url + "/news/1")


async def test_robots_can_be_turned_off() -> None:
    settings = FetchSettings(
        allow_private_hosts=True, per_host_delay_s=0.0, timeout_s=5.0, respect_robots=False
    )
    with recording_server(Recorder(routes=_robots(200, b"User-agent: *\nDisallow: /\n"))) as server:
        async with Fetcher(settings) as fetcher:
            assert (await fetcher.fetch_page(server.url + "/news/1")).status == 200
    assert "/robots.txt" not in server.paths()


async def test_crawl_delay_slows_the_host_down() -> None:
    robots = b"User-agent: *\nCrawl-delay: 0.3\n"
    with recording_server(Recorder(routes=_robots(200, robots))) as server:
        async with Fetcher(SETTINGS) as fetcher:
            started = time.monotonic()
            await asyncio.gather(*(fetcher.fetch_page(f"{server.url}/n/{i}") for i in range(3)))
    pages = sorted(t for p, t in server.arrivals if p.startswith("/n/"))
    # The pages start 0.3 s apart at least: the k-th comes k delays after the start or later,
    # however slow the machine (a hundredth off for the event loop's timer grain).
    after = [t - started for t in pages]
    assert all(t >= 0.3 * k - 0.01 for k, t in enumerate(after)), after
