import pytest

from tracker.parse.urls import absolute_url, canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTP://Example.COM:80/a/story.html?utm_source=rss&utm_medium=feed#comments",
            "http://example.com/a/story.html",
        ),
        ("https://example.com/story?p=123&utm_campaign=x", "https://example.com/story?p=123"),
        ("https://example.com/s?b=2&a=1&fbclid=abc&gclid=d", "https://example.com/s?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_canonical_url_drops_tracking_and_noise(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_tracking_variants_share_one_identity() -> None:
    plain = canonical_url("http://127.0.0.1:8000/articles/x.html")
    tracked = canonical_url("http://127.0.0.1:8000/articles/x.html?utm_source=rss&utm_medium=feed")
    assert plain == tracked


@pytest.mark.parametrize(
    ("base", "link", "expected"),
    [
        ("http://h/feeds/a.xml", "/articles/x.html", "http://h/articles/x.html"),
        ("http://h/feeds/a.xml", "x.html", "http://h/feeds/x.html"),
        ("http://h/feeds/a.xml", "  https://o/y  ", "https://o/y"),
        ("http://h/feeds/a.xml", "javascript:alert(1)", None),
        ("http://h/feeds/a.xml", "mailto:a@b", None),
        ("http://h/feeds/a.xml", "", None),
        ("http://h/feeds/a.xml", None, None),
    ],
)
def test_absolute_url(base: str, link: str | None, expected: str | None) -> None:
    assert absolute_url(base, link) == expected
