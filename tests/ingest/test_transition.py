"""What a fetch does to a source: a table of states, outcomes and the states they lead to."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tracker.config import ScheduleSettings
from tracker.ingest.transition import Fetched, after_fetch
from tracker.models import SourceState

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=2)
SETTINGS = ScheduleSettings(jitter_fraction=0.0, failing_after=3, max_backoff_minutes=600)

FRESH = SourceState(name="fab")
KNOWN = replace(
    FRESH,
    title="Fab news",
    etag='"v1"',
    last_modified="Mon, 23 Nov 2026 10:00:00 GMT",
    last_success_at=EARLIER,
    last_fetched_at=EARLIER,
    last_http_status=200,
)
FAILING_TWICE = replace(
    KNOWN,
    error_streak=2,
    last_error="fetch: gone missing",
    last_error_class="http_404",
    last_error_at=EARLIER,
    last_http_status=404,
)
OK = Fetched(status="ok", http_status=200, title="Fab", etag='"v2"', last_modified=None)
NOT_MODIFIED = Fetched(status="not_modified", http_status=304)
E404 = Fetched(status="failed", http_status=404, error_class="http_404", error="fetch: 404")
E503 = Fetched(status="failed", http_status=503, error_class="http_503", error="fetch: 503")
E410 = Fetched(status="failed", http_status=410, error_class="http_410", error="fetch: 410")
GONE = (
    "410 Gone on 2026-11-26: the feed was removed for good "
    "(`tracker sources set fab --enable` to try again)"
)

# (name, state before, fetch outcome, the fields that change, minutes to the next attempt)
CASES: list[tuple[str, SourceState, Fetched, dict[str, Any], float]] = [
    (
        "first success keeps the validators and the title",
        FRESH,
        OK,
        {"title": "Fab", "etag": '"v2"', "last_http_status": 200},
        30,
    ),
    (
        "a success drops a validator the server no longer sends",
        KNOWN,
        OK,
        {"title": "Fab", "etag": '"v2"', "last_modified": None},
        30,
    ),
    (
        "a success without a title keeps the old one",
        KNOWN,
        replace(OK, title=None, etag='"v1"', last_modified=KNOWN.last_modified),
        {},
        30,
    ),
    (
        "304 keeps the validators and notes when",
        KNOWN,
        replace(NOT_MODIFIED, etag=None),
        {"last_http_status": 304, "last_not_modified_at": NOW},
        30,
    ),
    (
        "entries not stored keep the old validators",
        KNOWN,
        replace(OK, keep_validators=True),
        {"title": "Fab"},
        30,
    ),
    (
        "the server's freshness pushes the next fetch back",
        KNOWN,
        replace(OK, title=None, etag='"v1"', last_modified=KNOWN.last_modified, fresh_for_s=7200),
        {},
        120,
    ),
    (
        "a success ends a streak of failures",
        replace(FAILING_TWICE, is_failing=True),
        replace(OK, title=None, etag='"v1"', last_modified=KNOWN.last_modified),
        {
            "error_streak": 0,
            "is_failing": False,
            "last_error": None,
            "last_error_class": None,
            "last_http_status": 200,
            "last_error_at": EARLIER,
        },
        30,
    ),
    (
        "a first failure backs off one interval",
        KNOWN,
        E503,
        {
            "error_streak": 1,
            "last_error": "fetch: 503",
            "last_error_class": "http_503",
            "last_error_at": NOW,
            "last_http_status": 503,
            "last_success_at": EARLIER,
        },
        30,
    ),
    (
        "Retry-After is honoured",
        KNOWN,
        replace(E503, retry_after_s=7200),
        {
            "error_streak": 1,
            "last_error": "fetch: 503",
            "last_error_class": "http_503",
            "last_error_at": NOW,
            "last_http_status": 503,
        },
        120,
    ),
    (
        "the third 404 in a row marks the source failing",
        FAILING_TWICE,
        E404,
        {"error_streak": 3, "is_failing": True, "last_error": "fetch: 404", "last_error_at": NOW},
        120,
    ),
    (
        "repeated 503s back off but never mark it failing",
        replace(FAILING_TWICE, last_error_class="http_503"),
        E503,
        {
            "error_streak": 3,
            "last_error": "fetch: 503",
            "last_error_class": "http_503",
            "last_error_at": NOW,
            "last_http_status": 503,
        },
        120,
    ),
    (
        "410 Gone turns the source off",
        KNOWN,
        E410,
        {
            "is_enabled": False,
            "disabled_reason": GONE,
            "error_streak": 1,
            "last_error": "fetch: 410",
            "last_error_class": "http_410",
            "last_error_at": NOW,
            "last_http_status": 410,
        },
        30,
    ),
    (
        "an error without a class is internal",
        KNOWN,
        Fetched(status="failed", error="internal: boom"),
        {
            "error_streak": 1,
            "last_error": "internal: boom",
            "last_error_class": "internal",
            "last_error_at": NOW,
            "last_http_status": None,
        },
        30,
    ),
]


@pytest.mark.parametrize(
    ("state", "fetched", "changes", "minutes"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_after_fetch(
    state: SourceState, fetched: Fetched, changes: dict[str, Any], minutes: float
) -> None:
    new = after_fetch(
        state, fetched, published=[], settings=SETTINGS, now=NOW, rng=random.Random(0)
    )
    expected = replace(
        state,
        last_fetched_at=NOW,
        **({"last_success_at": NOW} if fetched.status != "failed" else {}),
        **changes,
        next_attempt_at=NOW + timedelta(minutes=minutes),
    )
    assert new == expected


def test_the_interval_follows_the_sources_own_setting_and_its_rhythm() -> None:
    published = [NOW - timedelta(hours=4 * i) for i in range(10)]
    own = after_fetch(
        replace(KNOWN, interval_minutes=45),
        OK,
        published=published,
        settings=SETTINGS,
        now=NOW,
        rng=random.Random(0),
    )
    assert own.next_attempt_at == NOW + timedelta(minutes=45)
    adaptive = after_fetch(
        replace(KNOWN, is_adaptive=True),
        OK,
        published=published,
        settings=SETTINGS,
        now=NOW,
        rng=random.Random(0),
    )
    assert adaptive.next_attempt_at == NOW + timedelta(hours=2)  # half the usual 4 h gap
