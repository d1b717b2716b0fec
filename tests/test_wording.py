"""One way to make text fit a line: exposure answers, digests and error messages."""

from __future__ import annotations

import pytest

from tracker.wording import shorten


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("TSMC  raises\nprices", 60, "TSMC raises prices"),  # spaces and lines folded
        ("TSMC raises prices for 3 nm wafers", 20, "TSMC raises prices…"),
        ("TSMC raises prices, again", 21, "TSMC raises prices…"),  # no comma before the …
        ("x" * 30, 10, "x" * 9 + "…"),  # one long word is cut inside
        ("", 10, ""),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit
