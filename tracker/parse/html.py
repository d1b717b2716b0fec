"""An HTML document as an lxml tree, decoded once by tracker.parse.encoding."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from tracker.parse.encoding import decode_html

__all__ = ["Element", "html_document"]

Element = Any  # lxml.html.HtmlElement; lxml ships no type information

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def html_document(html: str | bytes) -> Element | None:
    """The lxml tree of an HTML document; None when it holds no markup at all."""
    text = _XML_DECL.sub("", decode_html(html), count=1).replace("\x00", "")
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
