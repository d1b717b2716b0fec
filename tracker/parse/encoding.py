"""Which encoding a fetched document is in: BOM, HTTP header, in-document declaration, detection.

The order follows the WHATWG encoding sniffing algorithm (BOM first, labels mapped the way
browsers map them: ``iso-8859-1`` is windows-1252, ``gb2312`` is GBK...) with two
corrections for servers that lie, which feed readers meet daily:

- bytes that are valid UTF-8 and not ASCII are UTF-8, whatever a label says (a server default
  of ``charset=iso-8859-1`` on a UTF-8 page is the most common lie);
- a multi-byte declaration (GBK, Big5, Shift_JIS, EUC-*) that decodes without error beats a
  single-byte one, which decodes anything and so proves nothing;
- bytes labelled UTF-8 that are not UTF-8, and do not look like a multi-byte encoding, are
  windows-1252, the web's default (a detector on a few accented letters guesses wildly:
  "ñ" read as "ń" in ISO-8859-2, or as Big5).

When the labels cannot be trusted, charset-normalizer decides.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

import charset_normalizer

DocumentKind = Literal["html", "xml", "text"]

# WHATWG label -> Python codec, for labels whose Python meaning differs from a browser's.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-cp1252": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
_SINGLE_BYTE = {
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "cp874", "koi8_r", "koi8_u", "mac_roman", "iso8859_2", "iso8859_3", "iso8859_4",
    "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13",
    "iso8859_14", "iso8859_15", "iso8859_16", "latin_1", "cp437", "cp850",
}  # fmt: skip
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PRESCAN_BYTES = 4096
_DETECT_BYTES = 200_000
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_XML_DECL_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


@dataclass(frozen=True, slots=True)
class Decoded:
    """A document's text, the codec that gave it, and which evidence chose the codec."""

    text: str
    encoding: str
    # bom | utf-16 | ascii | utf-8 | header | declared | not-utf-8 | detected | fallback
    evidence: str
    is_confident: bool  # False when nothing but a guess of last resort decided


def normalise_charset(label: str | None) -> str | None:
    """The Python codec for a charset label, as browsers read it; None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, as a Python codec name."""
    found = _CHARSET_PARAM.search(content_type or "")
    return normalise_charset(found.group(1)) if found else None


def declared_encoding(body: bytes, kind: DocumentKind) -> str | None:
    """The encoding the document names for itself: XML declaration, or HTML meta charset."""
    head = body[:_PRESCAN_BYTES]
    found = _XML_DECL.search(head)
    if found is None and kind == "html":
        found = _META_CHARSET.search(head)
    if found is None:
        return None
    return normalise_charset(found.group(1).decode("ascii", "replace"))


def _bom(body: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    return None


def _utf16_without_bom(body: bytes) -> str | None:
    """UTF-16 told by the zero bytes around ASCII markup (XML 1.0 appendix F)."""
    head = body[:64]
    if len(head) < 8:
        return None
    even_zero = sum(b == 0 for b in head[0::2])
    odd_zero = sum(b == 0 for b in head[1::2])
    half = len(head) // 2
    if odd_zero >= half * 0.8 and even_zero == 0:
        return "utf-16-le"
    if even_zero >= half * 0.8 and odd_zero == 0:
        return "utf-16-be"
    return None


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_single_byte(codec: str) -> bool:
    return codec in _SINGLE_BYTE or codec.startswith(("iso8859", "cp125", "mac"))


def _looks_multibyte(body: bytes) -> bool:
    """Many high bytes against few ASCII letters: text in a CJK encoding, not a Latin one.

    A French or German page has a few per cent of accented letters; a Chinese or Japanese
    one, even inside its ASCII markup, has far more high bytes.
    """
    head = body[:65536]
    high = sum(1 for b in head if b >= 0x80)
    letters = sum(1 for b in head if 0x61 <= (b | 0x20) <= 0x7A)
    return high >= 16 and high / (high + letters) > 0.2


# Among equally good guesses, the web's defaults win (WHATWG: windows-1252 for most locales).
_PREFERRED = ("utf_8", "cp1252")


def _detect(body: bytes) -> str | None:
    results = charset_normalizer.from_bytes(body[:_DETECT_BYTES])
    best = results.best()
    if best is None:
        return None
    ties = {m.encoding for m in results if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    for preferred in _PREFERRED:
        if preferred in ties:
            return normalise_charset(preferred)
    return normalise_charset(best.encoding)


def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


# windows-1252 leaves five bytes undefined; browsers map them to C1 controls, as latin-1 does.
codecs.register_error("tracker-latin1", _latin1_for_undefined)


def _decode(body: bytes, codec: str) -> str:
    return body.decode(codec, errors="tracker-latin1" if codec == "cp1252" else "replace")


def decode_document(body: bytes, content_type: str = "", kind: DocumentKind = "html") -> Decoded:
    """Decode ``body``, reconciling its BOM, the HTTP charset and its own declaration."""
    bom = _bom(body)
    if bom is not None:
        codec, size = bom
        return Decoded(body[size:].decode(codec, errors="replace"), codec, "bom", True)
    header = charset_from_content_type(content_type)
    declared = declared_encoding(body, kind)
    utf16 = _utf16_without_bom(body)
    if utf16 is not None:
        return Decoded(body.decode(utf16, errors="replace"), utf16, "utf-16", True)
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii", "ascii", True)
    if _decodes(body, "utf-8"):
        return Decoded(body.decode("utf-8"), "utf-8", "utf-8", True)
    # A document in UTF-16/32 without a BOM was caught above: such labels are wrong here.
    labels = [
        (codec, evidence)
        for codec, evidence in (
            (declared, "declared") if kind == "xml" else (header, "header"),
            (header, "header") if kind == "xml" else (declared, "declared"),
        )
        if codec is not None and not codec.startswith(("utf-16", "utf-32", "utf-8"))
    ]
    multibyte = [(c, e) for c, e in labels if not _is_single_byte(c) and _decodes(body, c)]
    if multibyte:
        codec, evidence = multibyte[0]
        return Decoded(body.decode(codec), codec, evidence, True)
    single = [(c, e) for c, e in labels if _is_single_byte(c)]
    if single and not _looks_multibyte(body):
        codec, evidence = single[0]
        return Decoded(_decode(body, codec), codec, evidence, True)
    said_utf8 = any(codec == "utf-8" for codec in (header, declared))
    if said_utf8 and not labels and not _looks_multibyte(body):
        return Decoded(_decode(body, "cp1252"), "cp1252", "not-utf-8", True)
    detected = _detect(body)
    if detected is not None:
        return Decoded(_decode(body, detected), detected, "detected", True)
    if single:
        codec, evidence = single[0]
        return Decoded(_decode(body, codec), codec, evidence, False)
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", "fallback", False)


def feed_bytes_for_parser(body: bytes, content_type: str) -> tuple[bytes, str, Decoded]:
    """``body`` re-encoded as UTF-8 with its declaration and Content-Type saying so.

    feedparser trusts the HTTP charset over the document (RFC 3023) and falls back on
    guesses of its own; handing it UTF-8 that says UTF-8 everywhere leaves nothing to guess.
    """
    decoded = decode_document(body, content_type, "xml")
    text = _XML_DECL_TEXT.sub(r"\1\2utf-8\2", decoded.text, count=1)
    media = (content_type or "").split(";", 1)[0].strip() or "application/xml"
    return text.encode("utf-8"), f"{media}; charset=utf-8", decoded


def decode_html(data: str | bytes, content_type: str = "") -> str:
    """The text of an HTML document, decoded as ``decode_document`` decides; text is
    returned as it is."""
    if isinstance(data, str):
        return data
    return decode_document(data, content_type, "html").text
