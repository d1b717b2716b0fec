"""Pure: text made to fit a line, the same way in every answer, digest and message."""

from __future__ import annotations


def shorten(text: str, limit: int = 60) -> str:
    """``text`` on one line (runs of spaces folded), cut at a word boundary to at most
    ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"
