"""Rendering: subject counts, both bodies carry the same stories, markup from articles is text,
CSS is inlined, links are absolute; the message: MIME structure and headers."""

from __future__ import annotations

import email
import html
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from html.parser import HTMLParser

from tests.digest.stories import story
from tracker.catalog.watch import WatchItem
from tracker.digest.message import compose_message, message_bytes, message_id
from tracker.digest.records import Digest, DigestInput, Period
from tracker.digest.render import render_digest
from tracker.digest.select import select_digest
from tracker.digest.settings import DigestSpec

END = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
PERIOD = Period("2026-11-26", END, END - timedelta(days=1), END, "Asia/Taipei")
T = datetime(2026, 11, 25, 23, 5, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> & "quotes" <b>TSMC</b>'
ITEMS = [WatchItem("vendor", "TSMC", frozenset({"tsmc"}))]


def digest() -> Digest:
    stories = [
        story(
            HOSTILE,
            T,
            vendors=["TSMC"],
            aliases=[("TSMC", "台積電")],
            events=[
                (
                    "disruption",
                    ["TSMC"],
                    "Tools at 台積電 TSMC <img src=x onerror=alert(2)> stopped.",
                )
            ],
            url="https://news.example/a?x=1&y=<2>",
        ),
        story(
            "TSMC names Müller head of 台積電 Arizona",
            T - timedelta(hours=1),
            vendors=["TSMC"],
            events=[("leadership", ["TSMC"], "Müller will lead the Arizona fabs.")],
            url="/relative/link",
        ),
        story(
            "Export rules tighten on TSMC shipments",
            T,
            vendors=["TSMC"],
            events=[("export_control", ["TSMC"], "Shipments now need a licence.")],
        ),
    ]
    spec = DigestSpec("daily", ("a@example.com",), title="Supply-chain digest")
    return select_digest(spec, PERIOD, ITEMS, DigestInput(stories))


def test_subject_counts_stories_and_urgent_events() -> None:
    rendered = render_digest(digest())
    assert rendered.subject == (
        "Supply-chain digest, 26 Nov: 3 stories, 1 disruption, 1 export control"
    )


class _Tags(HTMLParser):
    """The tags of a page and the text of its headline links."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.hrefs: list[str] = []
        self.headlines: list[str] = []
        self._in_headline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self.hrefs += [value or "" for name, value in attrs if name == "href"]
        self._in_headline = tag == "a" and ("class", "headline") in attrs
        if self._in_headline:
            self.headlines.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_headline = False

    def handle_data(self, data: str) -> None:
        if self._in_headline:
            self.headlines[-1] += data


def test_markup_from_articles_is_text_in_html() -> None:
    page = render_digest(digest()).html
    tags = _Tags()
    tags.feed(page)
    assert "script" not in tags.tags
    assert "img" not in tags.tags
    assert "b" not in tags.tags
    assert HOSTILE in tags.headlines  # shown as the text it is
    assert "onerror" not in tags.attributes
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    # The link keeps its query, escaped as an attribute value.
    assert "https://news.example/a?x=1&y=<2>" in tags.hrefs
    assert 'href="https://news.example/a?x=1&amp;y=' in page


def test_css_is_inlined_and_the_layout_is_one_narrow_column() -> None:
    page = render_digest(digest()).html
    assert "<style" not in page
    assert re.search(r'<table[^>]*class="container"[^>]*style="[^"]*max-width: 640px', page)
    assert 'name="viewport"' in page


def test_only_absolute_links() -> None:
    page = render_digest(digest()).html
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs
    assert all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs)
    assert "/relative/link" not in page
    assert "TSMC names Müller head of 台積電 Arizona" in page  # shown, just not linked


def test_both_parts_carry_the_same_stories_in_the_same_order() -> None:
    d = digest()
    rendered = render_digest(d)
    text, page = rendered.text, html.unescape(rendered.html)
    positions_text = [text.index(e.headline[:30]) for e in d.entries]
    positions_html = [page.index(e.headline[:30]) for e in d.entries]
    assert positions_text == sorted(positions_text)
    assert positions_html == sorted(positions_html)
    assert HOSTILE in text  # plain text: as written
    assert "26 Nov 07:05 CST" in text  # the recipient's zone (Asia/Taipei)
    assert "*TSMC*" in text
    assert '<strong class="mark"' in rendered.html


def test_names_highlighted_in_html_evidence() -> None:
    page = render_digest(digest()).html
    assert re.search(r'<strong class="mark"[^>]*>台積電</strong>', page)
    assert re.search(r'<strong class="mark"[^>]*>TSMC</strong>', page)


def test_an_empty_digest_says_nothing_new() -> None:
    spec = DigestSpec("daily", ("a@example.com",))
    empty = select_digest(spec, PERIOD, ITEMS, DigestInput([]))
    rendered = render_digest(empty)
    assert rendered.subject == "Supply-chain digest, 26 Nov: nothing new"
    assert "Nothing new matched" in rendered.text


def parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_message_is_multipart_alternative_with_encoded_headers() -> None:
    rendered = render_digest(digest(), unsubscribe="https://example.com/u?d=daily")
    message = compose_message(
        rendered,
        digest="daily",
        period="2026-11-26",
        from_address="Tracker Müller <digest@example.com>",
        to="台積電 觀察 <watch@example.tw>",
        date=END,
        unsubscribe="https://example.com/u?d=daily",
    )
    data = message_bytes(message)
    data.decode("ascii")  # 7-bit clean: any server takes it as it is
    assert b"\r\n" in data
    parsed = parse(data)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["Subject"] == rendered.subject
    assert parsed["To"] == "台積電 觀察 <watch@example.tw>"
    assert parsed["From"] == "Tracker Müller <digest@example.com>"
    assert parsed["List-Unsubscribe"] == "<https://example.com/u?d=daily>"
    assert parsed["List-Id"] == "tracker digest daily <daily.digest.example.com>"
    assert parsed["Message-ID"] == message_id(
        "daily", "2026-11-26", "watch@example.tw", "example.com"
    )
    plain, page = (p.get_content() for p in parsed.iter_parts())
    assert plain.replace("\r\n", "\n") == rendered.text
    assert "&lt;script&gt;" in page


def test_message_id_is_stable_per_digest_period_and_recipient() -> None:
    one = message_id("daily", "2026-11-26", "Ana@Example.com", "example.com")
    assert one == message_id("daily", "2026-11-26", "ana@example.com", "example.com")
    assert one != message_id("daily", "2026-11-27", "ana@example.com", "example.com")
    assert one != message_id("daily", "2026-11-26", "bob@example.com", "example.com")
    assert re.fullmatch(r"<[\w.-]+@example\.com>", one)


def test_a_relation_the_extraction_is_not_sure_of_shows_its_confidence() -> None:
    stories = [
        story(
            "TSMC and its customers",
            T,
            vendors=["TSMC", "Apple", "Sony"],
            relations=[("TSMC", "Apple", "confirmed", 0.93), ("TSMC", "Sony", "confirmed", 0.72)],
        )
    ]
    spec = DigestSpec("daily", ("a@example.com",), title="Supply-chain digest")
    rendered = render_digest(select_digest(spec, PERIOD, ITEMS, DigestInput(stories)))
    assert "TSMC -> Apple [confirmed]" in rendered.text
    assert "TSMC -> Sony [reported, 0.72]" in rendered.text
    assert "reported, 0.72" in rendered.html
