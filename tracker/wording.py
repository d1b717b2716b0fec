"""Pure: text made to fit a line, the same way in every answer, digest and message, and
short names made from titles."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def shorten(text: str, limit: int = 60) -> str:
    """``text`` on one line (runs of spaces folded), cut at a word boundary to at most
    ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"


def name_from(text: str, taken: set[str]) -> str:
    """A short unique source name from a title or URL."""
    parts = urlsplit(text)
    base = f"{parts.netloc}{parts.path}" if parts.netloc else text
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:48] or "source"
    slug = re.sub(r"^www-", "", slug)
    name, n = slug, 2
    while name in taken:
        name, n = f"{slug}-{n}", n + 1
    return name
