"""Pure scheduling and health math: intervals, backoff with jitter, adaptive rhythm, silence.

No clock and no randomness of its own: ``now`` and a ``random.Random`` are passed in, so the
tests pin both.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.config import ScheduleSettings

# Gaps are measured over at most this many of a source's newest articles.
RHYTHM_WINDOW = 20
# Fewer articles than this say nothing about a rhythm.
MIN_ARTICLES_FOR_RHYTHM = 4
# A source quiet for less than this is never called silent, whatever its rhythm.
MIN_SILENCE = timedelta(hours=24)
# A server's Cache-Control max-age or <ttl> never pushes the next fetch past this.
MAX_HINT = timedelta(hours=24)


def jittered(seconds: float, fraction: float, rng: random.Random) -> float:
    """``seconds`` spread uniformly over +-``fraction`` of itself."""
    if fraction <= 0 or seconds <= 0:
        return seconds
    return seconds * rng.uniform(1 - fraction, 1 + fraction)


def backoff(failures: int, base: float, cap: float) -> float:
    """The wait after ``failures`` failures in a row: ``base`` after one, doubling with each
    further one, never more than ``cap`` (in ``base``'s unit). The one backoff formula of
    the tracker: sources after failed fetches, digests after failed deliveries."""
    if failures <= 0:
        return base
    return float(min(cap, base * 2.0 ** min(failures - 1, 40)))


def recent_gaps(published: Sequence[datetime]) -> list[timedelta]:
    """Gaps between consecutive distinct publication times, newest first, within the window."""
    times = sorted(set(published), reverse=True)[:RHYTHM_WINDOW]
    return [a - b for a, b in itertools.pairwise(times) if a > b]


def usual_gap(published: Sequence[datetime]) -> timedelta | None:
    """The median gap between a source's recent articles, or None with too few of them."""
    gaps = recent_gaps(published)
    if len(gaps) < MIN_ARTICLES_FOR_RHYTHM - 1:
        return None
    return timedelta(seconds=statistics.median(g.total_seconds() for g in gaps))


def adaptive_interval_minutes(published: Sequence[datetime], settings: ScheduleSettings) -> float:
    """Half the usual gap (a new article waits half a gap on average), within min/max.

    A source without enough history keeps the default interval.
    """
    gap = usual_gap(published)
    if gap is None:
        return float(settings.interval_minutes)
    half = gap.total_seconds() / 120
    return float(min(settings.max_interval_minutes, max(settings.min_interval_minutes, half)))


def effective_interval_minutes(
    interval_minutes: int | None,
    is_adaptive: bool,
    published: Sequence[datetime],
    settings: ScheduleSettings,
) -> float:
    """The source's own interval, else its rhythm (when adaptive), else the default."""
    if interval_minutes is not None:
        return float(interval_minutes)
    if is_adaptive or settings.adaptive:
        return adaptive_interval_minutes(published, settings)
    return float(settings.interval_minutes)


def plan_next_attempt(
    now: datetime,
    *,
    interval_minutes: float,
    error_streak: int,
    settings: ScheduleSettings,
    rng: random.Random,
    fresh_for_s: float | None = None,
    retry_after_s: float | None = None,
) -> datetime:
    """When to fetch a source again.

    After a success: the interval, or longer when the server said its answer stays fresh
    (Cache-Control max-age, RSS <ttl>), at most a day. After failures: exponential backoff
    from the interval, and never before the server's Retry-After (both within
    ``max_backoff_minutes``). Jitter of +-``jitter_fraction`` keeps sources that failed
    together from retrying together.
    """
    if error_streak <= 0:
        delay_s = interval_minutes * 60
        if fresh_for_s:
            delay_s = max(delay_s, min(fresh_for_s, MAX_HINT.total_seconds()))
        return now + timedelta(seconds=jittered(delay_s, settings.jitter_fraction, rng))
    cap_s = settings.max_backoff_minutes * 60.0
    delay_s = backoff(error_streak, interval_minutes, settings.max_backoff_minutes) * 60
    delay_s = jittered(delay_s, settings.jitter_fraction, rng)
    if retry_after_s is not None:
        delay_s = max(delay_s, min(retry_after_s, cap_s))
    return now + timedelta(seconds=delay_s)


def is_due(next_attempt_at: datetime | None, now: datetime) -> bool:
    """True when a source has never been scheduled or its time has come."""
    return next_attempt_at is None or next_attempt_at <= now


def articles_per_day(published: Sequence[datetime], now: datetime, days: int) -> float:
    """Articles published in the last ``days`` days, per day."""
    start = now - timedelta(days=days)
    return sum(1 for t in published if start <= t <= now) / days


def is_silent(published: Sequence[datetime], now: datetime, factor: float) -> bool:
    """True when a source that used to publish has been quiet for ``factor`` usual gaps.

    Never for a source without a rhythm yet, nor before a day of silence.
    """
    gap = usual_gap(published)
    if gap is None or not published:
        return False
    quiet = now - max(published)
    return quiet > max(gap * factor, MIN_SILENCE)


@dataclass(frozen=True, slots=True)
class Health:
    """How a source is doing, for `tracker sources health`."""

    state: str  # ok | new | backoff | failing | layout changed | silent | disabled
    per_day_7d: float
    per_day_30d: float
    usual_gap: timedelta | None
    is_silent: bool


def source_health(
    *,
    is_enabled: bool,
    is_failing: bool,
    error_streak: int,
    last_success_at: datetime | None,
    published: Sequence[datetime],
    now: datetime,
    silent_factor: float,
    is_layout_changed: bool = False,
) -> Health:
    """The state of one source from its fetch state and its articles' publication times.

    ``is_layout_changed``: a page source whose article links moved to another block of the
    page, or vanished; it says so rather than "backoff" or "silent" (issue 8).
    """
    silent = is_silent(published, now, silent_factor)
    if not is_enabled:
        state = "disabled"
    elif is_failing:
        state = "failing"
    elif is_layout_changed:
        state = "layout changed"
    elif error_streak > 0:
        state = "backoff"
    elif silent:
        state = "silent"
    elif last_success_at is None:
        state = "new"
    else:
        state = "ok"
    return Health(
        state=state,
        per_day_7d=round(articles_per_day(published, now, 7), 2),
        per_day_30d=round(articles_per_day(published, now, 30), 2),
        usual_gap=usual_gap(published),
        is_silent=silent,
    )
