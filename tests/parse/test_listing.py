"""Listing pages without feeds: article links, titles and dates from each fixture shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tracker.errors import UsageError
from tracker.parse.dates import date_from_url, find_date, infer_dayfirst, parse_datetime
from tracker.parse.listing import (
    Listing,
    extract_listing,
    layout_changed,
)

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
EXPECTED: dict[str, Any] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
BASE: str = EXPECTED["base"].rstrip("/")
LISTINGS: dict[str, Any] = EXPECTED["listings"]


def listing(name: str, **options: Any) -> Listing:
    return extract_listing((PAGES / name).read_bytes(), f"{BASE}/{name}", **options)


def paths(result: Listing) -> list[str]:
    return [item.url.removeprefix(BASE) for item in result.items]


def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_each_shape_gives_exactly_the_article_links(name: str) -> None:
    expected = LISTINGS[name]
    result = listing(name)
    found = set(paths(result))
    wanted = {item["url"] for item in expected["items"]}
    precision = len(found & wanted) / len(found) if found else 0.0
    recall = len(found & wanted) / len(wanted)
    print(
        f"{name} ({expected['shape']}): precision {precision:.3f} recall {recall:.3f} "
        f"({len(found & wanted)} of {len(wanted)}; {result.block})"
    )
    assert (precision, recall) == (1.0, 1.0), sorted(found ^ wanted)
    assert paths(result) == [item["url"] for item in expected["items"]]  # page order


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_each_shape_gives_titles_dates_and_next_page(name: str) -> None:
    expected = LISTINGS[name]
    result = listing(name)
    got = [
        {
            "url": item.url.removeprefix(BASE),
            "title": item.title,
            "published": iso(item.published_at),
            "date_source": item.date_source,
        }
        for item in result.items
    ]
    assert got == expected["items"]
    next_url = result.next_url.removeprefix(BASE) if result.next_url else None
    assert next_url == expected["next"]
    for item in result.items:
        assert item.published_at is None or item.published_at.tzinfo is UTC


def test_dates_come_from_the_listing_before_the_url() -> None:
    busy = {item.url.removeprefix(BASE): item for item in listing("busy-nav.html").items}
    # a <time> with an offset beats the day in the URL
    first = busy["/news/2026/11/19/hbm-allocation-tightens-as-accelerator-orders-stack-up"]
    assert (first.published_at, first.date_source) == (
        datetime(2026, 11, 19, 0, 40, tzinfo=UTC),
        "listing",
    )
    # no date in the card ("4 min read"): the URL's
    undated = busy["/news/2026/11/17/glass-substrate-pilot-lines-move-toward-volume"]
    assert (undated.published_at, undated.date_source) == (
        datetime(2026, 11, 17, tzinfo=UTC),
        "url",
    )
    # a teaser that mentions "5 January 2027" is prose, not the item's date
    first_of_page2 = listing("press-page2.html").items[0]
    assert first_of_page2.published_at == datetime(2026, 10, 21, tzinfo=UTC)
    assert first_of_page2.date_source == "url"


def test_times_without_a_zone_can_be_read_in_the_sources_zone() -> None:
    harbourline = timezone(timedelta(hours=8))
    first = listing("exchange-announcements.html", local_tz=harbourline).items[0]
    assert first.published_at == datetime(2026, 11, 18, 11, 2, tzinfo=UTC)
    # a zone written in the page wins over the assumed one
    cards = listing("newsroom-cards.html", local_tz=harbourline).items
    assert cards[7].published_at == datetime(2026, 10, 29, 21, 5, tzinfo=UTC)


def test_navigation_links_are_left_out() -> None:
    result = listing("busy-nav.html")
    urls = paths(result)
    assert not any("/tag/" in u or "/author/" in u for u in urls)
    assert "/news/2026/11/10/substrate-shortage-hits-abf-buyers" not in urls  # "most read" rail
    assert not any("ads.example.net" in item.url for item in result.items)  # sponsored


def test_the_featured_card_in_other_markup_is_kept() -> None:
    result = listing("newsroom-cards.html")
    assert len(result.items) == 10
    assert "plus 1 beside them in other markup" in result.block


# --- layout changes ---------------------------------------------------------------------------


def test_a_redesign_is_flagged() -> None:
    before, after = listing("layout-v1.html"), listing("layout-v2.html")
    assert before.items
    assert after.items
    assert before.signature != after.signature
    assert layout_changed(before.signature, after)
    assert layout_changed(after.signature, before)


def test_an_unchanged_layout_is_not_flagged() -> None:
    before = listing("layout-v1.html")
    assert not layout_changed(before.signature, listing("layout-v1.html"))
    assert not layout_changed(None, before)  # the first fetch has nothing to compare with
    # new articles in the same markup: other items, same signature
    page1, page2 = listing("press-page1.html"), listing("press-page2.html")
    assert set(paths(page1)).isdisjoint(paths(page2))
    assert not layout_changed(page1.signature, page2)
    html = (PAGES / "layout-v1.html").read_text(encoding="utf-8")
    edited = html.replace("Corvid ships", "Corvid begins shipping").replace(
        "20261118-", "20261119-"
    )
    assert not layout_changed(before.signature, extract_listing(edited, f"{BASE}/layout-v1.html"))


def test_per_item_classes_do_not_change_the_signature() -> None:
    before = listing("blog-archive.html")
    html = (PAGES / "blog-archive.html").read_text(encoding="utf-8")
    # the same posts filed under other categories and tags
    recategorised = (
        html.replace("category-supply", "category-optics").replace("tag-eml", "tag-dfb")
    ).replace("category-lasers tag-eml tag-cw-lasers", "category-news")
    after = extract_listing(recategorised, f"{BASE}/blog-archive.html")
    assert paths(after) == paths(before)
    assert not layout_changed(before.signature, after)


def test_a_page_that_lost_its_articles_is_flagged() -> None:
    before = listing("layout-v1.html")
    html = (PAGES / "layout-v1.html").read_text(encoding="utf-8")
    start, end = html.index('<div id="news"'), html.index('<p class="news-more">')
    emptied = extract_listing(html[:start] + html[end:], f"{BASE}/layout-v1.html")
    assert emptied.items == []
    assert layout_changed(before.signature, emptied)
    assert layout_changed(None, emptied)


# --- overrides --------------------------------------------------------------------------------


def test_a_css_selector_takes_exactly_the_links_it_names() -> None:
    result = listing("busy-nav.html", selector="section.most-read li > a")
    assert paths(result) == [
        "/news/2026/11/10/substrate-shortage-hits-abf-buyers",
        "/news/2026/11/19/hbm-allocation-tightens-as-accelerator-orders-stack-up",
        "/news/2026/11/08/connector-makers-raise-prices-on-copper",
        "/news/2026/11/06/ems-firms-shift-notebook-assembly-to-india",
        "/news/2026/11/03/rare-gas-supplies-steady-after-export-talks",
    ]
    assert result.items[0].title == "Substrate shortage hits ABF buyers again"
    assert result.signature == "css:section.most-read li > a"
    two = listing("press-page1.html", selector="div.press-item:nth-of-type(-n+2) h4 > a")
    assert paths(two) == [item["url"] for item in LISTINGS["press-page1.html"]["items"][:2]]


def test_a_selector_naming_cards_takes_their_main_link_and_date() -> None:
    result = listing("layout-v2.html", selector="li.hub-card")
    expected = LISTINGS["layout-v2.html"]["items"]
    assert paths(result) == [item["url"] for item in expected]
    assert [iso(item.published_at) for item in result.items] == [i["published"] for i in expected]
    assert all(item.date_source == "listing" for item in result.items)


def test_an_xpath_takes_exactly_what_it_names() -> None:
    table = listing("exchange-announcements.html", xpath="//table//tr/td[3]/a")
    assert paths(table) == [
        "/market/company/04721",
        "/market/company/06188",
        "/market/company/03390",
        "/market/company/08812",
        "/market/company/02917",
        "/market/company/05502",
    ]  # the company column, one item per URL
    assert table.signature == "xpath://table//tr/td[3]/a"
    hrefs = listing("layout-v1.html", xpath="//a[@class='news-link']/@href")
    assert paths(hrefs) == [item["url"] for item in LISTINGS["layout-v1.html"]["items"]]
    assert listing("layout-v1.html", xpath="//article//a").items == []


def test_a_selector_that_names_nothing_is_a_layout_change() -> None:
    result = listing("layout-v2.html", selector="div.news-row a.news-link")
    assert result.items == []
    assert layout_changed("css:div.news-row a.news-link", result)


@pytest.mark.parametrize(
    "options",
    [{"selector": "div[class="}, {"xpath": "//a[@href"}, {"selector": "a", "xpath": "//a"}],
)
def test_a_malformed_override_is_a_usage_error(options: dict[str, str]) -> None:
    with pytest.raises(UsageError, match="listing: "):
        listing("layout-v1.html", **options)


# --- robustness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        b"",
        "",
        b"   \n\t",
        b"<!-- nothing but a comment -->",
        b"<html><head><title>x</title></head><body></body></html>",
        b"<p>No links at all, only text about HBM supply.</p>",
        b"\x00\x01\x02\xff\xfe\xfd" * 500,
        b'<?xml version="1.0" encoding="utf-8"?><html><body><a href="/">Home</a></body></html>',
        b'<a href="javascript:void(0)">x</a><a href="mailto:ir@example.com">Email us</a>',
    ],
)
def test_pages_without_article_links_give_an_empty_listing(html: str | bytes) -> None:
    result = extract_listing(html, "http://example.test/news/")
    assert result.items == []
    assert result.signature == ""
    assert layout_changed("anything", result)


def test_malformed_html_still_gives_its_links() -> None:
    html = (
        "<html><body><div class=news><ul>"
        + "".join(
            f"<li><span class=date>2026-11-{day:02d}<a href='/news/tsmc-capacity-update-{day}'>"
            f"<b>TSMC capacity update number {day} for CoWoS lines</a></span>"
            for day in range(1, 7)
        )
        + "</div></p></td></body>"
    )
    result = extract_listing(html, "http://example.test/")
    assert [item.url for item in result.items] == [
        f"http://example.test/news/tsmc-capacity-update-{day}" for day in range(1, 7)
    ]
    assert result.items[2].published_at == datetime(2026, 11, 3, tzinfo=UTC)


def test_a_huge_page_finishes() -> None:
    cards = "".join(
        f'<div class="post"><h3><a href="/news/2026/10/{1 + i % 28:02d}/story-about-wafers-{i}">'
        f"Wafer story number {i} about capacity</a></h3><span class='date'>Oct {1 + i % 28}, 2026"
        f"</span> <a href='/tag/t{i % 40}'>tag</a></div>"
        for i in range(5000)
    )
    nav = "".join(f'<a href="/section/{i}">Section {i}</a>' for i in range(300))
    html = f"<html><body><nav>{nav}</nav><main>{cards}</main></body></html>"
    result = extract_listing(html, "http://example.test/")
    assert len(result.items) == 5000
    assert result.items[4999].published_at == datetime(2026, 10, 1 + 4999 % 28, tzinfo=UTC)
    deep = "<div>" * 5000 + '<a href="/a/long-slug-of-an-article">A headline</a>' + "</div>" * 5000
    assert extract_listing(deep, "http://example.test/").items == []  # beyond libxml2's depth


def test_non_utf8_bytes_are_decoded() -> None:
    rows = "".join(
        f'<li><a href="/news/2026/11/{d:02d}/caf\xe9-{d}">'
        f"Caf\xe9 \u201cHBM\u201d supply story {d}</a></li>"
        for d in range(1, 5)
    )
    declared = (
        f'<html><head><meta charset="windows-1252"></head><body><ul>{rows}</ul></body></html>'
    )
    undeclared = declared.replace('<meta charset="windows-1252">', "")
    for page in (declared, undeclared):
        result = extract_listing(page.encode("cp1252"), "http://example.test/")
        assert result.items[0].title == "Caf\xe9 \u201cHBM\u201d supply story 1"
    japanese = (
        '<html><head><meta charset="shift_jis"></head><body><ul>'
        + "".join(
            f'<li><a href="/news/2026-11-{d:02d}-kumamoto">'
            f"熊本第二工場が量産を開始へ 第{d}報</a></li>"
            for d in range(1, 5)
        )
        + "</ul></body></html>"
    )
    result = extract_listing(japanese.encode("shift_jis"), "http://example.test/")
    assert result.items[1].title == "熊本第二工場が量産を開始へ 第2報"
    assert result.items[1].published_at == datetime(2026, 11, 2, tzinfo=UTC)


def test_flat_lists_take_the_date_beside_each_link() -> None:
    after = (
        "<p>"
        + "<br>".join(
            f"<a href='/ir/news/altamira-update-number-{d}'>"
            f"Altamira Circuits business update {d}</a>"
            f" ({d} Nov 2026)"
            for d in range(3, 7)
        )
        + "</p>"
    )
    before = (
        "<dl>"
        + "".join(
            f"<dt>2026年11月{d}日</dt><dd><a href='/ir/news/update-{d}'>Altamira Circuits business "
            f"update number {d}</a></dd>"
            for d in range(3, 7)
        )
        + "</dl>"
    )
    for html in (after, before):
        result = extract_listing(f"<html><body>{html}</body></html>", "http://example.test/")
        assert [item.published_at for item in result.items] == [
            datetime(2026, 11, d, tzinfo=UTC) for d in range(3, 7)
        ]


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.test/news/2026/11/12/tsmc-story", datetime(2026, 11, 12, tzinfo=UTC)),
        ("https://x.test/2026-11-12-tsmc-story.html", datetime(2026, 11, 12, tzinfo=UTC)),
        (
            "https://x.test/listedco/2026/1112/hlx20261112077.htm",
            datetime(2026, 11, 12, tzinfo=UTC),
        ),
        ("https://x.test/en/news/20261118-corvid.html", datetime(2026, 11, 18, tzinfo=UTC)),
        ("https://x.test/news/2026/11/tsmc-story", None),  # a month is not a date
        ("https://x.test/news/item/20261340123", None),
        ("https://x.test/news/2026/02/30/not-a-day", None),
        ("https://x.test/?date=2026-11-12", None),  # the path only
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Nov 2026", datetime(2026, 11, 12, tzinfo=UTC)),
        ("Thursday 12th November 2026", datetime(2026, 11, 12, tzinfo=UTC)),
        ("Nov. 12, 2026", datetime(2026, 11, 12, tzinfo=UTC)),
        ("Sept. 3, 2026 at 4:30 pm", datetime(2026, 9, 3, 16, 30, tzinfo=UTC)),
        ("2026-11-12", datetime(2026, 11, 12, tzinfo=UTC)),
        ("2026-11-12T08:30:00+08:00", datetime(2026, 11, 12, 0, 30, tzinfo=UTC)),
        ("2026/11/12 14:05", datetime(2026, 11, 12, 14, 5, tzinfo=UTC)),
        ("2026.11.12", datetime(2026, 11, 12, tzinfo=UTC)),
        ("2026年11月12日", datetime(2026, 11, 12, tzinfo=UTC)),
        ("18/11/2026 19:02", datetime(2026, 11, 18, 19, 2, tzinfo=UTC)),
        ("11/18/2026", datetime(2026, 11, 18, tzinfo=UTC)),
        ("03/04/2026", None),  # day and month could swap: needs dayfirst
        ("3 hours ago", None),
        ("Quarter 3 2026", None),
        ("", None),
    ],
)
def test_find_date(text: str, expected: datetime | None) -> None:
    assert find_date(text) == expected


def test_ambiguous_numeric_dates_follow_the_page() -> None:
    texts = ["18/11/2026 19:02", "03/11/2026 08:00"]
    assert infer_dayfirst(texts) is True
    assert find_date(texts[1], dayfirst=True) == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    assert find_date(texts[1], dayfirst=False) == datetime(2026, 3, 11, 8, 0, tzinfo=UTC)
    assert infer_dayfirst(["11/18/2026", "03/11/2026"]) is False
    assert infer_dayfirst(["03/11/2026"]) is None


def test_parse_datetime_reads_machine_dates() -> None:
    assert parse_datetime("2026-11-12T08:30Z") == datetime(2026, 11, 12, 8, 30, tzinfo=UTC)
    assert parse_datetime("2026-11") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_datetime("Thu, 12 Nov 2026 08:30:00 +0800") == datetime(
        2026, 11, 12, 0, 30, tzinfo=UTC
    )
    assert parse_datetime("0001-01-01T00:00:00Z") is None
    assert parse_datetime("soon") is None
    assert parse_datetime(None) is None
