"""Scheduling and health math: pure functions, the clock and randomness passed in."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tracker.config import ScheduleSettings
from tracker.ingest.cadence import (
    adaptive_interval_minutes,
    articles_per_day,
    backoff,
    effective_interval_minutes,
    is_due,
    is_silent,
    jittered,
    plan_next_attempt,
    source_health,
    usual_gap,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SETTINGS = ScheduleSettings()


def every(hours: float, count: int, end: datetime = NOW) -> list[datetime]:
    return [end - timedelta(hours=hours * i) for i in range(count)]


@pytest.mark.parametrize(
    ("streak", "expected"), [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (7, 1440), (99, 1440)]
)
def test_backoff_doubles_from_the_interval_up_to_the_cap(streak: int, expected: float) -> None:
    assert backoff(streak, 30, 1440) == expected


def test_jitter_stays_within_its_fraction_and_spreads() -> None:
    rng = random.Random(7)
    values = [jittered(600, 0.1, rng) for _ in range(1000)]
    assert all(540 <= v <= 660 for v in values)
    assert max(values) - min(values) > 100  # spread, not a constant
    assert jittered(600, 0.0, rng) == 600


def test_failed_sources_do_not_retry_in_lockstep() -> None:
    rng = random.Random(1)
    retries = {
        plan_next_attempt(
            NOW, interval_minutes=30, error_streak=3, settings=SETTINGS, rng=rng
        ).timestamp()
        for _ in range(50)
    }
    assert len(retries) == 50


def test_success_waits_the_interval_or_the_servers_freshness_capped_at_a_day() -> None:
    flat = ScheduleSettings(jitter_fraction=0.0)
    rng = random.Random(0)
    plain = plan_next_attempt(NOW, interval_minutes=30, error_streak=0, settings=flat, rng=rng)
    assert plain == NOW + timedelta(minutes=30)
    short_hint = plan_next_attempt(
        NOW, interval_minutes=30, error_streak=0, settings=flat, rng=rng, fresh_for_s=60
    )
    assert short_hint == NOW + timedelta(minutes=30)  # max-age 60 never speeds us up
    ttl = plan_next_attempt(
        NOW, interval_minutes=30, error_streak=0, settings=flat, rng=rng, fresh_for_s=7200
    )
    assert ttl == NOW + timedelta(hours=2)
    huge = plan_next_attempt(
        NOW, interval_minutes=30, error_streak=0, settings=flat, rng=rng, fresh_for_s=10**9
    )
    assert huge == NOW + timedelta(hours=24)


def test_retry_after_is_honoured_within_the_backoff_cap() -> None:
    flat = ScheduleSettings(jitter_fraction=0.0, max_backoff_minutes=600)
    rng = random.Random(0)
    first = plan_next_attempt(
        NOW, interval_minutes=30, error_streak=1, settings=flat, rng=rng, retry_after_s=7200
    )
    assert first == NOW + timedelta(hours=2)
    capped = plan_next_attempt(
        NOW, interval_minutes=30, error_streak=1, settings=flat, rng=rng, retry_after_s=10**7
    )
    assert capped == NOW + timedelta(minutes=600)
    small = plan_next_attempt(
        NOW, interval_minutes=30, error_streak=4, settings=flat, rng=rng, retry_after_s=5
    )
    assert small == NOW + timedelta(minutes=240)  # the backoff still applies


def test_adaptive_interval_follows_the_rhythm_within_floor_and_ceiling() -> None:
    settings = ScheduleSettings(min_interval_minutes=10, max_interval_minutes=720)
    assert adaptive_interval_minutes(every(2, 10), settings) == 60  # half of a 2 h gap
    assert adaptive_interval_minutes(every(0.05, 10), settings) == 10  # floor
    assert adaptive_interval_minutes(every(72, 10), settings) == 720  # ceiling
    assert adaptive_interval_minutes(every(2, 2), settings) == 30  # too little history
    bursty = every(2, 10) + [NOW - timedelta(minutes=m) for m in (1, 2, 3)]
    assert adaptive_interval_minutes(bursty, settings) == 60  # the median ignores a burst


def test_effective_interval_prefers_the_sources_own_setting() -> None:
    adaptive = ScheduleSettings(adaptive=True)
    history = every(4, 10)
    assert effective_interval_minutes(45, False, history, SETTINGS) == 45
    assert effective_interval_minutes(None, False, history, SETTINGS) == 30
    assert effective_interval_minutes(None, True, history, SETTINGS) == 120
    assert effective_interval_minutes(None, False, history, adaptive) == 120


def test_due() -> None:
    assert is_due(None, NOW)
    assert is_due(NOW - timedelta(seconds=1), NOW)
    assert not is_due(NOW + timedelta(seconds=1), NOW)


def test_rates_gap_and_silence() -> None:
    daily = every(24, 30, end=NOW - timedelta(hours=1))
    assert articles_per_day(daily, NOW, 7) == 1.0
    assert articles_per_day(daily, NOW, 30) == 1.0
    assert usual_gap(daily) == timedelta(hours=24)
    assert not is_silent(daily, NOW, 4.0)
    quiet = every(24, 30, end=NOW - timedelta(days=5))
    assert is_silent(quiet, NOW, 4.0)
    assert not is_silent(quiet, NOW, 6.0)
    hourly = every(1, 30, end=NOW - timedelta(hours=10))
    assert not is_silent(hourly, NOW, 4.0)  # never before a day of silence
    assert not is_silent(every(24, 2, end=NOW - timedelta(days=60)), NOW, 4.0)  # no rhythm yet


@pytest.mark.parametrize(
    ("kwargs", "state"),
    [
        ({"is_enabled": False}, "disabled"),
        ({"is_failing": True, "error_streak": 3}, "failing"),
        ({"error_streak": 1}, "backoff"),
        ({"last_success_at": None}, "new"),
        ({"published": every(24, 10, end=NOW - timedelta(days=10))}, "silent"),
        ({}, "ok"),
    ],
)
def test_health_state(kwargs: dict[str, object], state: str) -> None:
    base: dict[str, object] = {
        "is_enabled": True,
        "is_failing": False,
        "error_streak": 0,
        "last_success_at": NOW,
        "published": every(24, 10),
        "now": NOW,
        "silent_factor": 4.0,
    }
    assert source_health(**(base | kwargs)).state == state  # type: ignore[arg-type]
