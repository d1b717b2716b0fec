"""What a fetch does to a source: one pure function from the source's state and the fetch's
outcome to the source's new state.

A success (a 304 too) clears the error streak and keeps the validators (ETag, Last-Modified)
to send next time; a failure grows the streak and backs off; a 410 Gone turns the source off;
404s or DNS failures ``failing_after`` times in a row mark it failing. Either way the next
attempt is planned (``tracker.ingest.cadence``). The clock and the randomness are passed in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from tracker.config import ScheduleSettings
from tracker.ingest.cadence import effective_interval_minutes, plan_next_attempt
from tracker.models import SourceState

__all__ = ["FAILING_CLASSES", "Fetched", "after_fetch"]

# Error classes that, repeated, mark a source as failing rather than merely unlucky.
FAILING_CLASSES = frozenset({"http_404", "dns"})


@dataclass(frozen=True, slots=True)
class Fetched:
    """How one fetch of a source ended, as far as the source's state cares.

    ``keep_validators``: some entries could not be stored; the old validators stay, so that
    no 304 hides those entries next time.
    """

    status: Literal["ok", "not_modified", "failed"]
    http_status: int | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fresh_for_s: float | None = None  # Cache-Control max-age or <ttl>
    keep_validators: bool = False
    error_class: str | None = None
    error: str | None = None
    retry_after_s: float | None = None


def after_fetch(
    state: SourceState,
    fetched: Fetched,
    *,
    published: Sequence[datetime],
    settings: ScheduleSettings,
    now: datetime,
    rng: random.Random,
) -> SourceState:
    """The source's state after ``fetched``; ``published``: its articles' recent dates."""
    interval = effective_interval_minutes(
        state.interval_minutes, state.is_adaptive, published, settings
    )
    if fetched.status == "failed":
        return _after_failure(state, fetched, interval, settings, now, rng)
    keep = fetched.status == "not_modified" or fetched.keep_validators
    return replace(
        state,
        last_fetched_at=now,
        last_success_at=now,
        last_error=None,
        last_error_class=None,
        error_streak=0,
        is_failing=False,
        last_http_status=(
            state.last_http_status if fetched.http_status is None else fetched.http_status
        ),
        last_not_modified_at=now if fetched.http_status == 304 else state.last_not_modified_at,
        title=fetched.title or state.title,
        etag=state.etag if keep else fetched.etag,
        last_modified=state.last_modified if keep else fetched.last_modified,
        next_attempt_at=plan_next_attempt(
            now,
            interval_minutes=interval,
            error_streak=0,
            settings=settings,
            rng=rng,
            fresh_for_s=fetched.fresh_for_s,
        ),
    )


def _after_failure(
    state: SourceState,
    fetched: Fetched,
    interval: float,
    settings: ScheduleSettings,
    now: datetime,
    rng: random.Random,
) -> SourceState:
    streak = state.error_streak + 1
    error_class = fetched.error_class or "internal"
    new = replace(
        state,
        last_fetched_at=now,
        last_error_at=now,
        last_error=fetched.error,
        last_error_class=error_class,
        error_streak=streak,
        last_http_status=fetched.http_status,
        is_failing=error_class in FAILING_CLASSES and streak >= settings.failing_after,
        next_attempt_at=plan_next_attempt(
            now,
            interval_minutes=interval,
            error_streak=streak,
            settings=settings,
            rng=rng,
            retry_after_s=fetched.retry_after_s,
        ),
    )
    if error_class == "http_410":
        new = replace(
            new,
            is_enabled=False,
            disabled_reason=(
                f"410 Gone on {now:%Y-%m-%d}: the feed was removed for good "
                f"(`tracker sources set {state.name} --enable` to try again)"
            ),
        )
    return new
