"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip

import pytest
from pytest_httpserver import HTTPServer

from tracker.config import FetchSettings
from tracker.errors import FetchBlocked, FetchError, FetchTooLarge
from tracker.fetch import fetch_url, make_client
from tracker.fetch.guard import is_public_address

LOOPBACK_OK = FetchSettings(allow_private_hosts=True, timeout_s=5.0, max_body_bytes=100_000)


async def get(url: str, settings: FetchSettings = LOOPBACK_OK, **kw: str):  # type: ignore[no-untyped-def]
    async with make_client(settings) as client:
        return await fetch_url(client, url, settings, **kw)


async def test_plain_get_and_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "<rss/>", content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    result = await get(httpserver.url_for("/feed"))
    assert result.status == 200
    assert result.body == b"<rss/>"
    assert result.content_type == "application/rss+xml"
    assert result.headers["etag"] == '"v1"'


async def test_conditional_get_sends_validators_back(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Tue, 03 Nov 2026 08:00:00 GMT"},
    ).respond_with_data("", status=304)
    result = await get(
        httpserver.url_for("/feed"), etag='"v1"', last_modified="Tue, 03 Nov 2026 08:00:00 GMT"
    )
    assert result.is_not_modified
    assert result.body == b""


@pytest.mark.parametrize(
    ("status", "error_class"), [(404, "http_404"), (500, "http_500"), (410, "http_410")]
)
async def test_http_errors_are_classified(
    httpserver: HTTPServer, status: int, error_class: str
) -> None:
    httpserver.expect_request("/x").respond_with_data("no", status=status)
    with pytest.raises(FetchError) as info:
        await get(httpserver.url_for("/x"))
    assert info.value.error_class == error_class
    assert str(status) in str(info.value)


async def test_redirects_are_followed_and_loops_detected(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("here")
    result = await get(httpserver.url_for("/old"))
    assert result.body == b"here"
    assert result.url.endswith("/new")

    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError) as info:
        await get(httpserver.url_for("/a"))
    assert info.value.error_class == "redirect_loop"


async def test_too_many_redirects(httpserver: HTTPServer) -> None:
    for i in range(7):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302, headers={"Location": f"/r{i + 1}"}
        )
    with pytest.raises(FetchError) as info:
        await get(httpserver.url_for("/r0"))
    assert info.value.error_class == "too_many_redirects"


async def test_body_limit_holds_for_declared_streamed_and_gzip_bodies(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 200_000)
    with pytest.raises(FetchTooLarge):
        await get(httpserver.url_for("/big"))
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="application/xml"
    )
    with pytest.raises(FetchTooLarge):
        await get(httpserver.url_for("/bomb"))


async def test_unreachable_host_is_a_connect_error(httpserver: HTTPServer) -> None:
    url = httpserver.url_for("/")
    httpserver.stop()
    try:
        with pytest.raises(FetchError) as info:
            await get(url)
        assert info.value.error_class in {"connect", "network"}
    finally:
        httpserver.start()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "[::1]"])
async def test_guard_refuses_loopback_spellings(host: str) -> None:
    strict = FetchSettings(allow_private_hosts=False, timeout_s=2.0)
    with pytest.raises(FetchBlocked, match="non-public address"):
        await get(f"http://{host}:9/feed.xml", strict)


async def test_operator_url_is_trusted_but_its_redirects_are_checked(
    httpserver: HTTPServer,
) -> None:
    strict = FetchSettings(allow_private_hosts=False, timeout_s=2.0)
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    httpserver.expect_request("/hop").respond_with_data(
        "", status=302, headers={"Location": "http://127.0.0.2:9/inner"}
    )
    async with make_client(strict) as client:
        ok = await fetch_url(client, httpserver.url_for("/feed"), strict, is_trusted=True)
        assert ok.body == b"<rss/>"
        with pytest.raises(FetchBlocked, match=r"127\.0\.0\.2"):
            await fetch_url(client, httpserver.url_for("/hop"), strict, is_trusted=True)
        with pytest.raises(FetchBlocked):
            await fetch_url(client, httpserver.url_for("/feed"), strict)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("127.3.2.1", False),
        ("10.0.0.5", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.1.2.3", False),
        ("224.0.0.1", False),
        ("not-an-ip", False),
    ],
)
def test_address_classification(address: str, public: bool) -> None:
    assert is_public_address(address) is public
