"""Encodings: each fixture served with the right, a wrong, and no charset header, fetched
and parsed through the real path; the text must come out intact, never mojibake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fetch.recording import Recorder, recording_server
from tracker.config import FetchSettings
from tracker.extract import Extractor
from tracker.fetch import Fetcher
from tracker.ingest.work import PageJob, extract_article
from tracker.parse.encoding import (
    charset_from_content_type,
    declared_encoding,
    decode_document,
    feed_bytes_for_parser,
    normalise_charset,
)
from tracker.parse.feed import parse_feed

DATA = Path(__file__).resolve().parent.parent / "data" / "encodings"
EXPECTED: dict[str, dict[str, str]] = json.loads(
    (DATA / "expected.json").read_text(encoding="utf-8")
)
# Headers servers really send by mistake: a UTF-8 default, an Apache latin-1 default.
WRONG = ["utf-8", "iso-8859-1"]
HEADERS = [
    pytest.param(label, header, id=f"{label}-{kind}")
    for label in EXPECTED
    for kind, header in [
        ("right", label),
        *((f"wrong-{w}", w) for w in WRONG if w != label),
        ("missing", None),
    ]
]
MOJIBAKE = ("\ufffd", "Ã", "â€", "Â", "ï»¿")
SETTINGS = FetchSettings(allow_private_hosts=True, per_host_delay_s=0.0, timeout_s=5.0)


def content_type(media: str, charset: str | None) -> str:
    return f"{media}; charset={charset}" if charset else media


@pytest.fixture(scope="module")
def server() -> Iterator[Recorder]:
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    for label in EXPECTED:
        for charset in [label, *WRONG, None]:
            for name, media in [
                (f"{label}.xml", "application/rss+xml"),
                (f"{label}.html", "text/html"),
                (f"{label}.bare.html", "text/html"),
            ]:
                routes[f"/{charset}/{name}"] = (
                    200,
                    {"Content-Type": content_type(media, charset)},
                    (DATA / name).read_bytes(),
                )
    routes["/robots.txt"] = (404, {}, b"")
    with recording_server(Recorder(routes=routes)) as recorder:
        yield recorder


def assert_intact(text: str, expected: str) -> None:
    assert expected in text
    assert not [m for m in MOJIBAKE if m in text], text[:200]


@pytest.mark.parametrize(("label", "header"), HEADERS)
async def test_feed(server: Recorder, label: str, header: str | None) -> None:
    async with Fetcher(SETTINGS) as fetcher:
        result = await fetcher.fetch_feed(f"{server.url}/{header}/{label}.xml")
    feed = parse_feed(result.body, result.url, result.content_type)
    assert feed.title == EXPECTED[label]["title"]
    (entry,) = feed.entries
    assert entry.title == EXPECTED[label]["title"]
    assert_intact(entry.summary, EXPECTED[label]["phrase"])


@pytest.mark.parametrize("bare", [False, True], ids=["meta", "bare"])
@pytest.mark.parametrize(("label", "header"), HEADERS)
async def test_page(
    server: Recorder, gazetteer_extractor: Extractor, label: str, header: str | None, bare: bool
) -> None:
    name = f"{label}.bare.html" if bare else f"{label}.html"
    async with Fetcher(SETTINGS) as fetcher:
        page = await fetcher.fetch_page(f"{server.url}/{header}/{name}")
    job = PageJob(
        canonical_url=page.url,
        title="",
        summary="",
        published_at=None,
        fallback_label=page.url,
        page_body=page.body,
        page_url=page.url,
        page_content_type=page.content_type,
    )
    record = extract_article(job, gazetteer_extractor).value
    assert record.text_origin == "page"
    assert record.title == EXPECTED[label]["title"]
    assert_intact(record.text, EXPECTED[label]["phrase"])


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("US-ASCII", "cp1252"),
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("Big5", "big5hkscs"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("EUC-KR", "cp949"),
        ("UTF-8", "utf-8"),
        ('"utf-8"', "utf-8"),
        ("klingon", None),
        ("", None),
    ],
)
def test_labels_are_read_as_browsers_read_them(label: str, codec: str | None) -> None:
    assert normalise_charset(label) == codec


def test_declarations() -> None:
    assert charset_from_content_type('text/xml;charset= "us-ascii"') == "cp1252"
    assert charset_from_content_type("text/html") is None
    assert declared_encoding(b'<?xml version="1.0" encoding="big5"?><rss/>', "xml") == "big5hkscs"
    assert declared_encoding(b'<html><meta charset="gbk">', "html") == "gb18030"
    head = b'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">'
    assert declared_encoding(head, "html") == "cp932"
    assert declared_encoding(b'<meta charset="gbk">', "xml") is None  # meta means nothing in XML


def test_decisions() -> None:
    utf8 = "Café “TSMC”".encode()
    assert decode_document(utf8, "text/html; charset=iso-8859-1").evidence == "utf-8"
    bom = "\ufeffCafé".encode("utf-16-le")
    assert decode_document(bom, "text/html; charset=utf-8").evidence == "bom"
    cp1252 = "“quoted” – 5 €".encode("cp1252")
    decoded = decode_document(cp1252, "text/html; charset=iso-8859-1")
    assert decoded.text == "“quoted” – 5 €"
    # Bytes undefined in windows-1252 come out as their latin-1 control characters.
    assert decode_document(b"a\x81b\xe9", "text/plain; charset=windows-1252").text == "a\x81bé"
    no_bom = '<?xml version="1.0"?><rss/>'.encode("utf-16-be")
    assert decode_document(no_bom, "", "xml").text.startswith("<?xml")


def test_feed_bytes_for_feedparser_say_utf8_everywhere() -> None:
    body = '<?xml version="1.0" encoding="big5"?><rss><channel><title>台積電</title>'.encode("big5")
    clean, ctype, decoded = feed_bytes_for_parser(body, "text/xml; charset=iso-8859-1")
    assert ctype == "text/xml; charset=utf-8"
    assert clean.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "台積電" in clean.decode("utf-8")
    assert decoded.evidence == "declared"
