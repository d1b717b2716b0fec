"""OPML subscription lists: read and write."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from tracker.errors import ParseError


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed of an OPML file."""

    title: str
    xml_url: str
    html_url: str | None = None


def parse_opml(data: bytes, origin: str = "OPML") -> list[Outline]:
    """Every outline with an xmlUrl, however deeply nested; entities are refused."""
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise ParseError(f"parse: {origin}: not a readable OPML file ({exc})") from exc
    if root.tag.lower() != "opml":
        raise ParseError(f"parse: {origin}: root element is <{root.tag}>, not <opml>")
    outlines: list[Outline] = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if not url:
            continue
        title = (node.get("title") or node.get("text") or url).strip()
        outlines.append(Outline(title, url, node.get("htmlUrl") or None))
    return outlines


def render_opml(outlines: list[Outline], title: str = "tracker sources") -> str:
    """An OPML 2.0 document listing ``outlines``."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for outline in outlines:
        attrs = {
            "type": "rss",
            "text": outline.title,
            "title": outline.title,
            "xmlUrl": outline.xml_url,
        }
        if outline.html_url:
            attrs["htmlUrl"] = outline.html_url
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
