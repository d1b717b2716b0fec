"""When digests are due, in their own timezone, across DST, and which window a period covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tracker.digest.schedule import (
    due_for_date,
    due_on,
    latest_due,
    make_period,
    next_due,
    period_key,
    previous_due,
)
from tracker.digest.settings import Cadence

BERLIN = Cadence("daily", time(7, 0), 0, "Europe/Berlin")
WEEKLY = Cadence("weekly", time(9, 0), 4, "Asia/Taipei")  # Fridays 09:00


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_daily_due_in_local_time_across_dst() -> None:
    # CET (+1) in winter, CEST (+2) in summer: 07:00 local both times.
    assert due_on(BERLIN, date(2026, 11, 26)) == utc(2026, 11, 26, 6, 0)
    assert due_on(BERLIN, date(2026, 7, 1)) == utc(2026, 7, 1, 5, 0)
    # The day clocks go back (25 Oct 2026): still 07:00 local, now +1.
    assert due_on(BERLIN, date(2026, 10, 25)) == utc(2026, 10, 25, 6, 0)
    assert due_on(BERLIN, date(2026, 10, 24)) == utc(2026, 10, 24, 5, 0)


def test_a_time_that_does_not_exist_is_read_with_the_offset_before_the_change() -> None:
    night = Cadence("daily", time(2, 30), 0, "Europe/Berlin")
    # 29 Mar 2026 02:30 does not exist in Berlin; PEP 495 reads it at +1, i.e. 03:30 CEST.
    assert due_on(night, date(2026, 3, 29)) == utc(2026, 3, 29, 1, 30)


def test_latest_and_next_due() -> None:
    before = utc(2026, 11, 26, 5, 59)
    after = utc(2026, 11, 26, 6, 0)
    assert latest_due(BERLIN, before) == utc(2026, 11, 25, 6, 0)
    assert latest_due(BERLIN, after) == utc(2026, 11, 26, 6, 0)  # due at exactly now
    assert next_due(BERLIN, before) == utc(2026, 11, 26, 6, 0)
    assert next_due(BERLIN, after) == utc(2026, 11, 27, 6, 0)


def test_weekly() -> None:
    thursday = utc(2026, 11, 26, 12, 0)
    assert latest_due(WEEKLY, thursday) == utc(2026, 11, 20, 1, 0)  # Fri 20 Nov 09:00 +8
    assert next_due(WEEKLY, thursday) == utc(2026, 11, 27, 1, 0)
    assert due_on(WEEKLY, date(2026, 11, 26)) is None
    assert due_for_date(WEEKLY, date(2026, 11, 26)) == utc(2026, 11, 20, 1, 0)
    assert previous_due(WEEKLY, utc(2026, 11, 27, 1, 0)) == utc(2026, 11, 20, 1, 0)
    assert period_key(WEEKLY, utc(2026, 11, 27, 1, 0)) == "2026-11-27"


def test_period_key_is_the_local_date() -> None:
    late = Cadence("daily", time(23, 30), 0, "America/Los_Angeles")
    due = due_on(late, date(2026, 11, 26))
    assert due == utc(2026, 11, 27, 7, 30)
    assert period_key(late, due) == "2026-11-26"


def test_a_period_starts_where_the_last_one_ended() -> None:
    due = utc(2026, 11, 26, 6, 0)
    now = utc(2026, 11, 26, 8, 0)
    first = make_period(BERLIN, due, last_end=None, now=now)
    assert (first.start, first.end) == (utc(2026, 11, 25, 6, 0), due)
    # The machine was off for three days: one period covers the gap.
    gap = make_period(BERLIN, due, last_end=utc(2026, 11, 22, 6, 0), now=now)
    assert gap.start == utc(2026, 11, 22, 6, 0)
    assert gap.days == 4
    # Sent early (before its due time): it stops at now.
    early = make_period(BERLIN, due, last_end=None, now=due - timedelta(hours=2))
    assert early.end == due - timedelta(hours=2)
    # A later period already recorded: a past period falls back to one cadence.
    past = make_period(BERLIN, due, last_end=utc(2026, 11, 27, 6, 0), now=now)
    assert past.start == utc(2026, 11, 25, 6, 0)
