"""A JSON Feed item of the wrong shape is skipped with its reason; the others are read."""

from __future__ import annotations

import json

from tracker.parse.feed import parse_feed


def test_an_item_whose_url_is_no_string_is_skipped_with_a_reason() -> None:
    items = [
        {"id": "1", "url": 12345, "title": "Number"},
        {"id": "2", "url": ["https://news.example/a"], "title": "List"},
        {"id": "3", "url": "https://news.example/b", "title": "Good", "content_text": "TSMC"},
        {"id": 4, "url": None, "external_url": {"href": "x"}, "title": "Object"},
        {"id": "5", "title": 7, "summary": ["x"], "date_published": 12, "content_text": 3},
    ]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    parsed = parse_feed(body, "https://news.example/feed.json")
    assert [(e.guid, e.url) for e in parsed.entries] == [
        ("3", "https://news.example/b"),
        ("5", None),
    ]
    assert parsed.warnings == [
        "item 0 skipped: its url is not a string (12345)",
        'item 1 skipped: its url is not a string (["https://news.example/a"])',
        'item 3 skipped: its url is not a string ({"href": "x"})',
    ]
