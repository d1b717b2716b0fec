"""Entity declarations are refused by the XML parser itself, not by a scan of the text."""

from __future__ import annotations

import pytest

from tracker.errors import UnsafeXML
from tracker.parse.feed import parse_feed

LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
)  # fmt: skip
ITEM = "<item><title>&lol9;</title><guid>l-1</guid><description>TSMC</description></item>"


@pytest.mark.parametrize(
    "prolog",
    [
        # a comment inside the internal subset that hides a "<" from a text scan
        f'<!DOCTYPE rss [ <!-- <x --> <!ENTITY lol "lol"> {LAUGHS} ]>',
        # a comment before the DOCTYPE that looks like an element
        f'<!-- <rss> --><!DOCTYPE rss [ <!ENTITY lol "lol"> {LAUGHS} ]>',
        # a processing instruction, a parameter entity, an external entity
        '<?pi <rss?><!DOCTYPE rss [ <!ENTITY % p "x"> ]>',
        '<!DOCTYPE rss [ <!ENTITY lol9 SYSTEM "file:///etc/passwd"> ]>',
        '<!DOCTYPE rss [ <!ENTITY lol9 SYSTEM "x.gif" NDATA gif> ]>',
        '<!DOCTYPE rss [ <!ENTITY lol9 "a"> <!ENTITY lol9 "b"> ]>',
    ],
)
def test_every_entity_declaration_is_refused(prolog: str) -> None:
    feed = (
        f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>t</title>'
        f"{ITEM}</channel></rss>"
    ).encode()
    with pytest.raises(UnsafeXML, match="declares the XML entity"):
        parse_feed(feed, "https://news.example/feed.xml")


def test_a_doctype_naming_a_dtd_is_read() -> None:
    feed = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<title>t</title><item><title>TSMC</title><link>https://news.example/a</link></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(feed, "https://news.example/feed.xml")
    assert [e.title for e in parsed.entries] == ["TSMC"]
