"""Pure: when a digest is due, which period a date names, and the window a period covers.

Times in and out are aware datetimes; due times are computed in the digest's own timezone,
so "07:00 Europe/Berlin" stays 07:00 across daylight-saving changes (a time that does not
exist on the night clocks go forward is read with the offset before the change, PEP 495).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tracker.digest.records import Period
from tracker.digest.settings import Cadence


def due_on(cadence: Cadence, day: date) -> datetime | None:
    """The moment (UTC) the digest is due on local ``day``, or None when it is not due then."""
    if cadence.every == "weekly" and day.weekday() != cadence.weekday:
        return None
    return datetime.combine(day, cadence.at, tzinfo=cadence.tz).astimezone(UTC)


def due_for_date(cadence: Cadence, day: date) -> datetime:
    """The due time of the period ``day`` names: that day's (weekly: the last on or before)."""
    for back in range(7):
        due = due_on(cadence, day - timedelta(days=back))
        if due is not None:
            return due
    raise AssertionError("a weekly cadence is due once in any 7 days")


def latest_due(cadence: Cadence, now: datetime) -> datetime:
    """The most recent due time at or before ``now``."""
    today = now.astimezone(cadence.tz).date()
    for back in range(9):
        due = due_on(cadence, today - timedelta(days=back))
        if due is not None and due <= now:
            return due
    raise AssertionError("a cadence is due at least once in any 8 days")


def next_due(cadence: Cadence, now: datetime) -> datetime:
    """The first due time strictly after ``now``."""
    today = now.astimezone(cadence.tz).date()
    for ahead in range(9):
        due = due_on(cadence, today + timedelta(days=ahead))
        if due is not None and due > now:
            return due
    raise AssertionError("a cadence is due at least once in any 8 days")


def previous_due(cadence: Cadence, due_at: datetime) -> datetime:
    """The due time before ``due_at`` (a day or a week earlier, in local time)."""
    day = due_at.astimezone(cadence.tz).date()
    step = timedelta(days=7 if cadence.every == "weekly" else 1)
    previous = due_on(cadence, day - step)
    assert previous is not None
    return previous


def period_key(cadence: Cadence, due_at: datetime) -> str:
    """The name of the period due at ``due_at``: its local date, ``YYYY-MM-DD``."""
    return due_at.astimezone(cadence.tz).date().isoformat()


def make_period(
    cadence: Cadence, due_at: datetime, *, last_end: datetime | None, now: datetime
) -> Period:
    """The period due at ``due_at``: from the end of the last digest sent (else one cadence
    back) to the due time, or to ``now`` when the period is sent early."""
    end = min(due_at, now)
    start = last_end if last_end is not None and last_end < end else previous_due(cadence, due_at)
    start = min(start, end)
    return Period(
        key=period_key(cadence, due_at),
        due_at=due_at,
        start=start,
        end=end,
        timezone=cadence.timezone,
        cadence=cadence.every,
    )
