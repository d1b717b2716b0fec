"""An article's date, in the order of trust the README documents: the date the feed or listing
states, then the page's metadata, then the date in its URL (or a sitemap's lastmod). The page's
own dates are read by htmldate, on the tree trafilatura parsed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.conftest import FIXTURES, SITE
from tracker.extract import Extractor
from tracker.ingest.work import PageJob, extract_article
from tracker.parse.page import extract_page

TEXT = (
    "<p>Kestrel opened a site in Penang on Monday, with two hundred jobs and a test line for "
    "power modules that ships next year.</p><p>The company plans to double the site by 2028 "
    "and to hire engineers from the local universities.</p>"
)
ARTICLE = """<html><head>
<meta property="og:type" content="article">
{extra}
</head><body><h1>Kestrel opens a site in Penang</h1>{text}</body></html>"""
DATED_URL = "https://news.example/2026/10/01/kestrel-penang"
PLAIN_URL = "https://news.example/kestrel-penang"


@pytest.mark.parametrize(
    ("extra", "url", "expected"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2026-11-13T10:00:00+08:00"}</script>',
            DATED_URL,
            datetime(2026, 11, 13, 2, 0, tzinfo=UTC),
        ),
        (
            '<script type="application/ld+json">{broken json</script>'
            '<meta property="article:published_time" content="2026-11-14T09:00:00Z">',
            DATED_URL,
            datetime(2026, 11, 14, 9, 0, tzinfo=UTC),
        ),
        (
            '<meta name="DC.date.issued" content="2026-11-15">',
            PLAIN_URL,
            datetime(2026, 11, 15, tzinfo=UTC),
        ),
        ('<meta name="pubdate" content="20261116">', PLAIN_URL, datetime(2026, 11, 16, tzinfo=UTC)),
        (
            '<meta itemprop="datePublished" content="2026-11-17">',
            DATED_URL,
            datetime(2026, 11, 17, tzinfo=UTC),
        ),
        ("", DATED_URL, datetime(2026, 10, 1, tzinfo=UTC)),  # no metadata: the URL's date
        ("", PLAIN_URL, None),
    ],
)
def test_the_pages_metadata_comes_before_its_url(
    extra: str, url: str, expected: datetime | None
) -> None:
    page = extract_page(ARTICLE.format(extra=extra, text=TEXT), url)
    assert page.published_at == expected


def test_every_fixture_article_is_dated_by_its_own_page() -> None:
    expected = json.loads((FIXTURES / "expected" / "articles.json").read_text(encoding="utf-8"))
    checked = 0
    for slug, article in expected.items():
        path = SITE / "articles" / f"{slug}.html"
        if not path.exists():  # a story the site removed
            continue
        page = extract_page(path.read_bytes(), f"http://127.0.0.1/articles/{slug}.html")
        assert page.published_at is not None, slug
        assert page.published_at.strftime("%Y-%m-%dT%H:%M:%SZ") == article["published"], slug
        checked += 1
    assert checked >= 20


def _job(body: str, published_at: datetime | None, fallback: datetime | None) -> PageJob:
    return PageJob(
        canonical_url=PLAIN_URL,
        title="",
        summary="",
        published_at=published_at,
        fallback_label=PLAIN_URL,
        page_body=body.encode(),
        page_url=PLAIN_URL,
        page_content_type="text/html; charset=utf-8",
        date_fallback=fallback,
    )


def test_the_order_of_trust(gazetteer_extractor: Extractor) -> None:
    stated = datetime(2026, 11, 20, tzinfo=UTC)  # the feed's or the listing's date
    lastmod = datetime(2026, 11, 25, tzinfo=UTC)  # a sitemap's lastmod, or a URL's date
    dated = ARTICLE.format(
        extra='<meta property="article:published_time" content="2026-11-14T09:00:00Z">',
        text=TEXT,
    )
    undated = ARTICLE.format(extra="", text=TEXT)

    def date_of(job: PageJob) -> datetime | None:
        return extract_article(job, gazetteer_extractor).value.published_at

    assert date_of(_job(dated, stated, lastmod)) == stated
    assert date_of(_job(dated, None, lastmod)) == datetime(2026, 11, 14, 9, 0, tzinfo=UTC)
    assert date_of(_job(undated, None, lastmod)) == lastmod
    assert date_of(_job(undated, None, None)) is None
